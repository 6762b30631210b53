"""The supervisor's pages: dashboard, Mipyme page, visit log, visit page, reassignment, disputes."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Mipyme, Visit
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import form_token, login

BOGOTA = ZoneInfo("America/Bogota")
NOW = datetime(2025, 3, 31, 12, 0, tzinfo=BOGOTA)


def bogota(*args: int) -> datetime:
    return datetime(*args, tzinfo=BOGOTA)


@pytest.fixture
def world(app):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    ana = make_user("officer", name="Ana Núñez")
    luis = make_user("officer", name="Luis Peña")
    panaderia = make_mipyme(ana, name="Panadería Ñapa", sector="alimentos", neighborhood="Comuna 5", ciiu="1081")
    taller = make_mipyme(luis, name="Taller El Cañaguate", sector="artesanias", neighborhood="Comuna 2")
    nueva = make_mipyme(luis, name="Tienda Nueva", sector="comercio", neighborhood="Comuna 2")
    make_mipyme(luis, name="Cerrada", active=False)
    v1 = make_visit(panaderia, visited_at=bogota(2025, 2, 10, 9), production_units=100, monthly_sales_cop=2_000_000,
                    employees=3)
    v2 = make_visit(panaderia, visited_at=bogota(2025, 3, 3, 9), production_units=130, monthly_sales_cop=2_600_000,
                    employees=4, follow_up_due=date(2025, 3, 20), follow_up_reason="Revisar inventario",
                    latitude=10.4631, longitude=-73.2532, accuracy_m=12)
    v3 = make_visit(taller, visited_at=bogota(2025, 3, 28, 16), owner_confirmation="disputed",
                    owner_comment="El funcionario no vino ese día.", review_status="approved")
    return {"ana": ana, "luis": luis, "panaderia": panaderia, "taller": taller, "nueva": nueva,
            "visits": [v1, v2, v3], "supervisor": make_user("supervisor", name="Sara Supervisora")}


@pytest.fixture
def sup(client, world):
    login(client, world["supervisor"])
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def table_names(html: str) -> list[str]:
    return re.findall(r'href="/supervision/mipymes/\d+"><strong>([^<]+)</strong>', html)


# --- Dashboard -------------------------------------------------------------------------------------

def test_the_dashboard_shows_headline_counts(sup, world):
    html = text(sup.get("/supervision/"))
    stats = dict((label.strip(), int(n)) for n, label in
                 re.findall(r"<strong>(\d+)</strong>\s*([^<]+)</", html.split('class="stats headline"')[1]
                            .split("</ul>")[0]))
    assert stats["Mipymes activas"] == 3
    assert stats["visitas este mes"] == 2  # 3 and 28 March
    assert stats["visitas por revisar"] == 2
    assert stats["disputas abiertas"] == 1
    assert stats["Nunca visitada"] == 1 and stats["Seguimiento vencido"] == 1 and stats["En disputa"] == 1


def test_the_mipyme_table_filters_sorts_and_pages(sup, world):
    assert table_names(text(sup.get("/supervision/"))) == ["Panadería Ñapa", "Taller El Cañaguate", "Tienda Nueva"]
    assert table_names(text(sup.get("/supervision/?flag=follow_up_overdue"))) == ["Panadería Ñapa"]
    assert table_names(text(sup.get(f"/supervision/?officer_id={world['luis'].id}"))) == [
        "Taller El Cañaguate", "Tienda Nueva"]
    assert table_names(text(sup.get("/supervision/?sector=comercio"))) == ["Tienda Nueva"]
    assert table_names(text(sup.get("/supervision/?neighborhood=Comuna+2&q=taller"))) == ["Taller El Cañaguate"]
    assert table_names(text(sup.get("/supervision/?sort=last_visit&order=desc"))) == [
        "Taller El Cañaguate", "Panadería Ñapa", "Tienda Nueva"]
    html = text(sup.get("/supervision/?per_page=2&page=2"))
    assert table_names(html) == ["Tienda Nueva"] and "Página 2 de 2" in html


def test_a_bad_filter_is_explained_and_ignored(sup, world):
    html = text(sup.get("/supervision/?flag=late&sector=nope"))
    assert re.findall(r'<p class="error" id="(\w+)-error">Opción inválida.</p>', html) == ["flag", "sector"]
    assert len(table_names(html)) == 3


def test_the_dashboard_charts_visits_per_week_with_a_text_table(sup, world):
    html = text(sup.get("/supervision/"))
    assert '<svg class="chart chart-bars" role="img"' in html
    assert "<title id=" in html
    table = html.split('class="table compact weekly-table"')[1].split("</table>")[0]
    assert "Ana Núñez" in table and "Luis Peña" in table
    assert len(re.findall(r'<th scope="row">', table)) == 12
    # This week (from Monday 31 March): none; the week of 24 March: Luis's visit.
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table)
    assert rows[-1][0] == "31 mar" and rows[-2][0] == "24 mar"
    assert re.findall(r"<td>(?:<strong>)?(\d+)", rows[-2][1]) == ["0", "1", "1"]


def test_the_dashboard_shows_each_officers_workload(sup, world):
    html = text(sup.get("/supervision/"))
    section = html.split('id="workload-title"')[1].split("</section>")[0]
    ana = section.split("Ana Núñez")[1].split("</tr>")[0]
    assert re.findall(r'data-label="Mipymes asignadas">(\d+)', ana) == ["1"]
    assert re.findall(r'data-label="Con alertas">(\d+)', ana) == ["1"]


# --- Reassignment -----------------------------------------------------------------------------------

def test_a_supervisor_reassigns_several_mipymes_at_once(sup, world):
    token = form_token(sup, "/supervision/")
    response = sup.post("/supervision/reassign", data={
        "csrf_token": token, "officer_id": str(world["ana"].id),
        "mipyme_ids": [str(world["taller"].id), str(world["nueva"].id)], "next": "/supervision/?sector=comercio",
    })
    assert response.status_code == 302 and response.headers["Location"] == "/supervision/?sector=comercio"
    db.session.expire_all()
    assert {m.officer_id for m in db.session.scalars(select(Mipyme).where(Mipyme.active.is_(True)))} == {
        world["ana"].id}
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "mipyme.reassigned")).all()
    assert len(actions) == 2
    assert "2 Mipymes reasignadas." in text(sup.get("/supervision/"))


@pytest.mark.parametrize(
    ("data", "message"),
    [({"officer_id": "1"}, "Marque al menos una Mipyme."), ({"mipyme_ids": ["1"]}, "Elija un funcionario.")],
)
def test_reassignment_without_choices_says_what_is_missing(sup, world, data, message):
    response = sup.post("/supervision/reassign", data={"csrf_token": form_token(sup, "/supervision/"), **data})
    assert response.status_code == 302
    assert message in text(sup.get("/supervision/"))
    db.session.expire_all()
    assert db.session.get(Mipyme, world["taller"].id).officer_id == world["luis"].id


# --- A Mipyme's page -------------------------------------------------------------------------------

def test_a_mipymes_page_shows_flags_follow_up_trends_and_timeline(sup, world):
    html = text(sup.get(f"/supervision/mipymes/{world['panaderia'].id}"))
    assert "Seguimiento vencido" in html and "vencido hace 11 días" in html
    assert "Revisar inventario" in html
    assert "1081 · Elaboración de productos de panadería" in html and "Activa" in html  # activity and status
    assert html.count('class="chart chart-line" role="img"') == 3
    assert "▲ 30" in html  # production units went from 100 to 130
    assert html.index(world["visits"][1].id) < html.index(world["visits"][0].id)  # newest first


def test_an_unknown_mipyme_page_is_404(sup, world):
    assert sup.get("/supervision/mipymes/99999").status_code == 404


# --- Visit log and visit page ------------------------------------------------------------------------

def visit_ids(html: str) -> list[str]:
    return re.findall(r'href="/supervision/visits/([0-9a-f-]{36})"', html)


def test_the_visit_log_is_newest_first_and_filters(sup, world):
    v1, v2, v3 = world["visits"]
    assert visit_ids(text(sup.get("/supervision/visits"))) == [v3.id, v2.id, v1.id]
    assert visit_ids(text(sup.get(f"/supervision/visits?officer_id={world['ana'].id}"))) == [v2.id, v1.id]
    assert visit_ids(text(sup.get(f"/supervision/visits?mipyme_id={world['taller'].id}"))) == [v3.id]
    assert visit_ids(text(sup.get("/supervision/visits?mipyme=pana"))) == [v2.id, v1.id]
    assert visit_ids(text(sup.get("/supervision/visits?review_status=approved"))) == [v3.id]
    assert visit_ids(text(sup.get("/supervision/visits?owner_confirmation=disputed"))) == [v3.id]
    assert visit_ids(text(sup.get("/supervision/visits?date_from=2025-03-01&date_to=2025-03-27"))) == [v2.id]
    first = text(sup.get("/supervision/visits?per_page=2"))
    next_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    html = text(sup.get(next_link))
    assert visit_ids(html) == [v1.id] and "Página 2 de 2" in html


def test_a_reversed_date_range_is_explained(sup, world):
    html = text(sup.get("/supervision/visits?date_from=2025-03-10&date_to=2025-03-01"))
    assert "La fecha final no puede ser anterior a la inicial." in html


def test_a_visits_page_shows_every_field_and_a_map_link(sup, world):
    html = text(sup.get(f"/supervision/visits/{world['visits'][1].id}"))
    assert "https://www.openstreetmap.org/?mlat=10.463100&amp;mlon=-73.253200" in html
    assert "± 12 m" in html and "Revisar inventario" in html and "Guardar revisión" in html


def test_an_unknown_visit_page_is_404(sup, world):
    assert sup.get("/supervision/visits/not-a-visit").status_code == 404


# --- Disputes ----------------------------------------------------------------------------------------

def test_a_supervisor_resolves_a_dispute_from_the_dashboard(sup, world):
    visit = world["visits"][2]
    html = text(sup.get("/supervision/"))
    assert "El funcionario no vino ese día." in html
    response = sup.post(f"/supervision/visits/{visit.id}/resolve", data={
        "csrf_token": form_token(sup, "/supervision/"), "note": "Llamé al propietario: fue otro día.",
        "outcome": "record_stands", "next": "/supervision/#disputas", "revision": str(visit.revision)})
    assert response.status_code == 302 and response.headers["Location"] == "/supervision/#disputas"
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert stored.dispute_resolved_by_id == world["supervisor"].id
    assert stored.dispute_resolution_note == "Llamé al propietario: fue otro día."
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == visit.id)) == \
        "visit.dispute_resolved"
    body = sup.get(f"/api/v1/mipymes/{world['taller'].id}").get_json()
    assert "disputed" not in body["flags"]


def test_a_resolution_needs_a_note(sup, world):
    visit = world["visits"][2]
    page = f"/supervision/visits/{visit.id}"
    response = sup.post(f"{page}/resolve", data={"csrf_token": form_token(sup, page), "note": "  ", "revision": "1"})
    assert response.status_code == 400
    assert "Escriba cómo se resolvió la disputa." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).dispute_resolved_at is None


def test_the_api_resolves_a_dispute_and_refuses_a_second_time(sup, world):
    visit = world["visits"][2]
    response = sup.post(f"/api/v1/visits/{visit.id}/dispute-resolution", json={"note": "Aclarado."})
    assert response.status_code == 200 and response.get_json()["dispute_resolution_note"] == "Aclarado."
    again = sup.post(f"/api/v1/visits/{visit.id}/dispute-resolution", json={"note": "Otra vez."})
    assert again.status_code == 409 and "note" in again.get_json()["errors"]
    missing = sup.post(f"/api/v1/visits/{world['visits'][0].id}/dispute-resolution", json={})
    assert missing.status_code == 400 and "note" in missing.get_json()["errors"]


# --- Who may do what ----------------------------------------------------------------------------------

PAGES = ["/supervision/", "/supervision/visits", "/supervision/mipymes/{mipyme}", "/supervision/visits/{visit}",
         "/supervision/visits.csv", "/supervision/mipymes.xlsx"]


def _fill(path: str, world) -> str:
    return path.format(mipyme=world["panaderia"].id, visit=world["visits"][1].id)


@pytest.mark.parametrize("role", ["officer", "owner"])
def test_field_roles_cannot_open_the_office_pages(client, world, role):
    login(client, world["ana"] if role == "officer" else make_user("owner", mipyme=world["panaderia"]))
    for path in PAGES:
        assert client.get(_fill(path, world)).status_code == 403, path


def test_without_a_session_the_office_pages_send_to_the_login(client, world):
    for path in PAGES:
        response = client.get(_fill(path, world))
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path


def test_an_admin_reads_the_pages_but_does_not_review_or_resolve(client, world):
    login(client, make_user("admin"))
    for path in PAGES:
        assert client.get(_fill(path, world)).status_code == 200, path
    page = _fill("/supervision/visits/{visit}", world)
    assert "Guardar revisión" not in text(client.get(page))
    token = form_token(client, "/supervision/")
    assert client.post(f"{page}/review", data={"csrf_token": token, "decision": "approved"}).status_code == 403
    dispute = f"/supervision/visits/{world['visits'][2].id}/resolve"
    assert client.post(dispute, data={"csrf_token": token, "note": "x"}).status_code == 403
    assert client.post(f"/api/v1/visits/{world['visits'][2].id}/dispute-resolution",
                       json={"note": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["officer", "owner"])
def test_field_roles_cannot_reassign(client, world, role):
    login(client, world["ana"] if role == "officer" else make_user("owner", mipyme=world["panaderia"]))
    token = form_token(client, "/account/password")
    response = client.post("/supervision/reassign", data={"csrf_token": token, "officer_id": str(world["ana"].id),
                                                           "mipyme_ids": [str(world["taller"].id)]})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Mipyme, world["taller"].id).officer_id == world["luis"].id


def test_visits_this_month_counts_the_local_month(sup, world, app):
    # 23:30 on 28 February in Bogotá is 1 March in UTC: still February's visit.
    make_visit(world["nueva"], visited_at=bogota(2025, 2, 28, 23, 30))
    make_visit(world["nueva"], visited_at=bogota(2025, 3, 1, 0, 30) + timedelta(minutes=0))
    html = text(sup.get("/supervision/"))
    assert re.search(r"<strong>3</strong> visitas este mes", html)
