"""A calculate feeds a figure indicator (issue 18 item 9): a form sums a repeat's units in a top-level
calculate whose `indicator` is units_month, and the programme's results read each visit's sum. The stored
string counts as the number it writes; "", "NaN" or any text counts as unanswered, alike in the pure
definitions and in the SQL of the kept rows (SQLite and PostgreSQL)."""
from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.forms.indicator_values import mipyme_indicators
from fieldwork.forms.services import publish_form, upload_form
from fieldwork.models import FormVersion, Visit
from fieldwork.results import definitions, queries
from tests.builders import make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import login
from tests.forms.fixtures import YES_NO
from tests.forms.xlsform import question, xlsform

SYNC = "/api/v1/visits/sync"


def products_form(indicator: str = "units_month") -> bytes:
    """The products a workshop makes as a repeat, their units summed by a calculate that feeds `indicator`;
    an officer who does not know the units says so, and the calculate writes a text instead of a sum."""
    return xlsform([
        question("select_one si_no", "conoce", "¿Conoce las unidades del mes?", required="yes"),
        question("begin_repeat", "productos", "Productos", relevant="${conoce} = 'si'"),
        question("text", "producto", "Producto", required="yes"),
        question("integer", "unidades", "Unidades del mes", required="yes"),
        question("end_repeat", "productos"),
        question("calculate", "unidades_mes", indicator=indicator,
                 calculation="if(${conoce} = 'si', sum(${unidades}), 'sin dato')"),
    ], YES_NO, {"form_id": "produccion", "version": "1"})


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


def test_upload_accepts_a_calculate_summing_a_repeat_as_units_month(client, supervisor):
    login(client, supervisor)
    response = client.post("/api/v1/forms", data={"file": (io.BytesIO(products_form()), "produccion.xlsx")})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    (calculate,) = [q for q in body["questions"] if q["name"] == "unidades_mes"]
    assert calculate["indicator"] == "units_month"
    assert body["replaced_figures"] == ["production_units"]  # the officer is not asked the units twice


def test_upload_refuses_a_calculate_for_a_yes_no_indicator(client, supervisor):
    login(client, supervisor)
    response = client.post("/api/v1/forms", data={"file": (io.BytesIO(products_form("has_rut")), "p.xlsx")})
    assert response.status_code == 400
    assert any(m.startswith("Hoja survey, fila 7: un calculate da un número o un texto, no una respuesta de sí o "
                            "no: el indicador «has_rut» necesita una pregunta select_one (sí/no) o acknowledge")
               for m in response.get_json()["errors"]["file"]), response.get_json()


def test_a_calculate_inside_the_repeat_is_refused_and_pointed_outside(supervisor):
    from fieldwork.services import ServiceError

    rows = [question("begin_repeat", "productos", "Productos"),
            question("integer", "unidades", "Unidades"),
            question("calculate", "doble", calculation="${unidades} * 2", indicator="units_month"),
            question("end_repeat", "productos")]
    with pytest.raises(ServiceError) as refused:
        upload_form(supervisor, xlsform(rows, YES_NO), "p.xlsx")
    assert any("póngalo en un calculate fuera de la repetición que la resuma, por ejemplo sum(${doble})" in m
               for m in refused.value.errors["file"])


def test_results_and_the_mipyme_page_read_the_sum_of_the_products_units(client, supervisor):
    version = publish_form(supervisor, upload_form(supervisor, products_form(), "produccion.xlsx"))
    db.session.commit()
    officer = make_user("officer")
    today = datetime.now(UTC)
    mipyme = make_mipyme(officer, enrolled_on=(today - timedelta(days=120)).date())
    login(client, officer)
    sent = [
        {"conoce": "si", "productos": [{"producto": "Mochilas", "unidades": 120},
                                       {"producto": "Sombreros", "unidades": 30}]},
        {"conoce": "no"},  # "sin dato": unanswered, whatever built-in figure an old page still sent
        {"conoce": "si", "productos": [{"producto": "Mochilas", "unidades": 200},
                                       {"producto": "Sombreros", "unidades": 45}]},
    ]
    for days_ago, answers in zip((60, 30, 2), sent, strict=True):
        visit = visit_payload(mipyme.id, visited_at=(today - timedelta(days=days_ago)).isoformat(),
                              form_version_id=version.id, answers=answers, production_units=999)
        result = client.post(SYNC, json={"visits": [visit]}).get_json()["results"][0]
        assert result["status"] == "created", result
    stored = [v.answers["unidades_mes"] for v in db.session.scalars(
        select(Visit).where(Visit.mipyme_id == mipyme.id).order_by(Visit.visited_at))]
    assert stored == ["150", "sin dato", "245"]

    login(client, supervisor)
    body = client.get("/api/v1/results").get_json()
    units = next(i for i in body["indicators"] if i["code"] == "units_month")
    assert (units["businesses_with_change"], units["baseline_total"], units["latest_total"], units["improved"]) \
        == (1, 150, 245, 1)

    values = {v.code: v for v in mipyme_indicators(mipyme.id)}
    assert (values["units_month"].baseline.text, values["units_month"].latest.text) == ("150", "245")
    assert values["units_month"].latest.source == "cálculo «unidades_mes» del formulario"
    assert values["units_month"].change == "▲ 95"
    html = client.get(f"/supervision/mipymes/{mipyme.id}").get_data(as_text=True)
    row = html[html.index('data-indicator="units_month"'):]
    row = row[:row.index("</tr>")]
    assert "<strong>150</strong>" in row and "<strong>245</strong>" in row
    assert "cálculo «unidades_mes» del formulario" in row and "▲ 95" in row


#: What a calculate may have stored, and the figure each reads as for a decimal indicator (units_month)
#: and for a whole one (jobs_formal); None: unanswered.
CALCULATED = [
    ("150", 150, 150), ("12.5", 12.5, None), ("12.0", 12, 12), ("-3", -3, -3), ("0", 0, 0),
    ("0.30000000000000004", 0.30000000000000004, None), ("1000000000000000", 10**15, 10**15),
    ("", None, None), ("NaN", None, None), ("Infinity", None, None), ("sin dato", None, None),
    ("1e5", None, None), (" 12", None, None), ("12\n", None, None), ("007", None, None), ("+5", None, None),
    (".5", None, None), ("1000000000000001", None, None), ("99999999999999999", None, None),
    ("0." + "0" * 300 + "1", None, None), ("1" + "0" * 400, None, None), (4, None, None), (True, None, None),
]


@pytest.mark.parametrize(("stored", "units", "jobs"), CALCULATED)
def test_a_calculated_string_reads_as_the_number_it_writes_or_as_unanswered(stored, units, jobs):
    feeds = {"units_month": definitions.Feed("unidades_mes", "calculate"),
             "jobs_formal": definitions.Feed("formales", "calculate")}
    visit = type("Visit", (), {"answers": {"unidades_mes": stored, "formales": stored}, "production_units": 7})
    assert definitions.value_of("units_month", visit, feeds) == units
    assert definitions.value_of("jobs_formal", visit, feeds) == jobs


def test_the_sql_reads_every_calculated_string_as_the_definitions_do(supervisor):
    """One visit per stored string, each read by value_expression (the kept rows' SQL) on this database:
    never an error on PostgreSQL's cast, and the same value as definitions.value_of."""
    definition = {"questions": [
        {"name": "unidades_mes", "type": "calculate", "indicator": "units_month", "label": {}, "required": False},
        {"name": "formales", "type": "calculate", "indicator": "jobs_formal", "label": {}, "required": False}]}
    version = FormVersion(form_id="f", version=str(uuid.uuid4()), title="f", filename="f.xlsx", original_file=b"",
                          definition=definition, uploaded_by_id=supervisor.id)
    db.session.add(version)
    db.session.commit()
    mipyme = make_mipyme(make_user("officer"), enrolled_on=date(2025, 1, 1))
    expected = {}
    for stored, units, jobs in CALCULATED:
        visit = make_visit(mipyme, form_version_id=version.id, production_units=7,
                           answers={"unidades_mes": stored, "formales": stored})
        expected[visit.id] = (units, jobs)
    feeds = queries.feeds_by_version()
    v = Visit.__table__
    rows = db.session.execute(select(v.c.id, queries.value_expression("units_month", feeds, v),
                                     queries.value_expression("jobs_formal", feeds, v))).all()
    assert {visit_id: (units, jobs) for visit_id, units, jobs in rows} == expected
