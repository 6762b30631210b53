"""Charts of a contract-v3 form: a question inside a repeat is read across the visit's instances (a number as
their sum, a choice once per visit and option) and says so; types that are no figure or choice are left out."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldwork.mipymes.flags import flag_day
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.forms.stored_v3 import production_answers, production_definition, store_version


@pytest.fixture
def charted(app):
    supervisor = make_user("supervisor")
    version = store_version(production_definition(), supervisor)
    officer = make_user("officer")
    first, second, odd = (make_mipyme(officer, name=n) for n in ("Calzado Ñapa", "Bolsos Sol", "Raro"))
    now = datetime.now(UTC)

    def visit(mipyme, days, answers):
        return make_visit(mipyme, officer, visited_at=now - timedelta(days=days), form_version_id=version.id,
                          answers=answers)

    visit(first, 10, {"satisfaccion": 3, "productos": [
        {"tipo": "calzado", "unidades": 10, "tallas": [{"pares": 4}]}, {"tipo": "calzado", "unidades": 20},
        {"tipo": "bolso", "unidades": 5, "precio": 1.5}]})
    visit(first, 2, {"satisfaccion": 5, "productos": [{"tipo": "bolso", "unidades": 7}]})
    visit(second, 5, {**production_answers(), "productos": ["x", {"tipo": "calzado", "unidades": "muchas"}]})
    visit(odd, 1, {"productos": "x"})
    visit(odd, 3, {"productos": [{"tipo": 3}, {"unidades": None}]})
    return supervisor, first


def test_a_repeats_number_is_charted_as_the_visits_sum(charted):
    from fieldwork.forms.indicators import numeric_trends

    _supervisor, first = charted
    trends = {t["name"]: t for t in numeric_trends(first.id)}
    assert list(trends) == ["satisfaccion", "unidades", "precio"]  # a range is a figure; sizes are two repeats deep
    assert [value for _day, value in trends["unidades"]["points"]] == [35, 7]  # oldest first
    assert trends["unidades"]["title"] == "Unidades al mes (suma de las filas de «Productos»)"
    assert [value for _day, value in trends["precio"]["points"]] == [1.5]  # a visit with no price draws no point
    assert [value for _day, value in trends["satisfaccion"]["points"]] == [3, 5]


def test_a_repeats_choice_counts_each_visit_once_per_option(charted):
    from fieldwork.forms.indicators import choice_counts

    (tipo,) = choice_counts(flag_day())  # a rank, a place or a photo is no chart
    assert tipo["name"] == "tipo" and tipo["repeat_label"] == "Productos"
    assert dict(tipo["rows"]) == {"Calzado": 2, "Bolsos": 2, "Otro": 0}  # visits
    assert tipo["by_business"] == [1, 1, 0]  # each business by its latest visit: Ñapa bolsos, Sol calzado
    assert (tipo["visits"], tipo["businesses"]) == (3, 2)


def test_the_dashboard_and_the_mipyme_page_say_how_a_repeat_is_counted(client, charted):
    supervisor, first = charted
    login(client, supervisor)
    dashboard = client.get("/supervision/")
    assert dashboard.status_code == 200
    assert "Pregunta de cada fila de «Productos»" in dashboard.get_data(as_text=True)
    page = client.get(f"/supervision/mipymes/{first.id}")
    assert page.status_code == 200
    assert "Unidades al mes (suma de las filas de «Productos»)" in page.get_data(as_text=True)
