"""The officer's agenda: their own Mipymes needing a visit, most urgent first, with the reason."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login

BOGOTA = ZoneInfo("America/Bogota")
NOW = datetime(2025, 3, 31, 12, 0, tzinfo=BOGOTA)


def bogota(*args: int) -> datetime:
    return datetime(*args, tzinfo=BOGOTA)


@pytest.fixture
def officer(app):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    return make_user("officer")


def card_titles(html: str, section: str) -> list[str]:
    part = html.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', part)


def test_the_agenda_lists_the_most_urgent_first(client, officer):
    late_10 = make_mipyme(officer, name="Vencida hace 10 días")
    make_visit(late_10, visited_at=bogota(2025, 3, 1, 9), follow_up_due=date(2025, 3, 21),
               follow_up_reason="Entregar catálogo")
    late_2 = make_mipyme(officer, name="Vencida hace 2 días")
    make_visit(late_2, visited_at=bogota(2025, 3, 20, 9), follow_up_due=date(2025, 3, 29))
    today = make_mipyme(officer, name="Para hoy")
    make_visit(today, visited_at=bogota(2025, 3, 20, 9), follow_up_due=date(2025, 3, 31))
    make_mipyme(officer, name="B nunca visitada")
    make_mipyme(officer, name="A nunca visitada")
    old_90 = make_mipyme(officer, name="Sin visita 90 días")
    make_visit(old_90, visited_at=bogota(2024, 12, 31, 9))
    old_40 = make_mipyme(officer, name="Sin visita 40 días")
    make_visit(old_40, visited_at=bogota(2025, 2, 19, 9))
    fine = make_mipyme(officer, name="Al día")
    make_visit(fine, visited_at=bogota(2025, 3, 25, 9), follow_up_due=date(2025, 4, 10))
    make_mipyme(officer, name="Cerrada", active=False)
    make_mipyme(make_user("officer"), name="De otro funcionario")

    login(client, officer)
    html = client.get("/visits/").get_data(as_text=True)
    assert card_titles(html, "pending-title") == [
        "Vencida hace 10 días", "Vencida hace 2 días", "Para hoy",
        "A nunca visitada", "B nunca visitada", "Sin visita 90 días", "Sin visita 40 días",
    ]
    assert card_titles(html, "rest-title") == ["Al día"]
    assert "Seguimiento vencido hace 10 días" in html
    assert "Para: Entregar catálogo" in html
    assert "Cerrada" not in html and "De otro funcionario" not in html


def test_the_reason_comes_from_the_latest_visit(client, officer):
    mipyme = make_mipyme(officer, name="Taller")
    make_visit(mipyme, visited_at=bogota(2025, 3, 1, 9), follow_up_due=date(2025, 3, 5), follow_up_reason="Viejo")
    make_visit(mipyme, visited_at=bogota(2025, 3, 10, 9), follow_up_due=date(2025, 3, 20), follow_up_reason="Nuevo")
    login(client, officer)
    html = client.get("/visits/").get_data(as_text=True)
    assert "Para: Nuevo" in html and "Viejo" not in html
    assert "Seguimiento vencido hace 11 días" in html


def test_an_officer_with_nothing_pending_is_told_so(client, officer):
    login(client, officer)
    html = client.get("/visits/").get_data(as_text=True)
    assert "No tiene Mipymes asignadas." in html


@pytest.mark.parametrize("role", ["supervisor", "owner", "admin"])
def test_only_officers_have_an_agenda(client, app, role):
    mipyme = make_mipyme(make_user("officer"))
    login(client, make_user(role, mipyme=mipyme if role == "owner" else None))
    assert client.get("/visits/").status_code == 403


def test_without_a_session_the_agenda_sends_to_the_login(client):
    response = client.get("/visits/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
