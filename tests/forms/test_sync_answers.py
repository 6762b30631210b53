"""Sync with a form: the server checks what the phone checked, stores only what counts, exactly once."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import Visit
from tests.builders import make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import login
from tests.forms.fixtures import programme_form, publish
from tests.forms.test_answers import GOOD
from tests.forms.xlsform import question, xlsform

SYNC = "/api/v1/visits/sync"


@pytest.fixture
def officer(app):
    return make_user("officer")


@pytest.fixture
def phone(client, officer):
    login(client, officer)
    return client


@pytest.fixture
def mipyme(officer):
    return make_mipyme(officer)


@pytest.fixture
def version(app):
    return publish()


def send(client, *visits):
    response = client.post(SYNC, json={"visits": list(visits)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def stored(visit_id):
    db.session.expire_all()
    return db.session.get(Visit, visit_id)


def test_valid_answers_are_stored_with_the_version_and_come_back_in_the_api(phone, mipyme, version):
    visit = visit_payload(mipyme.id, form_version_id=version.id, answers=GOOD)
    assert send(phone, visit)[0]["status"] == "created"
    row = stored(visit["id"])
    assert row.form_version_id == version.id
    assert row.answers["monto"] == 2.5 and row.answers["empleados_total"] == "7"
    body = phone.get(f"/api/v1/visits/{visit['id']}").get_json()
    assert body["form_version_id"] == version.id and body["answers"]["canales"] == ["redes", "tienda"]


def test_a_bad_answer_rejects_the_visit_with_the_phones_message_and_stores_nothing(phone, mipyme, version):
    visit = visit_payload(mipyme.id, form_version_id=version.id, answers={**GOOD, "monto": 0, "fuente": "x"})
    result = send(phone, visit)[0]
    assert result["status"] == "rejected"
    assert result["errors"] == {"answers.monto": ["El monto debe ser mayor que cero."],
                                "answers.fuente": ["Elija una de las opciones de la lista."]}
    assert stored(visit["id"]) is None


def test_one_bad_visit_does_not_stop_the_others(phone, mipyme, version):
    good = visit_payload(mipyme.id, form_version_id=version.id, answers=GOOD)
    bad = visit_payload(mipyme.id, form_version_id=version.id, answers={**GOOD, "nada": 1})
    assert [r["status"] for r in send(phone, bad, good)] == ["rejected", "created"]


def test_answers_to_non_relevant_questions_are_not_stored(phone, mipyme, version):
    visit = visit_payload(mipyme.id, form_version_id=version.id,
                          answers={**GOOD, "recibio_financiacion": "no", "monto": 9.5, "fuente": "banco"})
    assert send(phone, visit)[0]["status"] == "created"
    answers = stored(visit["id"]).answers
    assert "monto" not in answers and "fuente" not in answers and answers["recibio_financiacion"] == "no"


def test_calculate_is_computed_by_the_server(phone, mipyme, version):
    visit = visit_payload(mipyme.id, form_version_id=version.id, answers={**GOOD, "empleados_total": "1000"})
    send(phone, visit)
    assert stored(visit["id"]).answers["empleados_total"] == "7"


@pytest.mark.parametrize("form_version_id", [999999, 0, "uno", True, 2.5])
def test_an_unknown_version_is_refused_under_form_version_id(phone, mipyme, version, form_version_id):
    result = send(phone, visit_payload(mipyme.id, form_version_id=form_version_id, answers=GOOD))[0]
    assert result["status"] == "rejected" and "form_version_id" in result["errors"]


def test_a_version_never_published_is_refused(phone, mipyme, version):
    from fieldwork.forms.services import upload_form

    draft = upload_form(make_user("supervisor"), programme_form("borrador"), "f.xlsx")
    db.session.commit()
    result = send(phone, visit_payload(mipyme.id, form_version_id=draft.id, answers=GOOD))[0]
    assert result == {"id": result["id"], "status": "rejected",
                      "errors": {"form_version_id": ["Esa versión del formulario no existe o nunca se publicó."]}}


def test_answers_without_a_version_are_refused(phone, mipyme, version):
    result = send(phone, visit_payload(mipyme.id, answers=GOOD))[0]
    assert result["status"] == "rejected" and "form_version_id" in result["errors"]


def test_a_visit_without_a_form_still_syncs_as_before(phone, mipyme, version):
    visit = visit_payload(mipyme.id)
    assert send(phone, visit)[0]["status"] == "created"
    row = stored(visit["id"])
    assert row.form_version_id is None and row.answers is None
    assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.answers.is_(None))) == 1


def test_a_visit_on_an_older_published_version_is_still_accepted(phone, mipyme, version):
    newer = publish(xlsform([question("integer", "clientes", "Clientes")], settings={"version": "2"}))
    assert newer.id != version.id
    old = visit_payload(mipyme.id, form_version_id=version.id, answers=GOOD)
    new = visit_payload(mipyme.id, form_version_id=newer.id, answers={"clientes": 12})
    assert [r["status"] for r in send(phone, old, new)] == ["created", "created"]
    assert stored(new["id"]).answers == {"clientes": 12}


def test_replaying_a_visit_with_answers_is_a_duplicate_and_editing_them_an_update(phone, mipyme, version):
    visit = visit_payload(mipyme.id, form_version_id=version.id, answers=GOOD)
    assert send(phone, visit)[0]["status"] == "created"
    assert send(phone, visit)[0]["status"] == "duplicate"
    edited = {**visit, "answers": {**GOOD, "monto": 3.75}, "revision": 2}
    assert send(phone, edited)[0]["status"] == "updated"
    assert stored(visit["id"]).answers["monto"] == 3.75
    assert send(phone, edited)[0]["status"] == "duplicate"
    assert send(phone, visit)[0]["status"] == "duplicate"  # the older revision is a stale replay


def test_an_edit_that_only_changes_answers_is_an_update(phone, mipyme, version):
    visit = visit_payload(mipyme.id, form_version_id=version.id, answers=GOOD)
    send(phone, visit)
    assert send(phone, {**visit, "answers": {**GOOD, "observacion": "Otra"}})[0]["status"] == "updated"


def test_visits_stored_before_forms_still_replay_as_duplicates(phone, officer, mipyme, version):
    from fieldwork.visits.content import content_hash
    from fieldwork.visits.schemas import VisitInputSchema
    from fieldwork.visits.sync import _model_fields

    payload = visit_payload(mipyme.id)
    data = _model_fields(VisitInputSchema().load(payload))
    make_visit(mipyme, officer, id=payload["id"], visited_at=data["visited_at"], topics=data["topics"],
               content_hash=content_hash({k: v for k, v in data.items() if k not in ("form_version_id", "answers")}),
               production_units=120, monthly_sales_cop=4_500_000, employees=4, needs="Capital de trabajo",
               notes="Taller ordenado.")
    assert send(phone, payload)[0]["status"] == "duplicate"


def test_today_in_a_constraint_is_the_visits_day(phone, mipyme, version):
    monday = datetime(2026, 3, 2, 15, tzinfo=UTC)
    answers = {**GOOD, "renovo_matricula": "2026-03-02"}
    visit = visit_payload(mipyme.id, visited_at=monday.isoformat(), form_version_id=version.id, answers=answers)
    assert send(phone, visit)[0]["status"] == "created"
    later = visit_payload(mipyme.id, visited_at=monday.isoformat(), form_version_id=version.id,
                          answers={**GOOD, "renovo_matricula": "2026-03-04"})
    assert send(phone, later)[0]["errors"] == {
        "answers.renovo_matricula": ["La fecha no puede ser posterior a la visita."]}


def test_today_in_a_constraint_is_the_visits_day_in_bogota_not_in_utc(phone, mipyme, version):
    """23:30 on Monday in Valledupar is already Tuesday in UTC: the visit was on Monday."""
    late_monday = datetime(2026, 3, 3, 4, 30, tzinfo=UTC)
    tuesday = visit_payload(mipyme.id, visited_at=late_monday.isoformat(), form_version_id=version.id,
                            answers={**GOOD, "renovo_matricula": "2026-03-03"})
    assert send(phone, tuesday)[0]["errors"] == {
        "answers.renovo_matricula": ["La fecha no puede ser posterior a la visita."]}
    monday = visit_payload(mipyme.id, visited_at=late_monday.isoformat(), form_version_id=version.id,
                           answers={**GOOD, "renovo_matricula": "2026-03-02"})
    assert send(phone, monday)[0]["status"] == "created"


def test_a_batch_reads_its_form_version_once_not_once_per_visit(phone, mipyme, version):
    """Validation reads the version's definition once per batch; the results' upkeep checks which form
    versions feed indicators once per transaction (fieldwork/results/kept.py), whatever the batch's size."""
    from tests.test_query_count import counting_statements

    def version_reads(count: int) -> int:
        visits = [visit_payload(mipyme.id, form_version_id=version.id, answers=GOOD) for _ in range(count)]
        db.session.expunge_all()  # as on a server: nothing of the version is in the request's session yet
        with counting_statements() as statements:
            results = send(phone, *visits)
        assert {r["status"] for r in results} == {"created"}
        return sum("FROM form_versions" in s for s in statements)

    version_reads(1)  # the results' cache of the versions' feeds is filled once per process
    assert version_reads(20) == version_reads(1) == 2
