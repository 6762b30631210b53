"""Pages and JSON answers reach the phone compressed when it accepts it, exports keep streaming, and a phone
asking again for what it holds gets a 304 (fieldwork/web/compression.py)."""
from __future__ import annotations

import gzip
import json

import brotli
import pytest

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from fieldwork.web import compression
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.forms.fixtures import programme_form

GZIP = {"Accept-Encoding": "gzip, deflate"}


@pytest.fixture(autouse=True)
def compressed(app):
    """Until the app factory registers it, the tests do (a second registration changes nothing)."""
    compression.init_app(app)
    compression.init_app(app)
    return app


@pytest.fixture
def officer_with_form(app):
    officer = make_user("officer", username="lucia")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    supervisor = make_user("supervisor", username="sara")
    version = publish_form(supervisor, upload_form(supervisor, programme_form(), "seguimiento.xlsx"))
    db.session.commit()
    return mipyme, supervisor, version


def test_visit_form_page_travels_gzipped_and_reads_the_same(client, officer_with_form):
    login(client, "lucia")
    plain = client.get("/visits/new")
    packed = client.get("/visits/new", headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers  # a client that does not ask gets plain HTML
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert "Cookie" in packed.headers["Vary"]  # the session's Vary stays beside it
    html = gzip.decompress(packed.get_data()).decode()
    assert 'id="form-definition"' in html and "Guardar visita" in html
    assert int(packed.headers["Content-Length"]) == len(packed.get_data())
    assert len(packed.get_data()) * 3 < len(plain.get_data())


def test_brotli_when_the_browser_offers_it(client, officer_with_form):
    login(client, "lucia")
    response = client.get("/api/v1/forms/current", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"
    assert b'"questions"' in brotli.decompress(response.get_data())


def test_small_answers_go_as_they_are(client, officer_with_form):
    body = login(client, "lucia")
    response = client.get("/api/v1/session", headers=GZIP)
    assert len(response.get_data()) < 1024
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["user"]["id"] == body["user"]["id"]


def test_exports_keep_streaming_uncompressed(client, officer_with_form):
    mipyme, supervisor, _ = officer_with_form
    make_visit(mipyme)
    db.session.commit()
    login(client, supervisor)
    for path in ("/supervision/visits.csv", "/supervision/visits.xlsx"):
        response = client.get(path, headers=GZIP, buffered=False)
        assert response.status_code == 200, path
        assert response.is_streamed, path  # rows leave as they are read, not after the last one
        assert "Content-Encoding" not in response.headers, path
        assert "Content-Length" not in response.headers, path
        response.close()


def test_phone_asking_again_for_the_form_it_holds_gets_a_304(client, officer_with_form):
    _, supervisor, version = officer_with_form
    login(client, "lucia")
    first = client.get("/api/v1/forms/current", headers=GZIP)
    etag = first.headers["ETag"]
    assert first.headers["Content-Encoding"] == "gzip" and etag.endswith(':gzip"')

    again = client.get("/api/v1/forms/current", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""

    # Without compression the answer has its own ETag, and the same rule.
    plain = client.get("/api/v1/forms/current")
    assert plain.headers["ETag"] != etag
    assert client.get("/api/v1/forms/current", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304

    # A new version published: the phone's ETag no longer matches, and it gets the new one.
    second = publish_form(supervisor, upload_form(supervisor, programme_form(version="2026030299"), "v2.xlsx"))
    db.session.commit()
    changed = client.get("/api/v1/forms/current", headers={**GZIP, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert json.loads(gzip.decompress(changed.get_data()))["id"] == second.id != version.id


def test_service_worker_compressed_still_answers_304_while_unchanged(client):
    response = client.get("/service-worker.js", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "PRECACHE_PAGES" in gzip.decompress(response.get_data()).decode()
    again = client.get("/service-worker.js", headers={**GZIP, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304

