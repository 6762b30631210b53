"""Helpers for the offline browser tests: a live server that can really go away, and the officer's
way through the visit form.

Playwright's `context.set_offline(True)` does not reach requests made by a service worker in
Chromium (microsoft/playwright#2311), so "no network" here is both: the browser told it is offline
(`navigator.onLine` false, page requests fail) and the server stopped (the worker's requests fail).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from fieldwork.extensions import db
from fieldwork.models import Photo, Visit
from tests.browser.conftest import login_through_page
from tests.builders import PASSWORD


class SwitchableServer:
    """The test app on a fixed loopback port, which can be stopped and started again on that port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.server is None:
            self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)
        self.server = None


@pytest.fixture(name="server")
def server_fixture(app: Flask) -> Iterator[SwitchableServer]:
    switchable = SwitchableServer(app)
    switchable.start()
    yield switchable
    switchable.stop()


class Network:
    """Turn the whole network off and on for one browser context."""

    def __init__(self, context: Any, server: SwitchableServer) -> None:
        self.context = context
        self.server = server

    def off(self) -> None:
        self.context.set_offline(True)
        self.server.stop()

    def on(self) -> None:
        self.server.start()
        self.context.set_offline(False)  # fires `online` in the pages: they sync


@pytest.fixture(name="network")
def network_fixture(context: Any, server: SwitchableServer) -> Network:
    return Network(context, server)


def log_in_and_get_ready(page: Any, base_url: str, username: str) -> None:
    """Log in online and wait until the worker has the officer's pages (the form opens offline)."""
    login_through_page(page, base_url, username, PASSWORD)
    page.wait_for_selector("html[data-offline-ready=true]")


def open_form(page: Any, base_url: str) -> Any:
    """Open /visits/new and wait until its script restored or started a draft."""
    response = page.goto(base_url + "/visits/new")
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    return response


def fill_visit(page: Any, mipyme_id: int, notes: str = "Taller ordenado, buena producción.") -> None:
    page.select_option("select[name=mipyme_id]", str(mipyme_id))
    page.check("input[name=topics][value=produccion]")
    page.check("input[name=topics][value=comercializacion]")
    page.fill("input[name=production_units]", "120")
    page.fill("input[name=monthly_sales_cop]", "4500000")
    page.fill("input[name=employees]", "4")
    page.fill("textarea[name=needs]", "Capital de trabajo")
    page.fill("textarea[name=notes]", notes)


def save_visit(page: Any) -> str:
    """Press "Guardar visita"; return the id of the visit now in the outbox."""
    page.click("button[type=submit]")
    page.wait_for_selector("form[data-last-queued]")
    return page.get_attribute("form[data-visit-form]", "data-last-queued")


def wait_until_all_sent(page: Any) -> None:
    page.wait_for_selector("[data-syncbar][data-state=idle][data-pending='0']")


def stored_visits() -> list[Visit]:
    db.session.rollback()  # see what the server's threads committed
    return list(db.session.scalars(select(Visit)))


def stored_photos() -> list[Photo]:
    db.session.rollback()
    return list(db.session.scalars(select(Photo)))


def saved_after(page: Any, action: Callable[[], object]) -> None:
    """Do `action` and wait until the draft holding its result is stored. The form's draftSaved mark changes at
    each save: waiting for the mark alone passes on an earlier save (choosing the Mipyme saves too), before the
    idle save of the last letters ran, which under load is later."""
    before = page.get_attribute("form[data-visit-form]", "data-draft-saved")
    action()
    page.wait_for_function("(before) => document.querySelector('form[data-visit-form]').dataset.draftSaved !== before",
                           arg=before)


# The officer's store as the app's version 2 laid it out (before the forms store of version 3): the JavaScript
# that creates its object stores in `database`, inside an upgrade to version 2. For the tests of a phone that
# updates from it (test_store_upgrade.py) or keeps an old tab open on it (test_storage_notice.py).
STORE_V2_STORES = """const drafts = database.createObjectStore('drafts', { keyPath: 'id' });
      drafts.createIndex('officer', 'officer_id');
      drafts.createIndex('mipyme', ['officer_id', 'mipyme_id']);
      database.createObjectStore('outbox', { keyPath: 'id' }).createIndex('officer', 'officer_id');
      const photos = database.createObjectStore('photos', { keyPath: 'id' });
      photos.createIndex('visit', 'visit_id');
      photos.createIndex('officer', 'officer_id');
      database.createObjectStore('meta', { keyPath: 'key' });"""
