"""The results' definitions (fieldwork/results/definitions.py) on small programmes computed by hand."""
from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from fieldwork.results import definitions as d

BOGOTA = ZoneInfo("America/Bogota")
UVT = {2024: 47065, 2025: 49799, 2026: 52374}
SOLD = {"has_rut": d.Feed("rut", "select_one", frozenset({"si"})),
        "sales_month_cop": d.Feed("ventas", "decimal")}
ACK = {"has_rut": d.Feed("rut_ok", "acknowledge")}


def visit(visit_id: str, day: str, hour: int = 15, **fields):
    values = {"review_status": "submitted", "owner_confirmation": "pending", "dispute_resolved_at": None,
              "form_version_id": None, "answers": None, "monthly_sales_cop": None, "production_units": None,
              "employees": None}
    values.update(fields)
    return SimpleNamespace(id=visit_id, visited_at=datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00"), **values)


def ends(code, visits, enrolled=date(2025, 1, 1), as_of=date(2026, 1, 1), feeds=None):
    return d.ends(code, visits, feeds or {}, enrolled, as_of, zone=BOGOTA)


def test_which_visits_count():
    assert d.counts(visit("a", "2025-02-01"))
    assert d.counts(visit("a", "2025-02-01", review_status="approved", owner_confirmation="confirmed"))
    assert not d.counts(visit("a", "2025-02-01", review_status="returned"))
    assert not d.counts(visit("a", "2025-02-01", owner_confirmation="disputed"))
    resolved = visit("a", "2025-02-01", owner_confirmation="disputed", dispute_resolved_at=datetime.now(UTC))
    assert d.counts(resolved)


def test_a_business_with_only_a_baseline_has_no_change():
    baseline, latest = ends("jobs_total", [visit("a", "2025-02-01", employees=3)])
    assert (baseline.value, latest.value) == (3, 3)
    assert d.change(baseline, latest) is None


def test_a_returned_latest_visit_does_not_count():
    visits = [visit("a", "2025-02-01", employees=3), visit("b", "2025-03-01", employees=5),
              visit("c", "2025-04-01", employees=9, review_status="returned")]
    baseline, latest = ends("jobs_total", visits)
    assert (baseline.visit_id, latest.visit_id, d.change(baseline, latest)) == ("a", "b", 2)


def test_an_open_dispute_does_not_count_until_resolved():
    disputed = visit("b", "2025-03-01", employees=1, owner_confirmation="disputed")
    visits = [visit("a", "2025-02-01", employees=3), disputed]
    assert d.change(*ends("jobs_total", visits)) is None
    disputed.dispute_resolved_at = datetime(2025, 3, 2, tzinfo=UTC)
    assert d.change(*ends("jobs_total", visits)) == -2


def test_a_visit_before_enrolment_is_not_the_baseline():
    # Enrolled on 1 March (Bogotá); 28 February at 23:30 Bogotá is 1 March 04:30 UTC: still before.
    visits = [visit("a", "2025-03-01", hour=4, employees=2), visit("b", "2025-03-01", hour=6, employees=4),
              visit("c", "2025-05-01", employees=6)]
    baseline, latest = ends("jobs_total", visits, enrolled=date(2025, 3, 1))
    assert (baseline.visit_id, baseline.value, d.change(baseline, latest)) == ("b", 4, 2)


def test_latest_is_on_or_before_the_day_asked():
    visits = [visit("a", "2025-02-01", employees=3), visit("b", "2025-06-02", hour=3, employees=8)]
    # 2 June 03:00 UTC is still 1 June in Bogotá.
    assert ends("jobs_total", visits, as_of=date(2025, 6, 1))[1].visit_id == "b"
    assert ends("jobs_total", visits, as_of=date(2025, 5, 31))[1].visit_id == "a"


def test_one_series_across_form_versions():
    """Version 7 asks sales in its own question: the built-in figure of its visits is not read, and the
    series runs from the built-in figure of the old visits to the question's answer."""
    feeds = {7: SOLD}
    visits = [visit("a", "2025-02-01", monthly_sales_cop=1_000_000),
              visit("b", "2025-03-01", form_version_id=7, monthly_sales_cop=5, answers={"ventas": 1_500_000.5}),
              visit("c", "2025-04-01", form_version_id=7, monthly_sales_cop=9, answers={})]
    baseline, latest = ends("sales_month_cop", visits, feeds=feeds)
    assert (baseline.value, latest.visit_id, latest.value) == (1_000_000, "b", 1_500_000.5)
    assert d.change(baseline, latest) == 500_000.5


@pytest.mark.parametrize(("answer", "value"), [("si", 1), ("no", 0), ("nose", 0), (None, None), (3, None)])
def test_yes_no_from_a_choice(answer, value):
    assert d.value_of("has_rut", visit("a", "2025-02-01", answers={"rut": answer}), SOLD) == value


def test_yes_choices_ignore_case_and_spaces_and_acknowledge_is_yes():
    definition = {"questions": [{"name": "rut", "type": "select_one", "indicator": "has_rut",
                                 "choices": [{"name": " Sí "}, {"name": "NO"}, {"name": "TRUE"}]},
                                {"name": "q", "type": "integer"}]}
    assert d.feeds_of(definition) == {"has_rut": d.Feed("rut", "select_one", frozenset({" Sí ", "TRUE"}))}
    assert d.value_of("has_rut", visit("a", "2025-02-01", answers={"rut_ok": "OK"}), ACK) == 1
    assert d.value_of("has_rut", visit("a", "2025-02-01", answers={}), ACK) is None


def test_an_indicator_nothing_feeds_has_no_value():
    assert d.value_of("jobs_formal", visit("a", "2025-02-01", employees=3), {}) is None


def test_medians_and_totals():
    assert d.median([5, 1, 3]) == 3
    assert d.median([4, 1, 3, 10]) == 3.5
    assert d.median([2, 4]) == 3 and isinstance(d.median([2, 4]), int)
    assert d.median([2, 6]) == 4 and isinstance(d.median([2, 6]), int)  # whole people stay whole numbers
    assert d.median([]) is None and d.total([]) is None
    assert d.total([1_000_000, 2_500_000]) == 3_500_000


def test_direction():
    assert [d.direction(x) for x in (2, -1, 0, None)] == ["improved", "worsened", "unchanged", None]
    assert [d.direction(x) for x in (1, 0.5)] == ["improved", "improved"]  # no → yes; half a unit more


def test_cohort_filter_is_the_enrolment_window():
    """A cohort is the Mipymes enrolled in a window; each one's baseline still starts at its own day."""
    cohort = [(date(2025, 1, 10), [visit("a", "2025-01-20", employees=2), visit("b", "2025-05-01", employees=3)]),
              (date(2025, 3, 5), [visit("c", "2025-03-06", employees=1), visit("e", "2025-06-01", employees=1)])]
    changes = [d.change(*ends("jobs_total", visits, enrolled=day)) for day, visits in cohort
               if date(2025, 1, 1) <= day <= date(2025, 1, 31)]
    assert changes == [1]


def test_macro_sector_of_a_class():
    assert [d.macro_sector(c) for c in ("1081", "4711", "5611", "0111", "4321", None, "x")] == [
        "manufactura", "comercio", "servicios", "manufactura", "manufactura", None, None]


def test_annual_revenue_takes_each_months_latest_visit_in_365_days():
    sales = [(datetime(2024, 6, 1, 15, tzinfo=UTC), "a", 999),           # a day before the window
             (datetime(2025, 2, 1, 15, tzinfo=UTC), "b", 100),
             (datetime(2025, 2, 20, 15, tzinfo=UTC), "c", 200),          # February's latest
             (datetime(2025, 5, 1, 4, tzinfo=UTC), "d", 401)]            # 30 April in Bogotá
    assert d.annual_revenue(sales, date(2025, 6, 1), BOGOTA) == 12 * (200 + 401) / 2
    assert d.annual_revenue(sales, date(2025, 2, 10), BOGOTA) == 12 * (999 + 100) // 2  # June 2024 is in
    assert d.annual_revenue([], date(2025, 2, 10), BOGOTA) is None


def test_annual_revenue_counts_months_and_the_window_in_the_programmes_zone():
    # 1 May 04:00 UTC is still 30 April in Bogotá: April's latest, not a month of its own.
    sales = [(datetime(2025, 4, 20, 15, tzinfo=UTC), "a", 300), (datetime(2025, 5, 1, 4, tzinfo=UTC), "b", 401)]
    assert d.annual_revenue(sales, date(2025, 6, 1), BOGOTA) == 12 * 401
    # The window's first day (364 days before the day asked) is inside it.
    first_day = [(datetime(2024, 6, 2, 15, tzinfo=UTC), "c", 100)]
    assert d.annual_revenue(first_day, date(2025, 6, 1), BOGOTA) == 1200


@pytest.mark.parametrize(("macro", "revenue", "day", "band", "year"), [
    ("manufactura", 23_563 * 49_799, date(2025, 6, 1), "micro", 2025),      # the limit itself is micro
    ("manufactura", 23_563 * 49_799 + 1, date(2025, 6, 1), "pequena", 2025),
    ("comercio", 23_563 * 49_799 + 1, date(2025, 6, 1), "micro", 2025),     # commerce's limit is higher
    ("servicios", 483_034 * 52_374 + 1, date(2026, 6, 1), "grande", 2026),
    ("servicios", 100, date(2030, 6, 1), "micro", 2026),                    # next year not added yet
    (None, 100, date(2025, 6, 1), "unknown", 2025),
    ("comercio", None, date(2025, 6, 1), "unknown", 2025),
])
def test_size_band_by_decree_957(macro, revenue, day, band, year):
    assert d.size_band(macro, revenue, day, UVT) == {"band": band, "annual_revenue_cop": revenue, "uvt_year": year}


def test_no_uvt_before_the_table():
    assert d.size_band("comercio", 100, date(2020, 1, 1), UVT)["band"] == "unknown"


# --- What a mutation run of definitions.py showed unpinned (tests/README.md, "Mutation testing") ----------

def test_annual_revenue_of_months_that_do_not_divide_evenly_keeps_its_fraction():
    """12 × 501 / 5 months is 1202.4 pesos, neither floored nor multiplied; an even mean stays a whole number."""
    five_months = [(datetime(2025, month, 10, 15, tzinfo=UTC), f"v{month}", 101 if month == 5 else 100)
                   for month in range(1, 6)]
    assert d.annual_revenue(five_months, date(2025, 6, 1), BOGOTA) == 1202.4
    two_months = [(datetime(2025, 4, 10, 15, tzinfo=UTC), "a", 200), (datetime(2025, 5, 10, 15, tzinfo=UTC), "b", 401)]
    revenue = d.annual_revenue(two_months, date(2025, 6, 1), BOGOTA)
    assert revenue == 3606 and isinstance(revenue, int)  # the API shows 3606, not 3606.0


def test_whole_figures_are_shown_as_whole_numbers_pesos_included():
    """SQL's sums and medians come back as floats; the API shows a whole number of pesos or people without `.0`."""
    for value in (3_500_000.0, 4.0, 1.0):
        assert d.plain(value) == int(value) and isinstance(d.plain(value), int)
    assert d.plain(1_500_000.5) == 1_500_000.5


def test_a_calculates_figure_up_to_ten_to_the_fifteen_counts():
    """A calculate's string is read up to MAX_FIGURE itself (the answers' own bound), and whole pesos stay whole."""
    calculated = {"sales_month_cop": d.Feed("ventas_calc", "calculate")}
    for written, value in (("1000000000000000", 10**15), ("-1000000000000000", -(10**15)), ("1500000", 1_500_000),
                           ("1000000000000001", None), ("1e3", None), ("", None)):
        got = d.value_of("sales_month_cop", visit("a", "2025-02-01", answers={"ventas_calc": written}), calculated)
        assert got == value and type(got) is type(value), written


def test_a_stored_true_or_false_is_no_figure():
    """A JSON true in a number question (stored before today's type checks) is not one person."""
    people = {"jobs_total": d.Feed("personas", "integer")}
    for answer in (True, False):
        assert d.value_of("jobs_total", visit("a", "2025-02-01", answers={"personas": answer}), people) is None


def test_only_ok_acknowledges():
    for answer in ("", "no", "ok "):
        assert d.value_of("has_rut", visit("a", "2025-02-01", answers={"rut_ok": answer}), ACK) is None


def test_a_version_without_questions_feeds_nothing():
    """A stored definition without its questions (or none at all) gives results nothing, rather than a 500."""
    assert d.feeds_of({}) == {} and d.feeds_of(None) == {}
