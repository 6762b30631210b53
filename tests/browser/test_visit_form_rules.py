"""The offline app's pure rules, run in the browser that runs them for the officer: back-off,
the payload built from the form, and the checks made before a visit may enter the outbox."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_page(live_server, page):
    """Any page of the app gives the modules their Spanish messages; the public offline page will do."""
    page.goto(live_server.url + "/offline", wait_until="domcontentloaded")
    return page


def run(page, module, expression):
    """Evaluate `expression` with the ES module `module` bound to `m`."""
    return page.evaluate(f"import('/static/js/{module}').then((m) => {expression})")


def test_back_off_doubles_up_to_five_minutes(officer_page):
    delays = run(officer_page, "sync.js", "[1, 2, 3, 4, 8, 9, 12, 50].map(m.backoffSeconds)")
    assert delays == [2, 4, 8, 16, 256, 300, 300, 300]


def test_payload_carries_the_phones_offset_and_plain_numbers(officer_page):
    payload = run(officer_page, "visit-data.js", """m.fieldsToPayload('v-1', 2, {
        mipyme_id: '7', visited_at: '2026-03-05T10:30', topics: ['formacion', 'produccion'],
        production_units: '120', monthly_sales_cop: '4.500.000', employees: '', needs: '  ', notes: 'Bien',
        follow_up_due: '2026-04-01', follow_up_reason: 'Revisar inventario', location: null})""")
    assert payload == {
        "id": "v-1", "revision": 2, "mipyme_id": 7, "visited_at": "2026-03-05T10:30:00-05:00",
        "topics": ["produccion", "formacion"], "production_units": 120, "monthly_sales_cop": 4_500_000,
        "employees": None, "needs": None, "notes": "Bien", "follow_up_reason": "Revisar inventario",
        "follow_up_due": "2026-04-01", "location": None,
    }


CASES = [  # (fields changed from a valid visit, the field in error, its Spanish message)
    ({"mipyme_id": ""}, "mipyme_id", "Elija la Mipyme visitada."),
    ({"mipyme_id": "999"}, "mipyme_id", "Esa Mipyme no está asignada a usted."),
    ({"visited_at": "2099-01-01T10:00"}, "visited_at", "La visita no puede estar en el futuro."),
    ({"topics": []}, "topics", "Marque al menos un tema tratado."),
    ({"employees": "-3"}, "employees", "Escriba un número entero, sin centavos ni signo: sin «-» ni «+»."),
    ({"monthly_sales_cop": "4.500.000,50"}, "monthly_sales_cop",
     "Escriba un número entero, sin centavos ni signo: sin coma ni decimales (por ejemplo 4.500.000)."),
    ({"monthly_sales_cop": "99999999999999"}, "monthly_sales_cop", "El número es demasiado grande."),
    ({"notes": "x" * 2001}, "notes", "Las observaciones admiten hasta 2000 caracteres."),
    ({"follow_up_due": "2026-01-01"}, "follow_up_due", "El seguimiento no puede ser antes de la visita."),
]
VALID = {"mipyme_id": "1", "visited_at": "2026-03-05T10:30", "topics": ["produccion"], "production_units": "",
         "monthly_sales_cop": "", "employees": "", "notes": "", "follow_up_due": ""}


def test_visit_is_checked_before_it_enters_the_outbox(officer_page):
    """One page for the whole table: each case changes one field of a valid visit."""
    variants = [{**VALID, **changes} for changes, _, _ in CASES]
    results = officer_page.evaluate(
        "([valid, variants]) => import('/static/js/visit-data.js').then((m) => "
        "[m.validate(valid, new Set(['1'])), ...variants.map((v) => m.validate(v, new Set(['1'])))])",
        [VALID, variants])
    assert results[0] == {}
    for (changes, field, message), errors in zip(CASES, results[1:], strict=True):
        assert errors == {field: [message]}, changes


def test_follow_up_is_compared_with_the_visits_day_in_the_programme_zone(officer_page):
    """The server counts days in FIELDWORK_TIMEZONE: 20:00 in Bogotá is already the next day in Tokio."""
    visit = {**VALID, "visited_at": "2026-03-05T20:00", "follow_up_due": "2026-03-05"}
    here, tokyo = officer_page.evaluate(
        "(visit) => import('/static/js/visit-data.js').then((m) => ["
        " m.validate(visit, new Set(['1']), new Date('2026-03-06T12:00:00-05:00')),"
        " m.validate(visit, new Set(['1']), new Date('2026-03-06T12:00:00-05:00'),"
        "            {zone: 'Asia/Tokyo', skewMs: 600000})])", visit)
    assert here == {}
    assert tokyo == {"follow_up_due": ["El seguimiento no puede ser antes de la visita."]}


def test_visit_beyond_the_servers_clock_skew_is_refused_on_the_phone(officer_page):
    now = "2026-03-05T10:00:00-05:00"
    within, beyond = officer_page.evaluate(
        "([valid, now]) => import('/static/js/visit-data.js').then((m) => ["
        " m.validate({...valid, visited_at: '2026-03-05T10:09'}, new Set(['1']), new Date(now)),"
        " m.validate({...valid, visited_at: '2026-03-05T10:11'}, new Set(['1']), new Date(now))])", [VALID, now])
    assert within == {}
    assert beyond == {"visited_at": ["La visita no puede estar en el futuro."]}


def test_visit_before_the_mipymes_enrolment_is_refused_on_the_phone(officer_page):
    """The day the Mipyme joined the programme, counted in the programme's zone as sync counts it:
    20:00 on 4 March in Bogotá is 4 March, though UTC already says the 5th."""
    enrolled = [["1", "2026-03-05"]]
    on_the_day, the_evening_before, unknown = officer_page.evaluate(
        "([valid, enrolled]) => import('/static/js/visit-data.js').then((m) => {"
        " const now = new Date('2026-03-06T12:00:00-05:00');"
        " return [m.validate({...valid, visited_at: '2026-03-05T08:00'}, new Map(enrolled), now),"
        "         m.validate({...valid, visited_at: '2026-03-04T20:00'}, new Map(enrolled), now),"
        "         m.validate({...valid, visited_at: '2026-03-04T20:00'}, new Map([['1', null]]), now)]; })",
        [VALID, enrolled])
    assert on_the_day == {}
    assert the_evening_before == {"visited_at": [
        "La visita es anterior al ingreso de la Mipyme al programa (5 mar 2026)."]}
    assert unknown == {}  # a Mipyme kept only by its draft's name: the server checks its enrolment
