"""The demo programme: its shape, the flags it shows, and that its logins work."""
from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldwork import ciiu
from fieldwork.clock import programme_zone
from fieldwork.demo.form import WORKBOOK
from fieldwork.demo.seed import DemoRefused, demo_logins, seed_demo
from fieldwork.extensions import db
from fieldwork.forms.answers import validate_answers
from fieldwork.forms.definition import localized
from fieldwork.forms.services import current_version
from fieldwork.models import SECTORS, Mipyme, MipymeStatusChange, Neighborhood, User, UvtValue, Visit
from fieldwork.registry.nit import normalise_nit
from fieldwork.results.definitions import feeds_of
from fieldwork.results.service import ResultFilters, programme_results
from fieldwork.visits.content import CONTENT_FIELDS, FORM_FIELDS, content_hash
from tests.builders import make_user
from tests.conftest import _empty_all_tables, login

PASSWORDS = {username: password for username, password, _role in demo_logins()}


@pytest.fixture
def demo(app):
    return seed_demo()


def supervisor_view(client) -> list[dict]:
    login(client, "supervisora", PASSWORDS["supervisora"])
    body = client.get("/api/v1/mipymes?per_page=1000").get_json()
    assert body["total"] == len(body["items"])
    return body["items"]


def test_programme_has_forty_mipymes_in_every_sector(demo):
    mipymes = db.session.scalars(select(Mipyme)).all()
    assert 38 <= len(mipymes) <= 45
    assert set(Counter(m.sector for m in mipymes)) == set(SECTORS)
    assert len({m.neighborhood for m in mipymes}) >= 10
    listed = dict(db.session.execute(select(Neighborhood.name, Neighborhood.kind)).all())
    assert {m.neighborhood for m in mipymes} <= set(listed)  # every place is on the programme's list
    assert set(listed.values()) == {"barrio", "comuna", "corregimiento"}
    for mipyme in mipymes:
        assert mipyme.phone and mipyme.address and mipyme.owner_name
        assert mipyme.nit is None or normalise_nit(mipyme.nit) == mipyme.nit  # DIAN's check digit holds


def test_programme_staff_and_owner_accounts(demo):
    roles = Counter(db.session.scalars(select(User.role)))
    assert (roles["officer"], roles["supervisor"], roles["admin"]) == (3, 1, 1)
    assert 3 <= roles["owner"] <= 6
    owners = db.session.scalars(select(User).where(User.role == "owner")).all()
    assert all(owner.mipyme_id is not None for owner in owners)
    officer_ids = {u.id for u in db.session.scalars(select(User).where(User.role == "officer"))}
    assigned = Counter(db.session.scalars(select(Mipyme.officer_id).where(Mipyme.officer_id.is_not(None))))
    assert set(assigned) == officer_ids and min(assigned.values()) >= 8  # the work is shared out


def test_visits_cover_six_months_and_look_like_synced_visits(demo):
    visits = db.session.scalars(select(Visit)).all()
    now = datetime.now(UTC)
    assert len(visits) >= 120
    assert min(v.visited_at for v in visits) < now - timedelta(days=150)
    for visit in visits:
        assert str(uuid.UUID(visit.id)) == visit.id
        assert visit.visited_at < visit.received_at <= now
        assert visit.follow_up_due is None or visit.follow_up_due >= visit.visited_at.date()
        assert visit.officer_id == visit.mipyme.officer_id
        # The same hash the sync API computes, so a phone replaying this visit gets "duplicate".
        assert visit.content_hash == content_hash({name: getattr(visit, name)
                                                   for name in (*CONTENT_FIELDS, *FORM_FIELDS)})
    assert Counter(v.review_status for v in visits).keys() == {"submitted", "approved", "returned"}
    assert {v.confirmed_via for v in visits} == {None, "account", "link", "link_code"}


def test_figures_move_plausibly_from_visit_to_visit(demo):
    rows = db.session.execute(select(Visit.mipyme_id, Visit.monthly_sales_cop, Visit.employees)
                              .where(Visit.monthly_sales_cop.is_not(None)).order_by(Visit.visited_at)).all()
    series: dict[int, list] = {}
    for mipyme_id, sales, employees in rows:
        series.setdefault(mipyme_id, []).append((sales, employees))
    changed = 0
    for points in series.values():
        for (sales_before, staff_before), (sales_after, staff_after) in zip(points, points[1:], strict=False):
            assert 0.5 < sales_after / sales_before < 2  # no jumps a reviewer would query
            assert abs(staff_after - staff_before) <= 2
            changed += sales_after != sales_before
    assert changed > len(rows) / 2  # and they do move


def test_supervisor_sees_one_dispute_and_the_follow_up_flags(demo, client):
    items = supervisor_view(client)
    assert 38 <= len(items) <= 45
    flagged = Counter(flag for item in items for flag in item["flags"])
    assert flagged["disputed"] == 2  # one owner with an account, one through the link with the code
    assert flagged["follow_up_overdue"] >= 4
    assert flagged["never_visited"] >= 3
    assert flagged["no_recent_visit"] >= 3
    assert sum(1 for item in items if not item["flags"]) >= 15  # most of the programme is on track
    assert any(item["next_follow_up_due"] for item in items)


def test_the_disputed_mipyme_belongs_to_an_owner_who_sees_it(demo, client):
    disputed = [item for item in supervisor_view(client) if "disputed" in item["flags"]]
    owners = {item["id"]: db.session.scalar(select(User).where(User.role == "owner", User.mipyme_id == item["id"]))
              for item in disputed}
    owner = next(owner for owner in owners.values() if owner is not None)
    disputed = [item for item in disputed if owners[item["id"]] is owner]
    client.delete("/api/v1/session")
    login(client, owner.username, PASSWORDS[owner.username])
    items = client.get("/api/v1/mipymes").get_json()["items"]
    assert [(item["id"], "disputed" in item["flags"]) for item in items] == [(disputed[0]["id"], True)]


def test_officer_sees_only_their_own_mipymes(demo, client):
    officer = db.session.scalar(select(User).where(User.username == "oficial1"))
    login(client, "oficial1", PASSWORDS["oficial1"])
    items = client.get("/api/v1/mipymes?per_page=1000").get_json()["items"]
    assigned = db.session.scalar(select(func.count()).select_from(Mipyme).where(Mipyme.officer_id == officer.id))
    assert len(items) == assigned > 0
    assert {item["officer_id"] for item in items} == {officer.id}


def as_phone_sends_it(visit: Visit, **changes) -> dict:
    """A stored demo visit written back as the officer's phone would send it to /api/v1/visits/sync."""
    location = ("latitude", "longitude", "accuracy_m")
    body = {name: getattr(visit, name) for name in (*CONTENT_FIELDS, *FORM_FIELDS) if name not in location}
    body.update(id=visit.id, visited_at=visit.visited_at.isoformat(),
                follow_up_due=visit.follow_up_due.isoformat() if visit.follow_up_due else None)
    if visit.latitude is not None:
        body["location"] = {"lat": visit.latitude, "lon": visit.longitude, "accuracy_m": visit.accuracy_m}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def test_a_phone_replaying_demo_visits_gets_duplicate_for_each(demo, client):
    officer = db.session.scalar(select(User).where(User.username == "oficial1"))
    visits = db.session.scalars(select(Visit).where(Visit.officer_id == officer.id)).all()
    login(client, "oficial1", PASSWORDS["oficial1"])
    response = client.post("/api/v1/visits/sync", json={"visits": [as_phone_sends_it(v) for v in visits]})
    assert response.status_code == 200
    assert {result["status"] for result in response.get_json()["results"]} == {"duplicate"}


def test_officer_can_fix_their_returned_demo_visit(demo, client):
    officer = db.session.scalar(select(User).where(User.username == "oficial1"))
    returned = db.session.scalar(select(Visit).where(Visit.officer_id == officer.id,
                                                     Visit.review_status == "returned"))
    assert returned.review_comment
    login(client, "oficial1", PASSWORDS["oficial1"])
    fixed = as_phone_sends_it(returned, revision=2, monthly_sales_cop=9_500_000, production_units=48,
                              notes="Se acordó revisar la solicitud de microcrédito la próxima semana.")
    response = client.post("/api/v1/visits/sync", json={"visits": [fixed]})
    assert response.get_json()["results"][0]["status"] == "updated"
    db.session.refresh(returned)
    assert (returned.review_status, returned.revision) == ("submitted", 2)


@pytest.mark.parametrize("username, role", [(u, r) for u, _p, r in demo_logins()])
def test_every_demo_login_logs_in(demo, client, username, role):
    response = client.post("/api/v1/session", json={"username": username, "password": PASSWORDS[username]})
    assert response.status_code == 200
    assert response.get_json()["user"]["role"] == role
    home = client.get("/")
    assert home.status_code == 302 and "/login" not in home.headers["Location"]


def test_demo_passwords_are_long_enough(app):
    assert all(len(password) >= app.config["PASSWORD_MIN_LENGTH"] for password in PASSWORDS.values())


def test_seeding_refuses_when_data_exists_and_changes_nothing(app):
    make_user("admin", username="jefa")
    with pytest.raises(DemoRefused, match="ya tiene datos"):
        seed_demo()
    assert db.session.scalar(select(func.count()).select_from(Mipyme)) == 0


def test_same_day_and_seed_give_the_same_programme(app):
    now = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

    def snapshot() -> tuple:
        seed_demo(now=now)
        mipymes = db.session.execute(select(Mipyme.name, Mipyme.nit, Mipyme.phone, Mipyme.ciiu, Mipyme.status,
                                            Mipyme.exited_on).order_by(Mipyme.id)).all()
        visits = db.session.execute(select(Visit.id, Visit.content_hash, Visit.answers).order_by(Visit.id)).all()
        db.session.remove()
        _empty_all_tables(app)
        return mipymes, visits

    assert snapshot() == snapshot()


def test_the_supervisor_published_the_valledupar_form_when_the_programme_started(demo, client):
    current = current_version()
    assert (current.form_id, current.version, current.uploaded_by.username) == ("mipyme_valledupar", "2026.1",
                                                                               "supervisora")
    assert current.original_file == WORKBOOK.read_bytes()  # uploaded as it is in the repo
    login(client, "oficial1", PASSWORDS["oficial1"])
    body = client.get("/api/v1/forms/current").get_json()
    assert body["title"] == "Seguimiento Mipyme Valledupar"
    assert "canales_venta" in [q["name"] for q in body["questions"]]
    # The form feeds the programme's indicators its built-in figures do not (API.md, "Programme results").
    assert set(feeds_of(current.definition)) == {"jobs_formal", "jobs_women", "has_rut", "matricula_renewed",
                                                       "social_security", "credit_obtained", "sells_online"}


def test_every_demo_visit_answers_the_form_as_the_sync_would_keep_it(demo):
    version = current_version()
    questions = {"questions": localized(version.definition, "es")}
    visits = db.session.scalars(select(Visit)).all()
    financed = 0
    for visit in visits:
        assert visit.form_version_id == version.id
        day = visit.visited_at.astimezone(programme_zone()).date()
        kept, errors = validate_answers(questions, visit.answers, day)
        assert errors == {} and kept == visit.answers
        answers = visit.answers
        assert ("monto_financiacion" in answers) == (answers["recibio_financiacion"] == "si")
        financed += answers["recibio_financiacion"] == "si"
        assert 1 <= len(answers["canales_venta"]) <= 3
        # The form's staff split adds up to the visit's fixed employee figure.
        assert answers["empleados_formales"] + answers["empleados_informales"] == visit.employees
        assert answers["total_empleados"] == str(visit.employees)
    assert 0.08 < financed / len(visits) < 0.35  # some financing, not every month
    assert {v.answers["tiene_rut"] for v in visits} == {"si", "no"}
    assert {v.answers.get("fuente_financiacion") for v in visits} >= {"banco", "cooperativa", "familiar"}


def test_a_demo_answer_the_form_refuses_is_refused_by_the_sync(demo, client):
    officer = db.session.scalar(select(User).where(User.username == "oficial1"))
    visit = db.session.scalar(select(Visit).where(Visit.officer_id == officer.id, Visit.review_status == "returned"))
    login(client, "oficial1", PASSWORDS["oficial1"])
    channels = ["local_propio", "whatsapp", "ferias", "tiendas"]
    bad = as_phone_sends_it(visit, revision=visit.revision + 1, answers={**visit.answers, "canales_venta": channels})
    result = client.post("/api/v1/visits/sync", json={"visits": [bad]}).get_json()["results"][0]
    assert result["status"] == "rejected"
    assert result["errors"] == {"answers.canales_venta": ["Elija como máximo tres canales."]}


def test_every_demo_mipyme_has_a_real_ciiu_class_across_the_three_macro_sectors(demo):
    codes = db.session.scalars(select(Mipyme.ciiu)).all()
    assert all(ciiu.lookup(code) is not None for code in codes)
    assert {ciiu.macro_sector_of(code) for code in codes} == {"manufactura", "comercio", "servicios"}


def test_a_few_businesses_left_the_programme_with_a_reason_and_no_visit_since(demo):
    exited = db.session.scalars(select(Mipyme).where(Mipyme.status != "active")).all()
    assert sorted(m.status for m in exited) == ["closed", "graduated", "withdrawn"]
    zone = programme_zone()
    for mipyme in exited:
        history = db.session.scalars(select(MipymeStatusChange).where(MipymeStatusChange.mipyme_id == mipyme.id)
                                     .order_by(MipymeStatusChange.effective_on)).all()
        assert [(h.status, h.effective_on) for h in history] == [("active", mipyme.enrolled_on),
                                                                 (mipyme.status, mipyme.exited_on)]
        assert history[-1].reason
        last_visit = db.session.scalar(select(func.max(Visit.visited_at)).where(Visit.mipyme_id == mipyme.id))
        assert last_visit.astimezone(zone).date() < mipyme.exited_on
    # every other Mipyme is active since its enrolment, on record
    assert db.session.scalar(select(func.count()).select_from(MipymeStatusChange)) == 41 + 3


def test_the_programme_results_tell_a_story_on_first_run(app):
    # The UVT values migration 0013 stores (the tests empty every table between tests).
    db.session.add_all([UvtValue(year=y, value_cop=v) for y, v in {2024: 47065, 2025: 49799, 2026: 52374}.items()])
    seed_demo(now=datetime(2026, 10, 15, 15, 0, tzinfo=UTC))
    results = programme_results(ResultFilters(as_of=date(2026, 10, 15)))
    by_code = {item["code"]: item for item in results["indicators"]}
    assert results["businesses"]["by_status"] == {"active": 38, "graduated": 1, "closed": 1, "withdrawn": 1,
                                                  "moved": 0}
    assert results["businesses"]["with_change"] >= 30
    sales = by_code["sales_month_cop"]
    assert sales["latest_total"] > sales["baseline_total"] and sales["improved"] > sales["worsened"] > 0
    assert by_code["jobs_formal"]["latest_total"] > by_code["jobs_formal"]["baseline_total"]
    assert by_code["jobs_women"]["latest_total"] > by_code["jobs_women"]["baseline_total"]
    for code in ("has_rut", "matricula_renewed", "social_security", "sells_online"):  # a few formalise, go online
        assert by_code[code]["improved"] >= 3 and by_code[code]["latest_yes"] > by_code[code]["baseline_yes"]
    assert by_code["credit_obtained"]["latest_yes"] is not None
    assert results["size_bands"]["moved_up"] >= 1  # one business grew out of "micro"
    verification = results["verification"]
    assert verification["owner_confirmed"] > verification["counting_visits"] / 2  # owners confirm most visits
    assert 0 < verification["independent_confirmations"] < verification["owner_confirmed"]
