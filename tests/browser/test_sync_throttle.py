"""A phone that sends too fast gets 429: it waits the Retry-After the server named, not its own
back-off, and after the wait every visit reaches the server once (issue 11, item 5)."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from fieldwork import create_app
from fieldwork.config import TESTING
from fieldwork.extensions import db
from tests.browser.conftest import LiveServer
from tests.browser.offline_helpers import log_in_and_get_ready, stored_visits, wait_until_all_sent
from tests.browser.test_offline_sync_batches import QUEUE_VISITS
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser

#: One batch per 6 s: the second batch of a long outbox is refused with a Retry-After of about 6 s,
#: three times the 2 s back-off the client would pick by itself after one failure.
SYNC_LIMIT = "1 per 6 seconds"


@pytest.fixture
def throttled_server(app: Flask) -> Iterator[LiveServer]:
    throttled = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            "PHOTO_FOLDER": app.config["PHOTO_FOLDER"], "RATELIMIT_ENABLED": True,
                            "RATELIMIT_SYNC": SYNC_LIMIT})
    server = LiveServer(throttled)
    server.start()
    yield server
    server.stop()
    with throttled.app_context():
        db.engine.dispose()


def _send_150_visits(server: LiveServer, context: Any, page: Any) -> tuple[str, list[str], list[dict[str, Any]]]:
    """An officer with 150 visits in the outbox presses "Enviar": the first batch of 100 goes, the
    second meets the limit. Returns the officer's id, the visit ids and the sync answers as they come."""
    officer = make_user("officer", username="lucia")
    mipyme = make_mipyme(officer)
    log_in_and_get_ready(page, server.url, "lucia")
    answers: list[dict[str, Any]] = []

    def record(route: Any) -> None:
        response = route.fetch()
        answers.append({"status": response.status, "at": time.time(),
                        "count": len(route.request.post_data_json["visits"]),
                        "retry_after": response.headers.get("retry-after")})
        route.fulfill(response=response)

    context.route("**/api/v1/visits/sync", record)
    ids = page.evaluate(QUEUE_VISITS, [str(officer.id), mipyme.id, 150])
    page.wait_for_selector("[data-syncbar][data-pending='150']")
    page.click("[data-sync-now]")
    page.wait_for_function("() => document.querySelector('[data-syncbar]').dataset.pending === '50'")
    return str(officer.id), ids, answers


def test_a_refused_batch_waits_exactly_retry_after_and_then_arrives(throttled_server, context, page):
    _officer_id, ids, answers = _send_150_visits(throttled_server, context, page)
    wait_until_all_sent(page)
    assert [(a["status"], a["count"]) for a in answers] == [(200, 100), (429, 50), (200, 50)]
    refused, resent = answers[1], answers[2]
    retry_after = int(refused["retry_after"])
    assert retry_after >= 3
    # The client waited what the server said (a little late is the timer; never early).
    assert resent["at"] - refused["at"] >= retry_after - 0.5
    assert sorted(v.id for v in stored_visits()) == sorted(ids)  # nothing lost, nothing twice


def test_the_client_schedules_its_next_attempt_at_retry_after(throttled_server, context, page):
    officer_id, _ids, answers = _send_150_visits(throttled_server, context, page)
    state = _state_after_refusal(page, officer_id)
    refused = next(a for a in answers if a["status"] == 429)
    refused_at, retry_after = refused["at"], int(refused["retry_after"])
    # next_attempt is the refusal plus Retry-After (not the 2 s back-off), within the clock's jitter.
    assert abs(state["next_attempt"] / 1000 - (refused_at + retry_after)) < 1.0
    assert state["retry_at"] == state["next_attempt"]
    assert "Demasiados envíos seguidos" in state["last_error"]


def _state_after_refusal(page: Any, officer_id: str) -> dict[str, Any]:
    read = "async (id) => (await import('/static/js/sync.js')).syncState(id)"
    for _ in range(100):
        state = page.evaluate(read, officer_id)
        if state["failures"]:
            return state
        page.wait_for_timeout(100)
    raise AssertionError("the client never recorded the refusal")
