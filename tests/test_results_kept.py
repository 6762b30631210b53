"""The kept results rows, the verification counts kept in the summary rows, and `programme_results`
always equal a direct recomputation from the visits with the pure definitions
(fieldwork/results/definitions.py), whatever sequence of syncs, edits, reviews, owner answers,
resolutions and visits filled in a form version that feeds indicators produced them (SQLite and
PostgreSQL); an edit's statements do not grow with the Mipyme's history."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, text

from fieldwork.clock import programme_zone
from fieldwork.extensions import db
from fieldwork.models import (
    AuditEntry,
    FormVersion,
    Mipyme,
    MipymeSummaryRow,
    OfficerAnswerRow,
    ReviewEvent,
    Visit,
    VisitRevision,
)
from fieldwork.models.programme import MipymeResultRow
from fieldwork.results import definitions as d
from fieldwork.results import kept, queries
from fieldwork.results.catalogue import BY_CODE, CODES
from fieldwork.results.service import ResultFilters, programme_results
from fieldwork.results.tables import FOLLOW_UPS, MONTHLY_SALES
from fieldwork.visits.sync_service import sync_and_commit
from fieldwork.web.device import is_verified_answer
from tests.builders import load_migration, make_mipyme, make_user, make_visit, store_visits, visit_payload
from tests.test_query_count import counting_statements
from tests.test_results_api import seed_uvt
from tests.test_summary import NOW, PHONES, SPEAKERS, World, content

FOREVER = date(2100, 1, 1)
DEFINITION = {"questions": [
    {"name": "rut", "type": "select_one", "indicator": "has_rut", "label": {"es": "RUT", "en": "RUT"},
     "required": False, "choices": [{"name": "Sí", "label": {}}, {"name": "no", "label": {}}]},
    {"name": "ventas", "type": "decimal", "indicator": "sales_month_cop", "label": {}, "required": False},
    {"name": "unidades", "type": "calculate", "indicator": "units_month", "label": {}, "required": False},
    {"name": "formales", "type": "calculate", "indicator": "jobs_formal", "label": {}, "required": False},
]}
#: What a calculate may have stored: numbers as XPath writes them, and strings that read as no figure (empty,
#: NaN, text, an exponent, spaces, leading zeros, past the bound, a fraction of a whole indicator, not a string).
calculated = st.sampled_from(["7800000", "12.5", "-3", "0", "12.0", "0.30000000000000004", "1000000000000000",
                              "", "NaN", "Infinity", "doce", "1e5", " 12", "12\n", "007", "1000000000000001",
                              "99999999999999999", "0." + "0" * 300 + "1", 4])
form_answers = st.fixed_dictionaries({}, optional={"rut": st.sampled_from(["Sí", "no"]),
                                                   "ventas": st.sampled_from([0, 1.5, 2_000_000, 10**9]),
                                                   "unidades": calculated, "formales": calculated})
new_visit = st.one_of(st.tuples(st.just("sync"), content, st.sampled_from(PHONES)),
                      st.tuples(st.just("form"), content, form_answers))
# Mostly new visits (several businesses with a change make medians of odd and even counts), then what
# changes whether they count.
results_operations = st.lists(st.one_of(
    new_visit, new_visit, new_visit,
    st.tuples(st.just("edit"), st.integers(0, 20), content, st.sampled_from(PHONES)),
    st.tuples(st.just("review"), st.integers(0, 20), st.sampled_from(["approved", "returned"])),
    st.tuples(st.just("answer"), st.integers(0, 20), st.sampled_from(["confirmed", "disputed"]),
              st.sampled_from(SPEAKERS)),
    st.tuples(st.just("resolve"), st.integers(0, 20), st.sampled_from(["owner_right", "record_stands"])),
), min_size=4, max_size=14)


class ResultsWorld(World):
    """test_summary's programme, its Mipymes in three macro-sectors, with a form version that feeds
    has_rut and sales_month_cop from questions, units_month and jobs_formal from calculates (its visits
    stored by hand, as a restored backup would hold them)."""

    def __init__(self) -> None:
        super().__init__()
        for mipyme, ciiu in zip(self.mipymes, ("1081", "4711", "5611"), strict=True):
            mipyme.ciiu = ciiu
        seed_uvt()
        self.version = FormVersion(form_id="f", version=str(uuid.uuid4()), title="f", filename="f.xlsx",
                                   original_file=b"", definition=DEFINITION, uploaded_by_id=self.supervisor.id)
        db.session.add(self.version)
        db.session.commit()

    def apply(self, operation: tuple[Any, ...]) -> None:
        if operation[0] != "form":
            return super().apply(operation)
        fields, answers = operation[1], operation[2]
        mipyme = self.mipymes[fields["mipyme"]]
        visit = Visit(id=str(uuid.uuid4()), mipyme_id=mipyme.id, officer_id=mipyme.officer_id,
                      visited_at=fields["visited_at"], topics=["produccion"], content_hash="0" * 64, revision=1,
                      monthly_sales_cop=fields["monthly_sales_cop"], employees=fields["employees"],
                      form_version_id=self.version.id, answers=answers)
        store_visits([visit])
        self.visits.append((visit.id, 1))
        return None


def _feeds() -> dict[int, dict[str, d.Feed]]:
    return {v.id: d.feeds_of(v.definition) for v in db.session.scalars(select(FormVersion))}


def reference_ends(as_of: date) -> dict[tuple[int, str], tuple[Any, ...]]:
    feeds, zone, found = _feeds(), programme_zone(), {}
    for mipyme in db.session.scalars(select(Mipyme)):
        visits = db.session.scalars(select(Visit).where(Visit.mipyme_id == mipyme.id)).all()
        for code in CODES:
            baseline, latest = d.ends(code, visits, feeds, mipyme.enrolled_on, as_of, zone=zone)
            if baseline is not None:
                found[(mipyme.id, code)] = (baseline.visit_id, baseline.at, baseline.value,
                                            latest.visit_id, latest.at, latest.value)
    return found


def kept_ends() -> dict[tuple[int, str], tuple[Any, ...]]:
    return {(r.mipyme_id, r.code): (r.baseline_visit_id, r.baseline_at, r.baseline_value, r.latest_visit_id,
                                    r.latest_at, r.latest_value) for r in db.session.scalars(select(MipymeResultRow))}


def reference_results(as_of: date) -> dict[str, Any]:
    """programme_results' numbers, from the visits with the pure definitions alone."""
    feeds, zone, uvt = _feeds(), programme_zone(), queries.uvt_table()
    mipymes = [m for m in db.session.scalars(select(Mipyme)) if m.enrolled_on <= as_of]
    ends = reference_ends(as_of)
    indicators = []
    for code in CODES:
        pairs = [(e[2], e[5]) for (mid, c), e in ends.items() if c == code and e[0] != e[3]
                 and mid in {m.id for m in mipymes}]
        entry = {"code": code, "businesses_with_change": len(pairs),
                 "improved": sum(now > b for b, now in pairs), "worsened": sum(now < b for b, now in pairs),
                 "unchanged": sum(now == b for b, now in pairs)}
        if BY_CODE[code].kind == "yes_no":
            entry |= {"baseline_yes": d.total(b for b, _ in pairs), "latest_yes": d.total(now for _, now in pairs)}
        else:
            before, after = [b for b, _ in pairs], [now for _, now in pairs]
            entry |= {"baseline_total": d.total(before), "latest_total": d.total(after),
                      "baseline_median": d.median(before), "latest_median": d.median(after)}
        indicators.append(entry)
    counted = [v for v in db.session.scalars(select(Visit)) if d.counts(v)
               and v.visited_at.astimezone(zone).date() <= as_of and v.mipyme_id in {m.id for m in mipymes}]
    due = [v for v in counted if v.follow_up_due is not None and v.follow_up_due <= as_of]
    met = [v for v in due if any(w.mipyme_id == v.mipyme_id and w.visited_at > v.visited_at
                                 and w.visited_at.astimezone(zone).date() <= v.follow_up_due for w in counted)]
    bands = {"baseline": dict.fromkeys(("micro", "pequena", "mediana", "grande"), 0), "moved_up": 0, "moved_down": 0}
    bands["latest"] = dict(bands["baseline"])
    order = list(bands["baseline"])
    for mipyme in mipymes:
        sales = ends.get((mipyme.id, "sales_month_cop"))
        if sales is None:
            continue
        macro = d.macro_sector(mipyme.ciiu)
        before = d.size_band(macro, 12 * sales[2], sales[1].astimezone(zone).date(), uvt)["band"]
        monthly = [(v.visited_at, v.id, d.value_of("sales_month_cop", v, feeds.get(v.form_version_id, {})))
                   for v in counted if v.mipyme_id == mipyme.id]
        now = d.size_band(macro, d.annual_revenue(monthly, as_of, zone), as_of, uvt)["band"]
        if "unknown" not in (before, now):
            bands["baseline"][before] += 1
            bands["latest"][now] += 1
            step = order.index(now) - order.index(before)
            bands["moved_up"] += step > 0
            bands["moved_down"] += step < 0
    return {
        "businesses": {"enrolled": len(mipymes), "visited": len({v.mipyme_id for v in counted}),
                       "with_change": len({mid for (mid, _), e in ends.items() if e[0] != e[3]
                                           and mid in {m.id for m in mipymes}})},
        "indicators": indicators, "size_bands": bands,
        "verification": {"counting_visits": len(counted),
                         "owner_confirmed": sum(v.owner_confirmation == "confirmed" for v in counted),
                         "independent_confirmations": sum(v.owner_confirmation == "confirmed"
                                                          and is_verified_answer(v) for v in counted),
                         "disputed": sum(v.owner_confirmation == "disputed" for v in counted),
                         "open_disputes": sum(v.owner_confirmation == "disputed" and v.dispute_resolved_at is None
                                              and v.visited_at.astimezone(zone).date() <= as_of
                                              and v.mipyme_id in {m.id for m in mipymes}
                                              for v in db.session.scalars(select(Visit))),
                         "follow_ups_on_time_pct": round(100 * len(met) / len(due), 1) if due else None},
    }


def reference_follow_ups() -> dict[str, tuple[Any, ...]]:
    """Each counting visit with a follow-up: its Mipyme, when, the day due, and its Mipyme's next
    counting visit (None: none yet)."""
    counted = [v for v in db.session.scalars(select(Visit)) if d.counts(v)]
    return {v.id: (v.mipyme_id, v.visited_at, v.follow_up_due,
                   min((w.visited_at for w in counted if w.mipyme_id == v.mipyme_id and w.visited_at > v.visited_at),
                       default=None)) for v in counted if v.follow_up_due is not None}


def kept_follow_ups() -> dict[str, tuple[Any, ...]]:
    return {r.visit_id: (r.mipyme_id, r.visited_at, r.due, r.next_counting_at)
            for r in db.session.execute(select(FOLLOW_UPS))}


def reference_monthly_sales() -> dict[tuple[int, date], tuple[Any, ...]]:
    """Each Mipyme's latest counting visit that reports sales, per month of the programme zone."""
    feeds, zone, found = _feeds(), programme_zone(), {}
    for v in sorted(db.session.scalars(select(Visit)), key=lambda v: (v.visited_at, v.id)):
        value = d.value_of("sales_month_cop", v, feeds.get(v.form_version_id, {}))
        if d.counts(v) and value is not None:
            found[(v.mipyme_id, v.visited_at.astimezone(zone).date().replace(day=1))] = (v.id, v.visited_at, value)
    return found


def kept_monthly_sales() -> dict[tuple[int, date], tuple[Any, ...]]:
    return {(r.mipyme_id, r.month): (r.visit_id, r.visited_at, r.value)
            for r in db.session.execute(select(MONTHLY_SALES))}


def _comparable(results: dict[str, Any]) -> dict[str, Any]:
    businesses = results["businesses"]
    return {"businesses": {k: businesses[k] for k in ("enrolled", "visited", "with_change")},
            "indicators": [{k: v for k, v in i.items() if k != "label"} for i in results["indicators"]],
            "size_bands": results["size_bands"],
            "verification": results["verification"]}


def reference_verification() -> dict[int, tuple[int, int, int, int]]:
    """Each visited Mipyme's verification counts (all its counting visits, whatever their day), from the
    visits with the pure definitions: counting, confirmed, confirmed independently, disputed."""
    found: dict[int, list[int]] = {}
    for v in db.session.scalars(select(Visit)):
        counts = found.setdefault(v.mipyme_id, [0, 0, 0, 0])
        if d.counts(v):
            confirmed = v.owner_confirmation == "confirmed"
            for i, said in enumerate((True, confirmed, confirmed and is_verified_answer(v),
                                      v.owner_confirmation == "disputed")):
                counts[i] += said
    return {mipyme_id: tuple(counts) for mipyme_id, counts in found.items()}


def kept_verification() -> dict[int, tuple[int, int, int, int]]:
    s = MipymeSummaryRow
    return {r[0]: tuple(r[1:]) for r in db.session.execute(select(
        s.mipyme_id, s.counting_visits, s.counting_confirmed, s.counting_independent, s.counting_disputed))}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=results_operations)
def test_kept_rows_and_results_equal_the_definitions_over_the_visits(app, steps):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    with app.test_request_context():
        for model in (AuditEntry, VisitRevision, ReviewEvent, MipymeResultRow, FOLLOW_UPS, MONTHLY_SALES,
                      MipymeSummaryRow, OfficerAnswerRow, Visit, FormVersion):
            db.session.execute(delete(model))
        db.session.commit()
        world = ResultsWorld()
        for step in steps:
            world.apply(step)
            assert kept_ends() == reference_ends(FOREVER), step
            assert kept_verification() == reference_verification(), step
            assert kept_follow_ups() == reference_follow_ups(), step
            assert kept_monthly_sales() == reference_monthly_sales(), step
        today = NOW.astimezone(programme_zone()).date()
        # The day before today splits March (the kept month and kept latest come after it); 40 days back is
        # a visit's own day.
        for as_of in (today, today - timedelta(days=1), today - timedelta(days=10), today - timedelta(days=40)):
            assert _comparable(programme_results(ResultFilters(as_of=as_of))) == reference_results(as_of), as_of
        assert kept.rebuild(db.session.connection()) == len(kept_ends())
        assert kept_ends() == reference_ends(FOREVER)
        assert kept_follow_ups() == reference_follow_ups()
        assert kept_monthly_sales() == reference_monthly_sales()


def _edit_statements(app, history: int) -> list[str]:
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    with app.test_request_context():
        officer = make_user("officer")
        mipyme = make_mipyme(officer, enrolled_on=(NOW - timedelta(days=900)).date())
        rows = [{"id": str(uuid.uuid4()), "mipyme_id": mipyme.id, "officer_id": officer.id,
                 "visited_at": NOW - timedelta(days=400, minutes=i), "topics": ["produccion"],
                 "content_hash": "0" * 64, "revision": 1, "employees": i % 7} for i in range(history)]
        db.session.execute(insert(Visit), rows)
        kept.rebuild(db.session.connection())
        db.session.commit()
        sent = [visit_payload(mipyme.id, visited_at=(NOW - timedelta(hours=2, minutes=i)).isoformat(), employees=i)
                for i in range(5)]
        sync_and_commit(officer, sent, via="api")
        with counting_statements() as statements:
            sync_and_commit(officer, [{**v, "employees": v["employees"] + 1, "revision": 2} for v in sent], via="api")
        row = db.session.get(MipymeResultRow, (mipyme.id, "jobs_total"))
        # The oldest visit of the history, and the newest edit.
        assert (row.baseline_value, row.latest_value) == ((history - 1) % 7, 1)
        return statements


def test_an_edits_results_upkeep_costs_the_same_at_20_and_at_2000_visits_of_history(app):
    assert len(_edit_statements(app, 20)) == len(_edit_statements(app, 2000))



def test_migration_0014_fills_the_rows_the_app_keeps(app):
    """Its hand-written SQL agrees with kept.py on built-in figures (returned, disputed and resolved
    visits, ties of time broken by id)."""
    officer = make_user("officer")
    first, second = make_mipyme(officer), make_mipyme(officer)
    for i, (review, answer) in enumerate([("approved", "confirmed"), ("returned", "pending"),
                                          ("submitted", "disputed"), ("submitted", "pending")]):
        make_visit(first, visited_at=NOW - timedelta(days=3 - i), employees=i, monthly_sales_cop=10 * i,
                   review_status=review, owner_confirmation=answer)
    make_visit(second, visited_at=NOW - timedelta(days=1), production_units=7)
    make_visit(second, visited_at=NOW - timedelta(days=1), production_units=9)
    expected = kept_ends()
    assert expected[(first.id, "jobs_total")][2::3] == (0, 3)
    db.session.execute(delete(MipymeResultRow))
    db.session.execute(text(load_migration("0014_results_rows").FILL))
    db.session.commit()
    assert kept_ends() == expected
