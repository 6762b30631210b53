"""`GET /api/v1/results` end to end (API.md, "Programme results"): who may ask, bad filters, and the
numbers of a small programme computed by hand; `mipyme_rows` and `size_bands` on the same programme."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete

from fieldwork.extensions import db
from fieldwork.models import FormVersion
from fieldwork.models.programme import UvtValue
from fieldwork.results.service import ResultFilters, mipyme_rows, size_bands
from tests.builders import load_migration, make_mipyme, make_user, make_visit
from tests.conftest import login

NOW = datetime(2025, 6, 20, 15, tzinfo=UTC)
RUT = {"questions": [
    {"name": "rut", "type": "select_one", "indicator": "has_rut", "label": {}, "required": False,
     "choices": [{"name": "si", "label": {}}, {"name": "no", "label": {}}]},
    {"name": "formales", "type": "integer", "indicator": "jobs_formal", "label": {}, "required": False}]}


def seed_uvt() -> None:
    """The years migration 0013 seeds (the tests empty every table between tests)."""
    db.session.execute(delete(UvtValue))
    db.session.add_all([UvtValue(year=y, value_cop=v) for y, v in load_migration("0013_programme_results").UVT.items()])
    db.session.commit()


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T15:00:00+00:00")


@pytest.fixture
def programme(app):
    """Four Mipymes (hand-computed below):
    A (comercio, 4711): sales 1.000.000 → 1.500.000, RUT no → sí (the form, second visit), jobs 2 → 3;
    B (manufactura, 1081): sales 2.000.000 → 1.000.000 (its later 9.000.000 visit was returned);
    C (servicios, 5611, enrolled in March): sales 500.000 only once (a baseline, no change); an open
      dispute on its second visit;
    D (comercio, graduated): sales 100 → 300, jobs 4 → 4.
    """
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    seed_uvt()
    officer, other = make_user("officer"), make_user("officer")
    supervisor = make_user("supervisor")
    version = FormVersion(form_id="f", version=str(uuid.uuid4()), title="f", filename="f.xlsx", original_file=b"",
                          definition=RUT, uploaded_by_id=supervisor.id)
    db.session.add(version)
    db.session.commit()
    a = make_mipyme(officer, name="A", ciiu="4711", enrolled_on=date(2025, 1, 1), sector="comercio")
    b = make_mipyme(officer, name="B", ciiu="1081", enrolled_on=date(2025, 1, 1), sector="alimentos")
    c = make_mipyme(other, name="C", ciiu="5611", enrolled_on=date(2025, 3, 1), sector="turismo")
    d = make_mipyme(other, name="D", ciiu="4711", enrolled_on=date(2025, 1, 1), sector="comercio",
                    status="graduated")
    make_visit(a, visited_at=at("2025-01-10"), monthly_sales_cop=1_000_000, employees=2,
               form_version_id=version.id, answers={"rut": "no"}, follow_up_due=date(2025, 2, 10),
               owner_confirmation="confirmed", confirmed_via="account")
    make_visit(a, visited_at=at("2025-02-05"), monthly_sales_cop=1_500_000, employees=3,
               form_version_id=version.id, answers={"rut": "si", "formales": 1}, review_status="approved")
    make_visit(b, visited_at=at("2025-01-15"), monthly_sales_cop=2_000_000, follow_up_due=date(2025, 2, 1))
    make_visit(b, visited_at=at("2025-04-15"), monthly_sales_cop=1_000_000)
    make_visit(b, visited_at=at("2025-05-15"), monthly_sales_cop=9_000_000, review_status="returned")
    make_visit(c, visited_at=at("2025-03-02"), monthly_sales_cop=500_000, owner_confirmation="confirmed",
               confirmed_via="link")
    make_visit(c, visited_at=at("2025-04-02"), monthly_sales_cop=700_000, owner_confirmation="disputed")
    make_visit(d, visited_at=at("2025-01-20"), monthly_sales_cop=100, employees=4)
    make_visit(d, visited_at=at("2025-05-20"), monthly_sales_cop=300, employees=4)
    return {"a": a, "b": b, "c": c, "d": d, "officer": officer, "other": other, "supervisor": supervisor}


def results(client, **filters):
    response = client.get("/api/v1/results", query_string=filters)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def indicator(body, code):
    return next(i for i in body["indicators"] if i["code"] == code)


@pytest.mark.parametrize("role", ["officer", "owner"])
def test_only_supervisors_and_admins_see_results(app, client, role):
    mipyme = make_mipyme(make_user("officer"))
    login(client, make_user(role, mipyme=mipyme if role == "owner" else None))
    assert client.get("/api/v1/results").status_code == 403


def test_no_session_is_401_json(client):
    response = client.get("/api/v1/results")
    assert response.status_code == 401 and response.is_json


@pytest.mark.parametrize(("query", "field"), [
    ({"as_of": "ayer"}, "as_of"), ({"status": "feliz"}, "status"), ({"macro_sector": "minería"}, "macro_sector"),
    ({"officer_id": "x"}, "officer_id"), ({"sector": "z"}, "sector"),
    ({"enrolled_from": "2025-03-01", "enrolled_to": "2025-01-01"}, "enrolled_to"),
])
def test_a_bad_filter_is_400_with_a_spanish_message_beside_it(client, query, field):
    login(client, make_user("admin"))
    response = client.get("/api/v1/results", query_string=query)
    assert response.status_code == 400
    messages = response.get_json()["errors"][field]
    assert messages and not any("Not a valid" in m or "Must be" in m for m in messages), messages


def test_the_programme_computed_by_hand(client, programme):
    login(client, programme["supervisor"])
    body = results(client)
    assert body["as_of"] == "2025-06-20"
    assert body["businesses"] == {"enrolled": 4, "active": 3, "visited": 4, "with_change": 3, "by_status": {
        "active": 3, "graduated": 1, "closed": 0, "withdrawn": 0, "moved": 0}}
    assert [i["code"] for i in body["indicators"]][:3] == ["sales_month_cop", "units_month", "jobs_total"]
    assert len(body["indicators"]) == 10
    sales = indicator(body, "sales_month_cop")
    assert sales == {"code": "sales_month_cop", "label": "Ventas del mes (pesos)", "businesses_with_change": 3,
                     "baseline_total": 3_000_100, "latest_total": 2_500_300,
                     "baseline_median": 1_000_000, "latest_median": 1_000_000,
                     "improved": 2, "worsened": 1, "unchanged": 0}
    jobs = indicator(body, "jobs_total")
    assert (jobs["baseline_median"], jobs["latest_median"], jobs["improved"], jobs["unchanged"]) == (3, 3.5, 1, 1)
    assert isinstance(jobs["baseline_total"], int) and jobs["baseline_total"] == 6
    rut = indicator(body, "has_rut")
    assert (rut["businesses_with_change"], rut["baseline_yes"], rut["latest_yes"], rut["improved"]) == (1, 0, 1, 1)
    assert "baseline_total" not in rut
    formal = indicator(body, "jobs_formal")  # answered once: no change, nothing to total
    assert (formal["businesses_with_change"], formal["baseline_total"], formal["latest_median"]) == (0, None, None)
    units = indicator(body, "units_month")
    assert (units["businesses_with_change"], units["baseline_total"]) == (0, None)
    # Counting visits: A 2, B 2, C 1, D 2; A's first confirmed from the account (independent), C's by link.
    # Follow-ups due by today: A's (met on 5 Feb) and B's (due 1 Feb, next visit in April): 50 %.
    # C's April visit, disputed and not resolved, does not count: it is the one open dispute.
    assert body["verification"] == {"counting_visits": 7, "owner_confirmed": 2, "independent_confirmations": 1,
                                    "disputed": 0, "open_disputes": 1, "follow_ups_on_time_pct": 50.0}
    # Sales bands: all micro (B's 1.000.000 × 12 is far below manufactura's 23.563 UVT).
    assert body["size_bands"] == {"baseline": {"micro": 4, "pequena": 0, "mediana": 0, "grande": 0},
                                  "latest": {"micro": 4, "pequena": 0, "mediana": 0, "grande": 0},
                                  "moved_up": 0, "moved_down": 0}


def test_filters_and_a_past_day(client, programme):
    login(client, programme["supervisor"])
    assert results(client, macro_sector="comercio")["businesses"]["enrolled"] == 2
    assert results(client, status="graduated")["businesses"]["enrolled"] == 1
    assert results(client, officer_id=programme["other"].id)["businesses"]["enrolled"] == 2
    assert results(client, sector="alimentos", macro_sector="comercio")["businesses"]["enrolled"] == 0
    cohort = results(client, enrolled_from="2025-02-01", enrolled_to="2025-12-31")
    assert (cohort["businesses"]["enrolled"], cohort["businesses"]["with_change"]) == (1, 0)
    # On 28 February: C was not enrolled yet; B's April visit and D's May visit had not happened.
    march = results(client, as_of="2025-02-28")
    assert (march["businesses"]["enrolled"], march["businesses"]["with_change"]) == (3, 1)
    sales = indicator(march, "sales_month_cop")
    assert (sales["baseline_total"], sales["latest_total"]) == (1_000_000, 1_500_000)
    assert march["verification"]["follow_ups_on_time_pct"] == 50.0
    nobody = results(client, neighborhood="Ninguno")
    assert nobody["businesses"]["enrolled"] == 0 and indicator(nobody, "sales_month_cop")["baseline_median"] is None


def test_admin_sees_the_same(client, programme):
    login(client, make_user("admin"))
    assert results(client)["businesses"]["with_change"] == 3


def test_mipyme_rows_and_size_bands(app, programme):
    with app.test_request_context():
        rows = list(mipyme_rows(ResultFilters()))
        assert [r["name"] for r in rows] == ["A", "B", "C", "D"]
        a = rows[0]
        assert (a["macro_sector"], a["officer_name"], a["enrolled_on"]) == ("comercio", programme["officer"].name,
                                                                          date(2025, 1, 1))
        assert a["indicators"]["sales_month_cop"] == {"baseline": 1_000_000, "latest": 1_500_000,
                                                      "baseline_on": date(2025, 1, 10),
                                                      "latest_on": date(2025, 2, 5), "change": 500_000}
        assert a["indicators"]["has_rut"]["change"] == 1
        assert rows[2]["indicators"]["sales_month_cop"]["change"] is None  # C: only a baseline
        assert a["size_band"]["baseline"] == {"band": "micro", "annual_revenue_cop": 12_000_000, "uvt_year": 2025}
        # A's months in the 365 days to 20 June: January 1.000.000, February 1.500.000.
        assert a["size_band"]["latest"]["annual_revenue_cop"] == 15_000_000
        assert [r["id"] for r in mipyme_rows(ResultFilters(), after_id=a["id"], limit=2)] == [
            programme["b"].id, programme["c"].id]
        bands = size_bands([programme["b"].id], date(2025, 6, 20))
        assert bands == {programme["b"].id: {"band": "micro", "annual_revenue_cop": 18_000_000, "uvt_year": 2025}}
