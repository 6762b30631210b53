"""The service worker installs each static file once (issue 11, item 9): its precache list names
files by content hash, it fetches each once, and a new version copies the unchanged ones from the
old cache instead of downloading them again."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from tests.browser.offline_helpers import log_in_and_get_ready, server_fixture  # noqa: F401
from tests.browser.test_offline_worker import SHELL_CACHES
from tests.builders import make_user

pytestmark = pytest.mark.browser
HASHED_STATIC = re.compile(r"/static/.+\.[0-9a-f]{12}\.\w+$")


def _worker_fetches(context: Any) -> Counter[str]:
    """Static files the service worker itself requests, by URL."""
    fetched: Counter[str] = Counter()

    def note(request: Any) -> None:
        if request.service_worker is not None and "/static/" in request.url:
            fetched[request.url] += 1

    context.on("request", note)
    return fetched


def test_the_worker_fetches_each_hashed_file_once_and_a_new_version_none_again(server, app, context, page):
    make_user("officer", username="lucia")
    fetched = _worker_fetches(context)
    log_in_and_get_ready(page, server.url, "lucia")
    assert fetched, "the worker precached nothing"
    assert all(HASHED_STATIC.search(url) for url in fetched), sorted(fetched)
    assert max(fetched.values()) == 1, fetched.most_common(3)
    [old_cache] = page.evaluate(SHELL_CACHES)

    first_install = sum(fetched.values())
    page.reload()
    app.config["SHELL_VERSION_SALT"] = "next-release"  # a new worker, every static file unchanged
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    page.locator("[data-update-prompt]").wait_for()
    assert sum(fetched.values()) == first_install  # nothing downloaded again
    shells = page.evaluate(SHELL_CACHES)
    new_cache = next(name for name in shells if name != old_cache)
    copied = page.evaluate("(name) => caches.open(name).then((c) => c.keys()).then((k) => k.length)", new_cache)
    assert copied >= first_install  # the new version holds every file all the same
