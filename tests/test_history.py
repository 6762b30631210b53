"""The programme's history (issue 9 item 4): enrolment day, and assignment judged at the visit's moment."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import Mipyme, MipymeHistory, Visit
from fieldwork.registry import services
from tests.builders import make_mipyme, make_user, visit_payload
from tests.conftest import login
from tests.test_query_count import counting_statements

SYNC = "/api/v1/visits/sync"
BOGOTA = "-05:00"
#: The supervisor reassigns (or deactivates) at this moment; the phones were offline around it.
CHANGE = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
BEFORE, AFTER = CHANGE - timedelta(hours=2), CHANGE + timedelta(hours=2)
NOW = CHANGE + timedelta(days=2)


@pytest.fixture(autouse=True)
def pinned_clock(app):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW


@pytest.fixture
def marta(app):
    return make_user("officer", username="marta", name="Marta Arias")


@pytest.fixture
def jose(app):
    return make_user("officer", username="jose", name="José Oñate")


@pytest.fixture
def supervisor(app):
    return make_user("supervisor", username="ana", name="Ana Supervisora")


@pytest.fixture
def mipyme(marta):
    return make_mipyme(marta, name="Mochilas Wayuu", enrolled_on=date(2026, 1, 5))


def send(client, **fields):
    response = client.post(SYNC, json={"visits": [visit_payload(fields.pop("mipyme_id"), **fields)]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"][0]


def client_for(make_client, user):
    client = make_client()
    login(client, user)
    return client


def test_visit_made_offline_before_a_reassignment_is_accepted_from_its_officer(make_client, marta, jose,
                                                                               supervisor, mipyme):
    services.update_mipyme(mipyme, {"officer_id": jose.id}, supervisor, now=CHANGE)
    db.session.commit()
    marta_phone, jose_phone = client_for(make_client, marta), client_for(make_client, jose)

    assert send(marta_phone, mipyme_id=mipyme.id, visited_at=BEFORE.isoformat())["status"] == "created"
    after = send(marta_phone, mipyme_id=mipyme.id, visited_at=AFTER.isoformat())
    assert after["status"] == "rejected"
    assert after["errors"] == {"mipyme_id": ["Esta Mipyme no estaba asignada a usted en la fecha de la visita."]}
    earlier = send(jose_phone, mipyme_id=mipyme.id, visited_at=BEFORE.isoformat())
    assert earlier["status"] == "rejected"
    assert earlier["errors"] == {"mipyme_id": [
        "Usted recibió esta Mipyme el 2026-03-10; no puede registrar visitas anteriores."]}
    assert send(jose_phone, mipyme_id=mipyme.id, visited_at=AFTER.isoformat())["status"] == "created"
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 2


def test_reassignment_takes_effect_at_its_moment_not_its_day(make_client, marta, jose, supervisor, mipyme):
    services.update_mipyme(mipyme, {"officer_id": jose.id}, supervisor, now=CHANGE)
    db.session.commit()
    marta_phone, jose_phone = client_for(make_client, marta), client_for(make_client, jose)
    just_before, at_the_moment = CHANGE - timedelta(seconds=1), CHANGE
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at=just_before.isoformat())["status"] == "created"
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at=at_the_moment.isoformat())["status"] == "rejected"
    assert send(jose_phone, mipyme_id=mipyme.id, visited_at=just_before.isoformat())["status"] == "rejected"
    assert send(jose_phone, mipyme_id=mipyme.id, visited_at=at_the_moment.isoformat())["status"] == "created"


def test_officer_given_the_mipyme_back_may_send_visits_of_both_of_their_periods(make_client, marta, jose,
                                                                                 supervisor, mipyme):
    services.update_mipyme(mipyme, {"officer_id": jose.id}, supervisor, now=CHANGE)
    services.update_mipyme(mipyme, {"officer_id": marta.id}, supervisor, now=CHANGE + timedelta(days=1))
    db.session.commit()
    marta_phone = client_for(make_client, marta)
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at=BEFORE.isoformat())["status"] == "created"
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at=AFTER.isoformat())["status"] == "rejected"
    back = CHANGE + timedelta(days=1, hours=1)
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at=back.isoformat())["status"] == "created"


def test_edit_of_a_visit_is_judged_at_its_own_moment(make_client, marta, jose, supervisor, mipyme):
    marta_phone = client_for(make_client, marta)
    visit = visit_payload(mipyme.id, visited_at=BEFORE.isoformat())
    marta_phone.post(SYNC, json={"visits": [visit]})
    services.update_mipyme(mipyme, {"officer_id": jose.id}, supervisor, now=CHANGE)
    db.session.commit()

    fixed = marta_phone.post(SYNC, json={"visits": [{**visit, "employees": 6, "revision": 2}]}).get_json()
    assert fixed["results"][0]["status"] == "updated"
    moved = {**visit, "visited_at": AFTER.isoformat(), "revision": 3}
    result = marta_phone.post(SYNC, json={"visits": [moved]}).get_json()["results"][0]
    assert result["status"] == "rejected" and list(result["errors"]) == ["mipyme_id"]
    db.session.expire_all()
    stored = db.session.get(Visit, visit["id"])
    assert (stored.employees, stored.revision, stored.visited_at) == (6, 2, BEFORE)


def test_deactivated_mipyme_keeps_the_visits_made_while_it_was_active(make_client, marta, supervisor, mipyme):
    services.update_mipyme(mipyme, {"active": False}, supervisor, now=CHANGE)
    db.session.commit()
    marta_phone = client_for(make_client, marta)
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at=BEFORE.isoformat())["status"] == "created"
    after = send(marta_phone, mipyme_id=mipyme.id, visited_at=AFTER.isoformat())
    assert after["errors"] == {"mipyme_id": [
        "La Mipyme estaba inactiva en la fecha de la visita; no se pueden registrar visitas."]}

    services.update_mipyme(mipyme, {"active": True}, supervisor, now=CHANGE + timedelta(days=1))
    db.session.commit()
    again = CHANGE + timedelta(days=1, hours=1)
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at=again.isoformat())["status"] == "created"
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at=AFTER.isoformat())["status"] == "rejected"


def test_mipyme_registered_inactive_refuses_visits_from_its_enrolment(make_client, marta, supervisor):
    mipyme = services.create_mipyme({"name": "Cerrada", "sector": "otro", "officer_id": marta.id,
                                     "enrolled_on": date(2026, 1, 5)}, supervisor)
    services.update_mipyme(mipyme, {"active": False}, supervisor, now=CHANGE)
    db.session.commit()
    marta_phone = client_for(make_client, marta)
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at="2026-01-05T08:00:00-05:00")["status"] == "created"


# Sent in UTC, as a phone may: the rule must take the Bogotá day, not the date written in the text.
@pytest.mark.parametrize("visited_at, status", [
    ("2026-01-05T04:30:00+00:00", "rejected"),  # 23:30 on 4 January in Bogotá: the UTC day is the enrolment day
    ("2026-01-05T05:05:00+00:00", "created"),   # 00:05 on the enrolment day counts
    ("2026-01-05T23:30:00" + BOGOTA, "created"),
])
def test_enrolment_is_judged_by_the_bogota_day_of_the_visit(make_client, marta, mipyme, visited_at, status):
    result = send(client_for(make_client, marta), mipyme_id=mipyme.id, visited_at=visited_at)
    assert result["status"] == status
    if status == "rejected":
        assert result["errors"] == {"visited_at": [
            "La visita es anterior al ingreso de la Mipyme al programa (5 ene 2026)."]}


def test_mipyme_registered_late_accepts_visits_from_its_enrolment_day(make_client, marta, supervisor):
    # Registered today (NOW), but in the programme since January: January's visits may be recorded.
    mipyme = services.create_mipyme({"name": "Tardía", "sector": "otro", "officer_id": marta.id,
                                     "enrolled_on": date(2026, 1, 20)}, supervisor)
    db.session.commit()
    marta_phone = client_for(make_client, marta)
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at="2026-01-20T09:00:00-05:00")["status"] == "created"
    assert send(marta_phone, mipyme_id=mipyme.id, visited_at="2026-01-19T09:00:00-05:00")["status"] == "rejected"


def test_sync_reads_the_history_of_a_whole_batch_in_one_query(make_client, marta, jose, supervisor):
    def statements_for(how_many: int) -> tuple[int, int]:
        mipymes = [make_mipyme(marta) for _ in range(how_many)]
        for mipyme in mipymes:
            services.update_mipyme(mipyme, {"officer_id": jose.id}, supervisor, now=CHANGE)
            services.update_mipyme(mipyme, {"officer_id": marta.id}, supervisor, now=CHANGE + timedelta(hours=1))
        db.session.commit()
        phone = client_for(make_client, marta)
        batch = [visit_payload(m.id, visited_at=BEFORE.isoformat()) for m in mipymes]
        with counting_statements() as statements:
            response = phone.post(SYNC, json={"visits": batch})
        assert [r["status"] for r in response.get_json()["results"]] == ["created"] * how_many
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        return sum("mipyme_history" in s for s in reads), len(reads)

    one, many = statements_for(1), statements_for(30)
    assert one[0] == many[0] == 1
    assert one[1] == many[1]  # no read per visit or per Mipyme


def test_every_assignment_and_active_change_is_kept_with_its_moment(marta, jose, supervisor):
    mipyme = services.create_mipyme({"name": "Historia", "sector": "otro", "officer_id": marta.id}, supervisor)
    services.update_mipyme(mipyme, {"officer_id": jose.id}, supervisor, now=CHANGE)
    services.update_mipyme(mipyme, {"name": "Historia SAS"}, supervisor, now=CHANGE + timedelta(hours=1))
    services.update_mipyme(mipyme, {"active": False}, supervisor, now=CHANGE + timedelta(hours=2))
    db.session.commit()
    rows = db.session.execute(select(MipymeHistory.effective_at, MipymeHistory.officer_id, MipymeHistory.active)
                              .where(MipymeHistory.mipyme_id == mipyme.id).order_by(MipymeHistory.id)).all()
    assert rows == [(None, marta.id, True), (CHANGE, jose.id, True), (CHANGE + timedelta(hours=2), jose.id, False)]
    assert db.session.get(Mipyme, mipyme.id).enrolled_on == date(2026, 3, 12)  # NOW's day in Bogotá


def test_registration_day_is_the_bogota_day(app, supervisor):
    # 2026-03-13T03:30Z is still the 12th at 22:30 in Bogotá.
    app.config["FIELDWORK_CLOCK"] = lambda: datetime(2026, 3, 13, 3, 30, tzinfo=UTC)
    mipyme = services.create_mipyme({"name": "Nocturna", "sector": "otro", "officer_id": None}, supervisor)
    assert mipyme.enrolled_on == date(2026, 3, 12)


def test_take_over_day_is_told_in_bogota_time(make_client, marta, jose, supervisor, mipyme):
    # 02:00 UTC on the 10th is 21:00 on the 9th in Bogotá: that is the day José took over.
    late_evening = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    services.update_mipyme(mipyme, {"officer_id": jose.id}, supervisor, now=late_evening)
    db.session.commit()
    result = send(client_for(make_client, jose), mipyme_id=mipyme.id,
                  visited_at=(late_evening - timedelta(hours=1)).isoformat())
    assert result["errors"] == {"mipyme_id": [
        "Usted recibió esta Mipyme el 2026-03-09; no puede registrar visitas anteriores."]}
