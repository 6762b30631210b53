"""Issue 9 item 7: a review or a confirmation is bound to the revision the person read, checked once in
the service for the API, the pages and the link; a busy database is retried in the service layer."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from fieldwork import confirmation_links as links
from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Visit
from fieldwork.services import ServiceError, commit_with_retry
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import form_token, login

STALE = "La visita cambió mientras la leía; revísela de nuevo"
RELOAD = "La página está desactualizada: recárguela"


@pytest.fixture
def world(app):
    officer = make_user("officer")
    mipyme = make_mipyme(officer, name="Panadería La Esquina")
    visit = make_visit(mipyme, employees=4, review_comment=None)
    return {"officer": officer, "mipyme": mipyme, "visit": visit, "supervisor": make_user("supervisor"),
            "owner": make_user("owner", mipyme=mipyme)}


def _edited_meanwhile(visit: Visit) -> None:
    """The officer's phone sent revision 2 (employees 400) after the page was read."""
    visit.revision, visit.employees = 2, 400
    db.session.commit()


def _state(visit: Visit) -> tuple[str, str, int]:
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    return stored.review_status, stored.owner_confirmation, db.session.scalar(select(func.count(AuditEntry.id)))


def test_api_review_of_a_revision_no_longer_current_is_409_and_changes_nothing(client, world):
    login(client, world["supervisor"])
    _edited_meanwhile(world["visit"])
    before = _state(world["visit"])
    response = client.post(f"/api/v1/visits/{world['visit'].id}/review", json={"decision": "approved", "revision": 1})
    assert response.status_code == 409
    assert STALE in response.get_json()["errors"]["revision"][0]
    assert _state(world["visit"]) == before
    ok = client.post(f"/api/v1/visits/{world['visit'].id}/review", json={"decision": "approved", "revision": 2})
    assert ok.status_code == 200 and ok.get_json()["review_status"] == "approved"


def test_review_page_sends_the_revision_read_and_says_when_the_visit_changed(client, world):
    login(client, world["supervisor"])
    page = f"/supervision/visits/{world['visit'].id}"
    html = client.get(page).get_data(as_text=True)
    assert 'name="revision" type="hidden" value="1"' in html
    token = form_token(client, page)
    _edited_meanwhile(world["visit"])
    response = client.post(f"{page}/review", data={"csrf_token": token, "decision": "approved", "revision": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and STALE in body
    assert 'name="revision" type="hidden" value="2"' in body  # the page now shows, and binds to, revision 2
    assert _state(world["visit"])[0] == "submitted"


@pytest.mark.parametrize("revision", ["abc", "", "1.5", "-1"])
def test_review_form_with_a_bad_revision_is_a_field_error_not_a_500(client, world, revision):
    login(client, world["supervisor"])
    page = f"/supervision/visits/{world['visit'].id}"
    response = client.post(f"{page}/review", data={"csrf_token": form_token(client, page), "decision": "approved",
                                                   "revision": revision})
    assert response.status_code == 400 and RELOAD in response.get_data(as_text=True)
    assert _state(world["visit"])[0] == "submitted"


def test_api_confirmation_of_a_revision_no_longer_current_is_409(client, world):
    login(client, world["owner"])
    _edited_meanwhile(world["visit"])
    url = f"/api/v1/visits/{world['visit'].id}/confirmation"
    response = client.post(url, json={"decision": "confirmed", "revision": 1})
    assert response.status_code == 409 and STALE in response.get_json()["errors"]["revision"][0]
    assert _state(world["visit"])[1] == "pending"
    bad = client.post(url, json={"decision": "confirmed", "revision": "abc"})
    assert bad.status_code == 400 and "revision" in bad.get_json()["errors"]
    assert client.post(url, json={"decision": "confirmed", "revision": 2}).status_code == 200


def _owner_post(client, visit, revision):
    prefix = f"v-{visit.id}-"
    return client.post(f"/owner/visits/{visit.id}/confirmation", data={
        prefix + "csrf_token": form_token(client, "/owner/"), prefix + "decision": "confirmed",
        prefix + "revision": revision})


def test_owner_page_confirmation_of_an_edited_visit_asks_to_read_it_again(client, world):
    login(client, world["owner"])
    assert f'name="v-{world["visit"].id}-revision" type="hidden" value="1"' in client.get("/owner/").get_data(
        as_text=True)
    _edited_meanwhile(world["visit"])
    response = _owner_post(client, world["visit"], "1")
    assert response.status_code == 409 and STALE in response.get_data(as_text=True)
    assert _state(world["visit"])[1] == "pending"
    assert _owner_post(client, world["visit"], "abc").status_code == 400
    assert _owner_post(client, world["visit"], "2").status_code == 302
    assert _state(world["visit"])[1] == "confirmed"


def test_link_confirmation_with_a_bad_revision_is_a_field_error(client, world):
    url = f"/c/{links.make_token(world['visit'])}"
    client.get(url)
    response = client.post(url, data={"csrf_token": form_token(client, url), "decision": "confirmed",
                                      "revision": "abc"})
    assert response.status_code == 400 and RELOAD in response.get_data(as_text=True)
    assert _state(world["visit"])[1] == "pending"


def test_a_busy_database_is_retried_by_the_service_then_answers_503(app, world):
    attempts = []

    def flaky() -> str:
        attempts.append(1)
        world["visit"].notes = f"intento {len(attempts)}"
        if len(attempts) < 3:
            raise OperationalError("UPDATE visits", {}, Exception("database is locked"))
        return "ok"

    assert commit_with_retry(flaky) == "ok" and len(attempts) == 3
    db.session.expire_all()
    assert db.session.get(Visit, world["visit"].id).notes == "intento 3"

    def always_locked() -> None:
        world["visit"].notes = "nunca"
        raise OperationalError("UPDATE visits", {}, Exception("database is locked"))

    with pytest.raises(ServiceError) as refused:
        commit_with_retry(always_locked)
    assert refused.value.status == 503 and "ocupado" in refused.value.errors["_schema"][0]
    db.session.expire_all()
    assert db.session.get(Visit, world["visit"].id).notes == "intento 3"


def test_owners_api_answers_leave_out_the_review_comment(client, make_client, world):
    supervisor = make_client()
    login(supervisor, world["supervisor"])
    supervisor.post(f"/api/v1/visits/{world['visit'].id}/review",
                    json={"decision": "returned", "comment": "Nota interna para el funcionario."})
    assert supervisor.get(f"/api/v1/visits/{world['visit'].id}").get_json()["review_comment"]
    login(client, world["owner"])
    listed = client.get("/api/v1/visits").get_json()["items"][0]
    one = client.get(f"/api/v1/visits/{world['visit'].id}").get_json()
    answered = client.post(f"/api/v1/visits/{world['visit'].id}/confirmation",
                           json={"decision": "confirmed"}).get_json()
    for body in (listed, one, answered):
        assert "review_comment" not in body and "Nota interna" not in str(body)


def test_an_edit_committed_between_reading_and_deciding_still_refuses_the_decision(app, world):
    """The check is also in the guarded UPDATE: the service's own copy may be older than the row."""
    from sqlalchemy import update

    from fieldwork.owners.confirmation import confirm_visit
    from fieldwork.supervision.review import review_visit

    def officer_sync(revision: int) -> None:  # on another connection, as a concurrent request would
        with db.engine.begin() as other_connection:
            other_connection.execute(update(Visit).where(Visit.id == world["visit"].id).values(revision=revision))

    decisions = (lambda visit: review_visit(world["supervisor"], visit, "approved", None, revision=1),
                 lambda visit: confirm_visit(visit, "confirmed", None, actor=world["owner"], revision=1))
    for decide in decisions:
        officer_sync(1)
        db.session.expire_all()
        visit = db.session.get(Visit, world["visit"].id)
        assert visit.revision == 1  # what the person read
        officer_sync(2)
        with pytest.raises(ServiceError) as refused:
            decide(visit)
        assert refused.value.status == 409 and "revision" in refused.value.errors
        db.session.rollback()
    stored = db.session.get(Visit, world["visit"].id)
    assert (stored.review_status, stored.owner_confirmation) == ("submitted", "pending")
