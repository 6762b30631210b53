"""The follow-up flags of API.md, checked through GET /api/v1/mipymes with a pinned clock."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldwork.mipymes.flags import FlagDay, days_overdue
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login

BOGOTA = ZoneInfo("America/Bogota")
# "Today" in these tests: Monday 31 March 2025, noon in Bogotá (17:00 UTC).
NOW = datetime(2025, 3, 31, 12, 0, tzinfo=BOGOTA)


def bogota(*args: int) -> datetime:
    return datetime(*args, tzinfo=BOGOTA)


@pytest.fixture
def pinned(app):
    """Pin the app's clock; returns a setter to move it."""

    def pin(moment: datetime) -> None:
        app.config["FIELDWORK_CLOCK"] = lambda: moment

    pin(NOW)
    return pin


@pytest.fixture
def supervisor_client(client, app):
    login(client, make_user("supervisor"))
    return client


@pytest.fixture
def officer(app):
    return make_user("officer")


def flags_of(client, mipyme) -> list[str]:
    response = client.get(f"/api/v1/mipymes/{mipyme.id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["flags"]


def test_a_mipyme_without_visits_is_never_visited(pinned, supervisor_client, officer):
    mipyme = make_mipyme(officer)
    assert flags_of(supervisor_client, mipyme) == ["never_visited"]


def test_a_recent_visit_without_follow_up_raises_no_flag(pinned, supervisor_client, officer):
    mipyme = make_mipyme(officer)
    make_visit(mipyme, visited_at=bogota(2025, 3, 20, 10))
    assert flags_of(supervisor_client, mipyme) == []


def test_a_visit_at_2330_bogota_counts_for_that_local_day(pinned, supervisor_client, officer):
    # Cadence 30: 1 March is exactly 30 days before 31 March (not "more than"), 28 February is 31.
    # Both visits fall on the next day in UTC, so a UTC day count would get both wrong.
    on_the_edge = make_mipyme(officer)
    make_visit(on_the_edge, visited_at=bogota(2025, 3, 1, 23, 30))
    one_day_over = make_mipyme(officer)
    make_visit(one_day_over, visited_at=bogota(2025, 2, 28, 23, 30))
    assert flags_of(supervisor_client, on_the_edge) == []
    assert flags_of(supervisor_client, one_day_over) == ["no_recent_visit"]


def test_a_follow_up_due_today_is_not_overdue_until_local_midnight(pinned, supervisor_client, officer):
    mipyme = make_mipyme(officer)
    make_visit(mipyme, visited_at=bogota(2025, 3, 10, 9), follow_up_due=date(2025, 3, 31))
    pinned(bogota(2025, 3, 31, 23, 30))  # already 1 April in UTC
    assert flags_of(supervisor_client, mipyme) == []
    pinned(bogota(2025, 4, 1, 0, 5))
    assert flags_of(supervisor_client, mipyme) == ["follow_up_overdue"]


def test_a_later_visit_satisfies_an_earlier_follow_up(pinned, supervisor_client, officer):
    mipyme = make_mipyme(officer)
    make_visit(mipyme, visited_at=bogota(2025, 3, 1, 9), follow_up_due=date(2025, 3, 15))
    assert flags_of(supervisor_client, mipyme) == ["follow_up_overdue"]
    make_visit(mipyme, visited_at=bogota(2025, 3, 20, 9))
    assert flags_of(supervisor_client, mipyme) == []


def test_the_latest_visit_is_the_latest_visited_not_the_latest_received(pinned, supervisor_client, officer):
    # A phone that was offline for weeks sends an older visit after a newer one.
    mipyme = make_mipyme(officer)
    make_visit(mipyme, visited_at=bogota(2025, 3, 25, 9))
    make_visit(mipyme, visited_at=bogota(2025, 3, 1, 9), follow_up_due=date(2025, 3, 10),
               received_at=datetime(2025, 3, 30, tzinfo=UTC))
    assert flags_of(supervisor_client, mipyme) == []


@pytest.mark.parametrize(
    ("follow_up_due", "expected"),
    [
        (None, ["no_recent_visit"]),
        (date(2025, 3, 30), ["follow_up_overdue", "no_recent_visit"]),
        (date(2025, 3, 31), []),  # due today: still pending, suppresses no_recent_visit
        (date(2025, 4, 20), []),
    ],
)
def test_a_scheduled_follow_up_suppresses_no_recent_visit(  # noqa: PLR0917 (pytest fixtures)
        pinned, supervisor_client, officer,
                                                          follow_up_due, expected):
    mipyme = make_mipyme(officer)
    make_visit(mipyme, visited_at=bogota(2025, 1, 10, 9), follow_up_due=follow_up_due)
    assert flags_of(supervisor_client, mipyme) == expected


@pytest.mark.parametrize(("days_ago", "flagged"), [(6, False), (7, False), (8, True)])
def test_the_cadence_comes_from_the_setting(app, pinned, supervisor_client, officer, days_ago, flagged):  # noqa: PLR0917
    app.config["FIELDWORK_FOLLOW_UP_DAYS"] = 7
    mipyme = make_mipyme(officer)
    make_visit(mipyme, visited_at=NOW - timedelta(days=days_ago))
    assert flags_of(supervisor_client, mipyme) == (["no_recent_visit"] if flagged else [])


def test_the_time_zone_comes_from_the_setting(app, pinned, supervisor_client, officer):
    # 20:00 on 31 March in Bogotá is already 1 April in Madrid: the follow-up is overdue there.
    mipyme = make_mipyme(officer)
    make_visit(mipyme, visited_at=bogota(2025, 3, 20, 9), follow_up_due=date(2025, 3, 31))
    pinned(bogota(2025, 3, 31, 20))
    assert flags_of(supervisor_client, mipyme) == []
    app.config["FIELDWORK_TIMEZONE"] = "Europe/Madrid"
    assert flags_of(supervisor_client, mipyme) == ["follow_up_overdue"]


@pytest.mark.parametrize(
    ("confirmation", "resolved", "flagged"),
    [("disputed", False, True), ("disputed", True, False), ("confirmed", False, False), ("pending", False, False)],
)
def test_an_unresolved_dispute_flags_the_mipyme(  # noqa: PLR0917 (pytest fixtures)
        pinned, supervisor_client, officer, confirmation, resolved, flagged):
    mipyme = make_mipyme(officer)
    make_visit(mipyme, visited_at=bogota(2025, 3, 1, 9), owner_confirmation=confirmation,
               dispute_resolved_at=datetime(2025, 3, 5, tzinfo=UTC) if resolved else None)
    make_visit(mipyme, visited_at=bogota(2025, 3, 28, 9))  # the dispute is on an older visit: still counts
    assert flags_of(supervisor_client, mipyme) == (["disputed"] if flagged else [])


def test_an_inactive_mipyme_is_not_listed_by_default(pinned, supervisor_client, officer):
    active = make_mipyme(officer, name="Activa")
    inactive = make_mipyme(officer, name="Cerrada", active=False)
    body = supervisor_client.get("/api/v1/mipymes").get_json()
    assert [item["id"] for item in body["items"]] == [active.id]
    assert body["total"] == 1
    body = supervisor_client.get("/api/v1/mipymes?include_inactive=true").get_json()
    assert {item["id"] for item in body["items"]} == {active.id, inactive.id}
    body = supervisor_client.get("/api/v1/mipymes?flag=never_visited").get_json()
    assert [item["id"] for item in body["items"]] == [active.id]


def test_filtering_by_flag_pages_and_counts_in_the_database(pinned, supervisor_client, officer):
    overdue = [make_mipyme(officer, name=f"Vencida {i}") for i in range(3)]
    for mipyme in overdue:
        make_visit(mipyme, visited_at=bogota(2025, 3, 1, 9), follow_up_due=date(2025, 3, 20))
    make_mipyme(officer, name="Nueva")
    body = supervisor_client.get("/api/v1/mipymes?flag=follow_up_overdue&per_page=2&page=2").get_json()
    assert body["total"] == 3
    assert [item["name"] for item in body["items"]] == ["Vencida 2"]


def test_an_unknown_flag_is_a_field_error(pinned, supervisor_client):
    response = supervisor_client.get("/api/v1/mipymes?flag=late")
    assert response.status_code == 400
    assert "flag" in response.get_json()["errors"]


# The same rules as plain functions, for the edges that need no database.

def test_flag_day_counts_days_in_the_given_zone():
    day = FlagDay.at(datetime(2025, 4, 1, 4, 30, tzinfo=UTC), BOGOTA, 30)
    assert day.today == date(2025, 3, 31)
    assert day.not_recent_before == datetime(2025, 3, 1, 5, 0, tzinfo=UTC)


def test_a_visit_exactly_the_cadence_ago_is_still_recent_and_a_second_earlier_is_not(pinned, supervisor_client,
                                                                                        officer):
    # "More than 30 days" counts local days: local midnight starting day today - 30 is still recent.
    boundary = FlagDay.at(NOW, BOGOTA, 30).not_recent_before
    on_the_edge, just_before = make_mipyme(officer), make_mipyme(officer)
    make_visit(on_the_edge, visited_at=boundary)
    make_visit(just_before, visited_at=boundary - timedelta(seconds=1))
    assert flags_of(supervisor_client, on_the_edge) == []
    assert flags_of(supervisor_client, just_before) == ["no_recent_visit"]


def test_days_overdue_is_zero_on_the_due_day_and_none_before():
    day = FlagDay.at(NOW, BOGOTA, 30)
    assert days_overdue(date(2025, 3, 28), day) == 3
    assert days_overdue(date(2025, 3, 31), day) == 0
    assert days_overdue(date(2025, 4, 2), day) is None
    assert days_overdue(None, day) is None
