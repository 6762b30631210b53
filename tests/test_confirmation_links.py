"""Shared confirmation links: one signed link, one visit, one decision, 30 days."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from fieldwork import confirmation_links as links
from fieldwork import create_app
from fieldwork.clock import utcnow
from fieldwork.config import TESTING
from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Visit
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import CsrfClient, form_token, login

REVISION = re.compile(r'name="revision" type="hidden" value="(\d+)"')


@pytest.fixture
def world(app):
    officer = make_user("officer", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    return {
        "officer": officer,
        "mipyme": mipyme,
        "visit": make_visit(mipyme, officer, topics=["produccion", "financiacion"]),
        "other_visit": make_visit(make_mipyme(officer, name="Arepas Doña Ana"), officer),
    }


def _url(visit, now=None):
    return "/c/" + links.make_token(visit, now)


def _answer(client, url, decision, comment="", **extra):
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": form_token(client, url), "decision": decision, "comment": comment,
            "revision": REVISION.search(page).group(1), **extra}
    return client.post(url, data=data)


def _visit(visit_id):
    db.session.expire_all()
    return db.session.get(Visit, visit_id)


def _audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_valid_link_shows_the_visit_and_records_one_dispute_as_via_link(client, world):
    url = _url(world["visit"])
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for text in ("Calzado Vallenato", "Lucía Ramos", "Producción", "Financiación", "Disputar"):
        assert text in html
    response = _answer(client, url, "disputed", "Ese día no vino nadie.")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    visit = _visit(world["visit"].id)
    assert (visit.owner_confirmation, visit.owner_comment, visit.confirmed_via) == (
        "disputed", "Ese día no vino nadie.", "link")
    [entry] = _audit("visit.disputed")
    assert entry.via == "link" and entry.actor_id is None and entry.entity_id == visit.id
    after = client.get(url).get_data(as_text=True)
    assert "Respuesta registrada" in after and "Ese día no vino nadie." in after
    assert "Registramos su desacuerdo" in after  # the thank-you message
    assert 'name="decision"' not in after  # read-only now


def test_dispute_through_the_link_needs_a_comment(client, world):
    url = _url(world["visit"])
    response = _answer(client, url, "disputed", "  ")
    assert response.status_code == 400
    assert "cuéntenos qué no es correcto" in response.get_data(as_text=True)
    assert _visit(world["visit"].id).owner_confirmation == "pending"


def test_link_allows_only_one_decision(client, world):
    url = _url(world["visit"])
    assert _answer(client, url, "confirmed").status_code == 303
    page = client.get(url).get_data(as_text=True)
    token = form_token(client, "/login")
    second = client.post(url, data={"csrf_token": token, "decision": "disputed", "comment": "Cambié de idea.",
                                    "revision": "1"})
    assert second.status_code == 409
    assert "Confirmada" in page and "ya no se puede cambiar" in second.get_data(as_text=True)
    visit = _visit(world["visit"].id)
    assert visit.owner_confirmation == "confirmed" and visit.owner_comment is None
    assert len(_audit("visit.confirmed")) == 1 and _audit("visit.disputed") == []
    # A fresh link for the same visit does not open a second decision either.
    assert "Respuesta registrada" in client.get(_url(world["visit"])).get_data(as_text=True)


@pytest.mark.parametrize("how", ["signature", "payload", "other_purpose", "truncated", "garbage"])
def test_tampered_link_gets_a_clear_page_and_changes_nothing(app, client, world, how):
    token = links.make_token(world["visit"])
    payload, timestamp, signature = token.split(".")
    other_payload = links.make_token(world["other_visit"]).split(".")[0]
    tampered = {
        "signature": f"{payload}.{timestamp}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}",
        "payload": f"{other_payload}.{timestamp}.{signature}",  # someone else's visit under this signature
        "other_purpose": URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="other").dumps(
            {"v": world["visit"].id}),
        "truncated": token[:-6],
        "garbage": "not-a-token",
    }[how]
    for response in (client.get("/c/" + tampered),
                     client.post("/c/" + tampered, data={"csrf_token": form_token(client, "/login"),
                                                         "decision": "confirmed", "revision": "1"})):
        assert response.status_code == 400
        assert "Este enlace no es válido" in response.get_data(as_text=True)
    for visit_id in (world["visit"].id, world["other_visit"].id):
        assert _visit(visit_id).owner_confirmation == "pending"


def test_expired_link_gets_410_and_changes_nothing(client, world):
    url = _url(world["visit"], now=utcnow() - timedelta(days=30, seconds=5))
    response = client.get(url)
    assert response.status_code == 410 and "Este enlace venció" in response.get_data(as_text=True)
    posted = client.post(url, data={"csrf_token": form_token(client, "/login"), "decision": "confirmed",
                                    "revision": "1"})
    assert posted.status_code == 410
    assert _visit(world["visit"].id).owner_confirmation == "pending"
    # Just inside the 30 days the same kind of link still works.
    fresh = _url(world["visit"], now=utcnow() - timedelta(days=29, hours=23))
    assert client.get(fresh).status_code == 200


def test_link_age_is_read_from_an_injectable_clock(app, world):
    made = utcnow()
    token = links.make_token(world["visit"], now=made)
    assert links.read_token(token, now=made + timedelta(days=30)) == world["visit"].id
    with pytest.raises(links.LinkExpired):
        links.read_token(token, now=made + timedelta(days=30, seconds=1))


def test_link_for_one_visit_answers_only_for_that_visit(client, world):
    assert _answer(client, _url(world["visit"]), "confirmed").status_code == 303
    assert _visit(world["visit"].id).owner_confirmation == "confirmed"
    assert _visit(world["other_visit"].id).owner_confirmation == "pending"
    assert "Arepas Doña Ana" not in client.get(_url(world["visit"])).get_data(as_text=True)


def test_approval_does_not_close_the_link_for_an_owner_who_has_not_answered(client, world):
    """Issue 16 item 4: the owner still confirms an approved visit through the shared link."""
    url = _url(world["visit"])
    world["visit"].review_status = "approved"
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "ya aprobó esta visita" not in page and 'name="decision"' in page
    assert _answer(client, url, "confirmed").status_code == 303
    visit = _visit(world["visit"].id)
    assert (visit.review_status, visit.owner_confirmation, visit.confirmed_via) == ("approved", "confirmed", "link")


def test_a_visit_edited_while_the_owner_reads_must_be_read_again(client, world):
    url = _url(world["visit"])
    page = client.get(url).get_data(as_text=True)
    world["visit"].revision = 2
    db.session.commit()
    response = client.post(url, data={"csrf_token": form_token(client, "/login"), "decision": "confirmed",
                                      "revision": REVISION.search(page).group(1)})
    assert response.status_code == 409
    assert "La visita cambió mientras la leía; revísela de nuevo" in response.get_data(as_text=True)
    assert _visit(world["visit"].id).owner_confirmation == "pending"
    assert _answer(client, url, "confirmed").status_code == 303


def test_link_form_needs_its_csrf_token(client, world):
    url = _url(world["visit"])
    client.get(url)
    response = client.post(url, data={"decision": "confirmed", "revision": "1"})
    assert response.status_code == 400
    assert _visit(world["visit"].id).owner_confirmation == "pending"


@pytest.mark.parametrize("role", ["officer", "supervisor", "admin"])
def test_a_browser_with_a_staff_session_cannot_answer_for_the_owner(client, world, role):
    user = world["officer"] if role == "officer" else make_user(role)
    login(client, user)
    url = _url(world["visit"])
    page = client.get(url).get_data(as_text=True)
    assert "Solo el propietario del negocio puede responder" in page and 'name="decision"' not in page
    response = client.post(url, data={"decision": "confirmed", "revision": "1"})
    assert response.status_code == 403
    assert "Este navegador tiene abierta una sesión del programa" in response.get_data(as_text=True)
    assert _visit(world["visit"].id).owner_confirmation == "pending"


@pytest.fixture
def throttled(database, app):
    throttled = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database,
                            "RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "3 per minute"})
    throttled.test_client_class = CsrfClient
    with throttled.app_context():
        yield throttled
        db.session.remove()
        db.engine.dispose()


def test_link_answers_are_throttled_per_address_like_the_login(throttled, world):
    client = throttled.test_client()
    bad = "/c/" + links.make_token(world["visit"])[:-4] + "AAAA"
    data = {"csrf_token": form_token(client, "/login"), "decision": "confirmed", "revision": "1"}
    statuses = [client.post(bad, data=data, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    # Even a genuine link waits from that address; another address is not affected.
    good = _url(world["visit"])
    refused = client.post(good, data=data, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert refused.status_code == 429 and "Demasiados intentos" in refused.get_data(as_text=True)
    assert client.get(good, environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 200
    assert _visit(world["visit"].id).owner_confirmation == "pending"


def test_officer_shares_each_pending_synced_visit_from_mis_visitas(client, world):
    answered = make_visit(world["mipyme"], world["officer"], owner_confirmation="confirmed")
    login(client, world["officer"])
    html = client.get("/visits/mine").get_data(as_text=True)
    cards = html.split('data-visit-id="')[1:]
    shared = {card.split('"', 1)[0]: match.group(1) for card in cards
              if (match := re.search(r'data-share-link="http://localhost(/c/[^"]+)"', card))}
    assert "js/share.js" in html
    # One button per visit still waiting for its owner, each link bound to its own visit.
    assert set(shared) == {world["visit"].id, world["other_visit"].id} and answered.id not in shared
    for visit_id, path in shared.items():
        assert links.read_token(path.removeprefix("/c/")) == visit_id
        assert client.get(path).status_code == 200
