"""Issue 16 item 5: a confirmation counts as the owner's only when it came from the owner's account or
with the owner code, which a supervisor or admin hands to the owner and the officer never sees. An
officer holding the link, from any browser and any address, can record only an unverified answer."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fieldwork import confirmation_links as links
from fieldwork import create_app
from fieldwork.config import TESTING
from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Mipyme, Visit
from fieldwork.owners.confirmation import confirmation_rates_by_officer
from tests.builders import make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import CsrfClient, form_token, login

REVISION = re.compile(r'name="revision" type="hidden" value="(\d+)"')
CODE = re.compile(r"data-owner-code>(\d{3}) (\d{3})<")
PHONES = {
    "officer": {"User-Agent": "Mozilla/5.0 (Linux; Android 13; SM-A145M) Chrome/124 Mobile"},
    "spoofed": {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4) Safari/604.1"},
}


@pytest.fixture
def world(app, client):
    officer = make_user("officer", name="Yesenia Arzuaga")
    mipyme = make_mipyme(officer, name="Quesos El Copey", owner_name="Ramiro Daza", phone="3001234567")
    login(client, officer)
    payload = visit_payload(mipyme.id)
    assert client.post("/api/v1/visits/sync", json={"visits": [payload]},
                       headers=PHONES["officer"]).get_json()["results"][0]["status"] == "created"
    client.delete("/api/v1/session")
    visit = db.session.get(Visit, payload["id"])
    return {"officer": officer, "mipyme": mipyme, "visit": visit, "url": "/c/" + links.make_token(visit),
            "officer_phone": client}


def _generate(make_client, mipyme, role="supervisor"):
    """A supervisor (or admin) generates the code on its page and reads it once."""
    staff = make_client()
    login(staff, make_user(role))
    response = staff.post(f"/mipymes/{mipyme.id}/owner-code", data={})
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return "".join(CODE.search(response.get_data(as_text=True)).groups())


def _answer(client, url, decision="confirmed", owner_code="", comment="", **request):
    page = client.get(url, **request).get_data(as_text=True)
    data = {"csrf_token": form_token(client, url), "decision": decision, "comment": comment,
            "revision": REVISION.search(page).group(1), "owner_code": owner_code}
    return client.post(url, data=data, **request)


def _visit(visit_id):
    db.session.expire_all()
    return db.session.get(Visit, visit_id)


def _dashboard_rate(make_client, officer_name):
    supervisor = make_client()
    login(supervisor, make_user("supervisor"))
    html = supervisor.get("/supervision/").get_data(as_text=True)
    row = next(part for part in html.split("<tr") if f">{officer_name}</a></td>" in part)
    return re.search(r'data-label="Confirmadas por el propietario">(\d+) %', row).group(1)


@pytest.mark.parametrize("headers", [PHONES["officer"], PHONES["spoofed"], {"User-Agent": ""}])
@pytest.mark.parametrize("address", ["127.0.0.1", "190.66.12.7"])
def test_an_officer_with_the_link_cannot_produce_an_independent_confirmation(make_client, world, headers, address):
    """Whatever User-Agent and network the officer uses, an answer without the owner code is unverified."""
    _generate(make_client, world["mipyme"])
    phone = world["officer_phone"]
    response = _answer(phone, world["url"], headers=headers, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 303
    visit = _visit(world["visit"].id)
    assert (visit.owner_confirmation, visit.confirmed_via) == ("confirmed", "link")
    (rates,) = confirmation_rates_by_officer()
    assert (rates.visits, rates.confirmed) == (1, 0)
    assert _dashboard_rate(make_client, "Yesenia Arzuaga") == "0"
    page = phone.get(world["url"]).get_data(as_text=True)
    # Unverified, and the owner with the code may still replace it.
    assert "Ya se registró una respuesta sin el código del propietario." in page


def test_the_owner_code_makes_the_link_answer_count(make_client, world):
    code = _generate(make_client, world["mipyme"])
    owner = make_client()
    page = owner.get(world["url"]).get_data(as_text=True)
    assert "Código del propietario" in page and 'inputmode="numeric"' in page
    # Typed as it is read out over the phone: with a space.
    response = _answer(owner, world["url"], owner_code=f" {code[:3]} {code[3:]} ", headers=PHONES["spoofed"])
    assert response.status_code == 303
    visit = _visit(world["visit"].id)
    assert (visit.owner_confirmation, visit.confirmed_via) == ("confirmed", "link_code")
    (rates,) = confirmation_rates_by_officer()
    assert (rates.visits, rates.confirmed) == (1, 1)
    assert _dashboard_rate(make_client, "Yesenia Arzuaga") == "100"
    after = owner.get(world["url"]).get_data(as_text=True)
    assert "Respuesta verificada" in after and code not in after


def test_the_owner_with_the_code_still_has_their_say_after_an_unverified_link_answer(make_client, world):
    """Someone (the officer, say) confirmed through the link without the code: the owner, with it, can still
    dispute; after a verified answer the link takes no more answers."""
    code = _generate(make_client, world["mipyme"])
    assert _answer(world["officer_phone"], world["url"], headers=PHONES["spoofed"]).status_code == 303
    owner = make_client()
    assert "Código del propietario" in owner.get(world["url"]).get_data(as_text=True)
    response = _answer(owner, world["url"], decision="disputed", comment="No vinieron este mes.", owner_code=code)
    assert response.status_code == 303
    visit = _visit(world["visit"].id)
    assert (visit.owner_confirmation, visit.confirmed_via, visit.owner_comment) == (
        "disputed", "link_code", "No vinieron este mes.")
    later = make_client().get(world["url"]).get_data(as_text=True)
    assert "Respuesta verificada: se dio con el código del propietario." in later
    assert 'name="decision"' not in later  # the link takes no more answers


def test_the_dashboard_rate_counts_only_the_owner_s_verified_confirmations(make_client, world):
    """Four visits: the owner's account, the code, a link without code, a row without a channel: 2 of 4."""
    mipyme, officer = world["mipyme"], world["officer"]
    make_visit(mipyme, officer, owner_confirmation="confirmed", confirmed_via="account")
    make_visit(mipyme, officer, owner_confirmation="confirmed", confirmed_via="link_code")
    make_visit(mipyme, officer, owner_confirmation="confirmed", confirmed_via=None)
    assert _answer(make_client(), world["url"], headers=PHONES["spoofed"]).status_code == 303
    (rates,) = confirmation_rates_by_officer()
    assert (rates.visits, rates.confirmed) == (4, 2)
    assert _dashboard_rate(make_client, "Yesenia Arzuaga") == "50"


def test_a_wrong_code_is_refused_beside_the_field_and_changes_nothing(make_client, world):
    code = _generate(make_client, world["mipyme"])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    owner = make_client()
    response = _answer(owner, world["url"], decision="disputed", comment="No vino.", owner_code=wrong)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    field = html[html.index('id="owner_code"'):]
    assert 'id="owner_code-error"' in field and "El código no coincide con el de este negocio" in field
    assert wrong not in html  # a refused code is not written back into the page
    assert "No vino." in html  # what the owner wrote is kept
    visit = _visit(world["visit"].id)
    assert (visit.owner_confirmation, visit.confirmed_via) == ("pending", None)
    decisions = select(AuditEntry).where(AuditEntry.entity_id == visit.id,
                                         AuditEntry.action.in_(("visit.confirmed", "visit.disputed")))
    assert db.session.scalars(decisions).all() == []


@pytest.mark.parametrize("typed", ["12345", "1234567", "12a456", "١٢٣٤٥٦", "9" * 40])
def test_a_badly_written_code_says_how_it_is_written(make_client, world, typed):
    _generate(make_client, world["mipyme"])
    response = _answer(make_client(), world["url"], owner_code=typed)
    assert response.status_code == 400
    assert "El código del propietario tiene 6 números" in response.get_data(as_text=True)
    assert _visit(world["visit"].id).owner_confirmation == "pending"


def test_without_a_code_yet_the_link_records_an_unverified_answer(make_client, world):
    owner = make_client()
    page = owner.get(world["url"]).get_data(as_text=True)
    assert "Este negocio aún no tiene código del propietario" in page and 'name="owner_code"' not in page
    typed = _answer(owner, world["url"], owner_code="123456")
    assert typed.status_code == 400 and "todavía no tiene código del propietario" in typed.get_data(as_text=True)
    assert _answer(owner, world["url"]).status_code == 303
    assert _visit(world["visit"].id).confirmed_via == "link"
    (rates,) = confirmation_rates_by_officer()
    assert rates.confirmed == 0


def test_a_new_code_replaces_the_old_one_and_is_stored_only_hashed(make_client, world):
    old = _generate(make_client, world["mipyme"])
    new = _generate(make_client, world["mipyme"], role="admin")
    stored = db.session.scalar(select(Mipyme.owner_code_hash).where(Mipyme.id == world["mipyme"].id))
    assert old not in stored and new not in stored and stored.startswith("pbkdf2:")
    owner = make_client()
    if old != new:  # one chance in a million that they are equal
        assert _answer(owner, world["url"], owner_code=old).status_code == 400
    assert _answer(owner, world["url"], owner_code=new).status_code == 303
    assert _visit(world["visit"].id).confirmed_via == "link_code"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mipyme.owner_code")).all()
    assert [e.entity_id for e in entries] == [str(world["mipyme"].id)] * 2
    assert all(old not in (e.details or "") and new not in (e.details or "") for e in entries)


# --- who may generate a code ---------------------------------------------------------------------

@pytest.mark.parametrize(("role", "page", "made"), [
    ("anonymous", 302, 302), ("officer", 403, 403), ("other_officer", 403, 403), ("owner", 403, 403),
    ("other_owner", 403, 403), ("supervisor", 200, 200), ("admin", 200, 200),
])
def test_only_supervisors_and_admins_generate_or_see_an_owner_code(make_client, world, role, page, made):
    mipyme = world["mipyme"]
    users = {"officer": world["officer"], "other_officer": make_user("officer"),
             "owner": make_user("owner", mipyme=mipyme),
             "other_owner": make_user("owner", mipyme=make_mipyme(world["officer"]))}
    caller = make_client()
    if role == "anonymous":
        caller.csrf_token = form_token(caller, "/login")
    else:
        login(caller, users.get(role) or make_user(role))
    shown = caller.get(f"/mipymes/{mipyme.id}/owner-code")
    assert shown.status_code == page
    posted = caller.post(f"/mipymes/{mipyme.id}/owner-code", data={})
    assert posted.status_code == made
    db.session.expire_all()
    generated = db.session.get(Mipyme, mipyme.id).owner_code_hash is not None
    assert generated == (made == 200)
    if made == 302:
        assert "/login" in posted.headers["Location"]
    if made == 200:
        assert CODE.search(posted.get_data(as_text=True))
        # The page says a code exists, never which: shown once means once.
        again = caller.get(f"/mipymes/{mipyme.id}/owner-code").get_data(as_text=True)
        assert "Este negocio ya tiene un código" in again and not CODE.search(again)


def test_generating_a_code_needs_the_form_s_csrf_token(make_client, world):
    supervisor = make_client()
    login(supervisor, make_user("supervisor"))
    refused = supervisor.post(f"/mipymes/{world['mipyme'].id}/owner-code", data={}, csrf=False)
    assert refused.status_code == 400
    assert db.session.get(Mipyme, world["mipyme"].id).owner_code_hash is None


# --- guessing is bounded --------------------------------------------------------------------------

@pytest.fixture
def throttled(database, app):
    throttled = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": True,
                            "RATELIMIT_LINK": "1000 per minute", "OWNER_CODE_TRIES": "5 per hour"})
    throttled.test_client_class = CsrfClient
    with throttled.app_context():
        yield throttled
        db.session.remove()
        db.engine.dispose()


def test_wrong_codes_are_throttled_per_link_and_per_mipyme(throttled, world):
    mipyme = world["mipyme"]
    second = make_visit(mipyme, world["officer"])
    elsewhere = make_visit(make_mipyme(world["officer"]), world["officer"])
    supervisor = make_user("supervisor")
    from fieldwork.owners import owner_code

    code = owner_code.generate(mipyme, supervisor)
    other_code = owner_code.generate(elsewhere.mipyme, supervisor)
    db.session.commit()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    client = throttled.test_client()
    url = world["url"]
    statuses = [_answer(client, url, owner_code=wrong).status_code for _ in range(6)]
    assert statuses == [400, 400, 400, 400, 400, 429]
    # Over the limit even the right code waits: a guesser cannot tell when it would have been right.
    refused = _answer(client, url, owner_code=code)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "Demasiados intentos con el código del propietario" in html
    assert "minutos" in html
    # Another link of the same business (a fresh token, or another visit) shares the Mipyme's count.
    for other in (links.make_token(world["visit"]), links.make_token(second)):
        assert _answer(client, "/c/" + other, owner_code=code).status_code == 429
    assert {_visit(v.id).owner_confirmation for v in (world["visit"], second)} == {"pending"}
    # Another business is not affected.
    assert _answer(client, "/c/" + links.make_token(elsewhere), owner_code=other_code).status_code == 303
    assert _visit(elsewhere.id).confirmed_via == "link_code"


# --- the link to share ---------------------------------------------------------------------------

def test_the_share_text_tells_the_owner_to_have_their_code_at_hand(make_client, world):
    officer = make_client()
    login(officer, world["officer"])
    before = officer.get(f"/api/v1/visits/{world['visit'].id}/confirmation-link").get_json()
    assert "pídalo a la oficina del programa" in before["text"]
    _generate(make_client, world["mipyme"])
    after = officer.get(f"/api/v1/visits/{world['visit'].id}/confirmation-link").get_json()
    assert "Tenga a mano su código del propietario" in after["text"]


def test_an_approved_visit_the_owner_has_not_answered_can_still_be_shared(make_client, world):
    """Issue 16 item 4: the link and the share button outlive the approval, until the owner answers."""
    visit = world["visit"]
    visit.review_status = "approved"
    db.session.commit()
    code = _generate(make_client, world["mipyme"])
    officer = make_client()
    login(officer, world["officer"])
    link = officer.get(f"/api/v1/visits/{visit.id}/confirmation-link").get_json()
    mine = officer.get("/visits/mine").get_data(as_text=True)
    card = mine.split(f'data-visit-id="{visit.id}"')[1].split("</li>")[0]
    assert "data-share-link=" in card
    owner = make_client()
    path = link["url"].removeprefix("http://localhost")
    assert _answer(owner, path, owner_code=code).status_code == 303
    assert (_visit(visit.id).owner_confirmation, _visit(visit.id).confirmed_via) == ("confirmed", "link_code")
    mine = officer.get("/visits/mine").get_data(as_text=True)
    assert "data-share-link=" not in mine.split(f'data-visit-id="{visit.id}"')[1].split("</li>")[0]
