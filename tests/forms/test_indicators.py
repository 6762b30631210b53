"""The form's answers as figures: numeric questions charted on a Mipyme's page, choices counted on the dashboard."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from fieldwork.demo.form import WORKBOOK
from fieldwork.mipymes.flags import flag_day
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.forms.fixtures import publish


@pytest.fixture
def answered(app):
    """The Valledupar form published, and one Mipyme with three answered visits (one older than 12 weeks)."""
    supervisor = make_user("supervisor")
    version = publish(WORKBOOK.read_bytes(), supervisor)
    mipyme = make_mipyme(make_user("officer"))
    now = datetime.now(UTC)
    base = {"recibio_financiacion": "no", "ventas_en_linea": "si", "tiene_rut": "si", "matricula_renovada": "no",
            "aportes_seguridad_social": "si", "empleados_informales": 1}
    make_visit(mipyme, visited_at=now - timedelta(weeks=20), form_version_id=version.id,
               answers={**base, "canales_venta": ["ferias"], "empleados_formales": 1})
    make_visit(mipyme, visited_at=now - timedelta(days=30), form_version_id=version.id,
               answers={**base, "recibio_financiacion": "si", "monto_financiacion": 2500000.5,
                        "fuente_financiacion": "banco", "canales_venta": ["whatsapp", "ferias"],
                        "empleados_formales": 2})
    make_visit(mipyme, visited_at=now - timedelta(days=2), form_version_id=version.id,
               answers={**base, "canales_venta": ["whatsapp", "local_propio", "tienda_en_linea"],
                        "empleados_formales": 4})
    make_visit(mipyme, visited_at=now - timedelta(days=1))  # a visit from before forms: no answers at all
    return supervisor, mipyme


def test_each_numeric_question_is_charted_over_the_mipymes_visits(answered):
    from fieldwork.forms.indicators import numeric_trends  # after the app: supervision's imports need its order

    _supervisor, mipyme = answered
    trends = {t["name"]: t for t in numeric_trends(mipyme.id)}
    # The products repeat's numbers are charted as each visit's sum over its products (none answered here).
    assert list(trends) == ["monto_financiacion", "unidades_producto", "precio_producto", "empleados_formales",
                            "empleados_informales", "mujeres_trabajando"]
    assert trends["unidades_producto"]["points"] == []
    assert [value for _label, value in trends["empleados_formales"]["points"]] == [1, 2, 4]  # oldest first
    assert [value for _label, value in trends["monto_financiacion"]["points"]] == [2500000.5]
    assert trends["empleados_formales"]["svg"] is not None


def test_choices_are_counted_over_the_last_twelve_weeks_one_per_visit_and_choice(answered):
    from fieldwork.forms.indicators import choice_counts

    counts = {q["name"]: dict(q["rows"]) for q in choice_counts(flag_day())}
    # The 20-week-old visit's "ferias" is outside the window; a select_multiple counts each chosen option.
    assert counts["canales_venta"] == {"Local propio": 1, "Puerta a puerta": 0, "Ferias y mercados": 1,
                                       "Tiendas de terceros": 0, "WhatsApp": 2, "Redes sociales": 0,
                                       "Tienda en línea": 1}
    assert counts["recibio_financiacion"] == {"Sí": 1, "No": 1}
    assert counts["fuente_financiacion"]["Banco"] == 1


def test_the_mipyme_page_charts_the_form_beside_the_fixed_figures(answered, client):
    supervisor, mipyme = answered
    login(client, supervisor)
    html = client.get(f"/supervision/mipymes/{mipyme.id}").get_data(as_text=True)
    section = html[html.index('id="form-trends-title"'):html.index('id="timeline-title"')]
    assert "Empleados con contrato" in section and section.count("<svg") == 3
    assert re.search(r"<td>[^<]*</td><td>2\.500\.000,5</td>", section)  # es-CO in the table beside the chart


def test_the_dashboard_shows_bars_and_their_table_per_select_question(answered, client):
    supervisor, _mipyme = answered
    login(client, supervisor)
    html = client.get("/supervision/").get_data(as_text=True)
    section = html[html.index('id="form-choices-title"'):]
    assert "¿Por qué canales vende?" in section
    assert re.search(r"<th scope=\"row\">WhatsApp</th><td>2</td>", section)


def test_without_a_published_form_the_pages_show_no_form_figures(app, client):
    supervisor = make_user("supervisor")
    mipyme = make_mipyme(make_user("officer"))
    make_visit(mipyme)
    login(client, supervisor)
    assert 'id="form-choices-title"' not in client.get("/supervision/").get_data(as_text=True)
    assert 'id="form-trends-title"' not in client.get(f"/supervision/mipymes/{mipyme.id}").get_data(as_text=True)
