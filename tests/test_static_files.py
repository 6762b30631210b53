"""Static files as a production server serves them (issue 11, item 9): compressed, a year under
content-hashed names, without the session cookie."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest

from tests.builders import make_user
from tests.conftest import login

STATIC_REFERENCE = re.compile(r'(?:href|src)="(/static/[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")


@pytest.fixture
def logged_in(client):
    make_user("officer", username="olga")
    login(client, "olga")
    return client


def _page_static_urls(client, path="/visits/new"):
    return STATIC_REFERENCE.findall(client.get(path).get_data(as_text=True))


def test_pages_link_static_files_under_content_hashed_names(logged_in):
    urls = _page_static_urls(logged_in)
    assert urls and all(HASHED.search(url) for url in urls), urls


@pytest.mark.parametrize(("accept", "encoding"), [("br, gzip", "br"), ("gzip", "gzip")])
def test_scripts_and_styles_come_compressed(logged_in, accept, encoding):
    for url in _page_static_urls(logged_in):
        if not url.endswith((".js", ".css")):
            continue
        plain = logged_in.get(url)
        response = logged_in.get(url, headers={"Accept-Encoding": accept})
        assert response.headers["Content-Encoding"] == encoding, url
        assert int(response.headers["Content-Length"]) < len(plain.get_data())
        assert "Accept-Encoding" in response.headers["Vary"]


def test_hashed_files_are_cached_for_a_year_and_plain_names_revalidate(logged_in):
    url = next(u for u in _page_static_urls(logged_in) if "/js/" in u)
    cache = logged_in.get(url).headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache
    plain = HASHED.sub(lambda m: "." + m.group(0).rsplit(".", 1)[1], url)  # sync.<hash>.js → sync.js
    response = logged_in.get(plain)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"


def test_static_files_carry_no_session_cookie_and_no_vary_cookie(logged_in):
    for url in _page_static_urls(logged_in):
        response = logged_in.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_import_map_sends_each_module_to_its_hashed_name_and_csp_allows_only_it(logged_in):
    response = logged_in.get("/visits/new")
    html = response.get_data(as_text=True)
    import_map = re.search(r'<script type="importmap">(.*?)</script>', html).group(1)
    assert re.search(r'"/static/js/sync\.js":"/static/js/sync\.[0-9a-f]{12}\.js"', import_map)
    digest = base64.b64encode(hashlib.sha256(import_map.encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in response.headers["Content-Security-Policy"]
    # It comes before the first module script, as import maps must.
    assert html.index('type="importmap"') < html.index('type="module"')


def _start_worker(source: str, instance: str) -> None:
    """What each gunicorn worker does at start-up: build the served folder and let WhiteNoise list it."""
    from flask import Flask  # noqa: PLC0415

    from fieldwork.web.static_files import register_static_files  # noqa: PLC0415

    register_static_files(Flask("worker", static_folder=source, instance_path=instance))


def test_workers_starting_together_after_a_release_all_start_and_serve_whole_files(tmp_path):
    """Six workers start at once on a folder a release just changed: none fails on a file another is
    rewriting, and every compressed copy is the file it stands for."""
    import gzip  # noqa: PLC0415
    import multiprocessing  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    source, instance = tmp_path / "static", tmp_path / "instance"
    (source / "js").mkdir(parents=True)

    def release(version: str) -> None:
        for n in range(150):
            (source / "js" / f"m{n}.js").write_text(f"// {version}\n" + f"export const v{n} = '{version}';\n" * 400)

    release("1.0")
    _start_worker(str(source), str(instance))
    release("1.1")
    workers = [multiprocessing.get_context("fork").Process(target=_start_worker, args=(str(source), str(instance)))
               for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0] * 6
    served = Path(instance) / "static"
    for compressed in served.rglob("*.gz"):
        assert gzip.decompress(compressed.read_bytes()) == compressed.with_suffix("").read_bytes(), compressed
    assert "1.1" in (served / "js" / "m0.js").read_text()
