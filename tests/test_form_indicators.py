"""The XLSForm's `indicator` column (API.md, "Programme results"): checked at upload with its sheet and row,
kept in the version's definition and its API shape; a version that feeds a built-in figure's indicator
stops the officer's form from asking that figure."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from fieldwork.extensions import db
from fieldwork.forms.services import definition, publish_form, upload_form
from fieldwork.models import FormVersion
from fieldwork.services import ServiceError
from tests.builders import make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import login
from tests.forms.fixtures import YES_NO
from tests.forms.xlsform import question, xlsform


def _form(*rows, version="1"):
    return xlsform(list(rows), YES_NO, {"form_id": "seguimiento", "version": version})


FEEDING = (
    question("decimal", "ventas", "Ventas del mes", indicator="sales_month_cop"),
    question("integer", "trabajan", "Personas que trabajan", indicator="jobs_total"),
    question("select_one si_no", "rut", "¿Tiene RUT?", indicator="has_rut"),
    question("text", "observacion", "Observación"),
)


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


def _refusals(supervisor, content) -> list[str]:
    with pytest.raises(ServiceError) as refused:
        upload_form(supervisor, content, "seguimiento.xlsx")
    return refused.value.errors["file"]


@pytest.mark.parametrize(("rows", "expected"), [
    ([question("integer", "a", "A", indicator="ventas_mes")],
     "Hoja survey, fila 2: «ventas_mes» no es un indicador del programa"),
    ([question("text", "a", "A"), question("text", "ventas", "Ventas", indicator="sales_month_cop")],
     "Hoja survey, fila 3: el indicador «sales_month_cop» necesita una pregunta integer, decimal o calculate; "
     "esta es text."),
    ([question("decimal", "a", "A", indicator="jobs_formal")],
     "Hoja survey, fila 2: el indicador «jobs_formal» necesita una pregunta integer o calculate; esta es decimal."),
    ([question("integer", "a", "A", indicator="has_rut")],
     "Hoja survey, fila 2: el indicador «has_rut» necesita una pregunta select_one (sí/no) o acknowledge"),
    ([question("select_multiple si_no", "a", "A", indicator="sells_online")],
     "Hoja survey, fila 2: el indicador «sells_online» necesita una pregunta select_one"),
    ([question("integer", "a", "A", indicator="jobs_women"), question("integer", "b", "B", indicator="jobs_women")],
     "Hoja survey, fila 3: el indicador «jobs_women» ya lo alimenta la fila 2"),
    ([question("select_one si_no", "a", "A"), question("calculate", "c", calculation="${a}", indicator="has_rut")],
     "Hoja survey, fila 3: un calculate da un número o un texto, no una respuesta de sí o no"),
    ([question("integer", "a", "A"), question("note", "n", "Nota", indicator="units_month")],
     "Hoja survey, fila 3: un grupo o una nota no alimenta indicadores"),
    ([question("begin_group", "g", "Grupo", indicator="jobs_total"), question("integer", "a", "A"),
      question("end_group", "")],
     "Hoja survey, fila 2: un grupo o una nota no alimenta indicadores"),
])
def test_a_misused_indicator_is_refused_with_its_sheet_and_row(supervisor, rows, expected):
    messages = _refusals(supervisor, _form(*rows))
    assert any(m.startswith(expected) for m in messages), messages


def test_an_indicator_inside_a_repeat_is_refused_with_its_row(supervisor):
    rows = [question("text", "a", "A"), question("begin_repeat", "socios", "Socios"),
            question("integer", "edad", "Edad", indicator="jobs_women"), question("end_repeat", "")]
    messages = _refusals(supervisor, _form(*rows))
    assert any(m.startswith("Hoja survey, fila 4: una pregunta dentro de una repetición se responde una vez por "
                            "fila y no alimenta el indicador «jobs_women»; póngalo en un calculate fuera de la "
                            "repetición que la resuma, por ejemplo sum(${edad}).") for m in messages), messages


def test_a_yes_no_indicator_needs_a_choice_that_means_yes(supervisor):
    content = xlsform([question("select_one estado", "rut", "RUT", indicator="has_rut")],
                      [{"list_name": "estado", "name": "tiene", "label": "Tiene"},
                       {"list_name": "estado", "name": "no_tiene", "label": "No tiene"}])
    messages = _refusals(supervisor, content)
    assert messages[0].startswith("Hoja survey, fila 2: el indicador «has_rut» es de sí o no y la lista no tiene")


def test_the_definition_and_the_api_carry_each_question_s_indicator(client, supervisor):
    login(client, supervisor)
    response = client.post("/api/v1/forms", data={"file": (io.BytesIO(_form(*FEEDING)), "seguimiento.xlsx")})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    questions = {q["name"]: q for q in body["questions"]}
    assert questions["ventas"]["indicator"] == "sales_month_cop"
    assert questions["rut"]["indicator"] == "has_rut"
    assert "indicator" not in questions["observacion"]
    assert body["replaced_figures"] == ["monthly_sales_cop", "employees"]
    stored = {q["name"]: q for q in db.session.get(FormVersion, body["id"]).definition["questions"]}
    assert stored["trabajan"]["indicator"] == "jobs_total"


def test_the_openapi_document_lists_the_indicator_codes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    question_schema = spec["components"]["schemas"]["Question"]["properties"]["indicator"]
    assert "jobs_total" in question_schema["enum"]


def test_an_uploaded_form_without_the_column_changes_nothing(supervisor):
    version = upload_form(supervisor, _form(question("integer", "a", "A")), "seguimiento.xlsx")
    assert definition(version, "es")["replaced_figures"] == []
    assert "indicator" not in version.definition["questions"][0]


def _figure_slots(html: str) -> dict[str, bool]:
    """Each built-in figure's slot on the visit page → whether it is hidden."""
    return {name: bool(hidden) for name, hidden in
            re.findall(r'data-figure="(\w+)"( hidden)?', html)}


def _publish(supervisor, content) -> int:
    version = publish_form(supervisor, upload_form(supervisor, content, "seguimiento.xlsx"))
    db.session.commit()
    return version.id


def test_the_officer_form_does_not_ask_a_figure_the_current_form_feeds(client, supervisor):
    officer = make_user("officer")
    make_mipyme(officer)
    login(client, officer)
    html = client.get("/visits/new").get_data(as_text=True)
    assert _figure_slots(html) == {"production_units": False, "monthly_sales_cop": False, "employees": False}
    assert "data-figures-replaced hidden" in html
    _publish(supervisor, _form(*FEEDING))
    html = client.get("/visits/new").get_data(as_text=True)
    assert _figure_slots(html) == {"production_units": False, "monthly_sales_cop": True, "employees": True}
    # The inputs keep their contract names (a draft kept in an older version still fills them).
    assert 'name="monthly_sales_cop"' in html and 'name="employees"' in html
    assert re.search(r"<fieldset data-figures>", html)  # units are still asked
    assert "<p class=\"hint\" data-figures-replaced>Las demás cifras se preguntan abajo" in html


def test_a_form_feeding_every_figure_hides_the_whole_figures_box(client, supervisor):
    officer = make_user("officer")
    make_mipyme(officer)
    login(client, officer)
    _publish(supervisor, _form(*FEEDING, question("integer", "unidades", "Unidades", indicator="units_month")))
    html = client.get("/visits/new").get_data(as_text=True)
    assert set(_figure_slots(html).values()) == {True}
    assert re.search(r"<fieldset data-figures hidden>", html)


def test_a_visit_from_an_old_page_that_still_carries_the_figure_is_kept(client, supervisor):
    """A page cached before the form began feeding the figure still sends it: the visit is stored as sent
    (never refused for it); results read the form's answer first."""
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    version_id = _publish(supervisor, _form(*FEEDING))
    login(client, officer)
    visit = visit_payload(mipyme.id, monthly_sales_cop=4_500_000, form_version_id=version_id,
                          answers={"ventas": 5_000_000, "trabajan": 3, "rut": "si"})
    results = client.post("/api/v1/visits/sync", json={"visits": [visit]}).get_json()["results"]
    assert results[0]["status"] == "created", results
    body = client.get(f"/api/v1/visits/{visit['id']}").get_json()
    assert body["monthly_sales_cop"] == 4_500_000 and body["answers"]["ventas"] == 5_000_000


def _choice_counts():
    from fieldwork.forms.indicators import choice_counts  # after the app: supervision's imports need its order
    from fieldwork.mipymes.flags import flag_day

    return {q["name"]: q for q in choice_counts(flag_day())}


def test_dashboard_choices_count_each_business_once_by_its_latest_answer(client, supervisor):
    officer = make_user("officer")
    changed_mind, steady = make_mipyme(officer), make_mipyme(officer)
    version = _publish(supervisor, _form(*FEEDING))
    now = datetime.now(UTC)
    for mipyme, ago, answer in ((changed_mind, 20, "si"), (changed_mind, 3, "no"), (steady, 10, "si")):
        make_visit(mipyme, visited_at=now - timedelta(days=ago), form_version_id=version, answers={"rut": answer})
    rut = _choice_counts()["rut"]
    assert rut["rows"] == [("Sí", 2), ("No", 1)]  # visits
    assert rut["by_business"] == [1, 1]  # each business once, by its latest answer
    assert (rut["businesses"], rut["visits"]) == (2, 3)
    login(client, supervisor)
    html = client.get("/supervision/").get_data(as_text=True)
    section = html[html.index('id="form-choices-title"'):]
    assert "Las barras cuentan negocios" in section
    assert '<th scope="row">Sí</th><td>2</td><td>1</td>' in section
    assert "2 negocios respondieron" in section and "en 3 visitas" in section


def test_a_question_keeps_one_series_across_versions_until_its_type_changes(supervisor):
    officer = make_user("officer")
    mipyme, other = make_mipyme(officer), make_mipyme(officer)
    channel = [{"list_name": "canal", "name": n, "label": n.title()} for n in ("tienda", "feria")]
    text_version = _publish(supervisor, xlsform([question("text", "canal", "Canal")], channel,
                                                {"form_id": "seguimiento", "version": "1"}))
    first = _publish(supervisor, xlsform([question("select_one canal", "canal", "Canal")], channel,
                                         {"form_id": "seguimiento", "version": "2"}))
    second = _publish(supervisor, xlsform([question("select_one canal", "canal", "Canal"),
                                           question("text", "nota", "Nota")], channel,
                                          {"form_id": "seguimiento", "version": "3"}))
    now = datetime.now(UTC)
    make_visit(mipyme, visited_at=now - timedelta(days=30), form_version_id=text_version,
               answers={"canal": "tienda"})  # typed as text: another series
    make_visit(mipyme, visited_at=now - timedelta(days=20), form_version_id=first, answers={"canal": "feria"})
    make_visit(other, visited_at=now - timedelta(days=5), form_version_id=second, answers={"canal": "tienda"})
    canal = _choice_counts()["canal"]
    assert canal["rows"] == [("Tienda", 1), ("Feria", 1)]  # versions 2 and 3 are one series; version 1 is not
    assert canal["type_changed_in"] == "1"


def test_the_mipyme_page_shows_one_value_per_indicator_and_where_it_came_from(app, supervisor):
    from flask import render_template

    from fieldwork.forms.indicator_values import mipyme_indicators

    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    version = _publish(supervisor, _form(*FEEDING))
    now = datetime.now(UTC)
    make_visit(mipyme, visited_at=now - timedelta(days=60), production_units=80, monthly_sales_cop=3_000_000)
    make_visit(mipyme, visited_at=now - timedelta(days=2), production_units=95, form_version_id=version,
               monthly_sales_cop=9_999_999,  # an old page's figure: the form's answer is the value
               answers={"ventas": 4_500_000, "rut": "si"})
    values = {v.code: v for v in mipyme_indicators(mipyme.id)}
    assert list(values) == ["sales_month_cop", "units_month", "has_rut"]  # the catalogue's order
    sales = values["sales_month_cop"]
    assert sales.baseline.source == "cifra de la visita"
    assert sales.latest.source == "pregunta «Ventas del mes» del formulario"
    assert (sales.baseline.text, sales.latest.text) == ("$ 3.000.000", "$ 4.500.000")
    assert sales.direction == "up" and sales.change.startswith("▲")
    assert values["units_month"].latest.source == "cifra de la visita"
    assert values["has_rut"].latest.text == "Sí" and values["has_rut"].change is None  # one visit: no change
    with app.test_request_context():
        html = render_template("forms/_mipyme_indicators.html", indicator_values=list(values.values()),
                               form_trends=[])
    assert html.count("<tr data-indicator=") == 3 and "una sola visita" in html
    assert "pregunta «Ventas del mes» del formulario" in html



def test_the_version_page_says_which_question_feeds_which_indicator(client, supervisor):
    version = upload_form(supervisor, _form(*FEEDING), "seguimiento.xlsx")
    db.session.commit()
    login(client, supervisor)
    html = client.get(f"/supervision/forms/{version.id}").get_data(as_text=True)
    assert "alimenta el indicador <code>sales_month_cop</code>" in html
    assert "pregunta ella misma 2 de las cifras fijas de la visita" in html


def test_the_upload_page_lists_the_codes_the_indicator_column_takes(client, supervisor):
    login(client, supervisor)
    html = client.get("/supervision/forms/").get_data(as_text=True)
    assert "<code>matricula_renewed</code>" in html and "select_one, acknowledge" in html


def test_a_numeric_question_whose_type_changed_starts_a_new_trend(supervisor):
    from fieldwork.forms.indicators import numeric_trends

    mipyme = make_mipyme(make_user("officer"))
    whole = _publish(supervisor, _form(question("integer", "ventas", "Ventas"), version="1"))
    decimal = _publish(supervisor, _form(question("decimal", "ventas", "Ventas"), version="2"))
    now = datetime.now(UTC)
    make_visit(mipyme, visited_at=now - timedelta(days=9), form_version_id=whole, answers={"ventas": 5})
    make_visit(mipyme, visited_at=now - timedelta(days=2), form_version_id=decimal, answers={"ventas": 2.5})
    (trend,) = numeric_trends(mipyme.id)
    assert [value for _day, value in trend["points"]] == [2.5]
    assert trend["type_changed_in"] == "1"
