"""The officer's offline pages served by the server: the visit form, "Mis visitas", the no-JS
fallback that goes through the same sync service, and the service worker's delivery."""
from __future__ import annotations

import json
import re
import uuid

from sqlalchemy import select

from fieldwork.core import shell
from fieldwork.extensions import db
from fieldwork.models import TOPICS, Visit
from fieldwork.visits.schemas import MAX_COUNT, MAX_SALES_COP, TEXT_MAX
from fieldwork.visits.sync import CLOCK_SKEW
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import form_token, login

FORM_FIELDS = ("mipyme_id", "visited_at", "topics", "production_units", "monthly_sales_cop", "employees", "needs",
               "notes", "follow_up_due", "follow_up_reason")


def test_visit_form_has_the_api_field_names_and_the_officers_mipymes(client):
    officer = make_user("officer")
    mine = make_mipyme(officer, name="Calzado Vallenato")
    make_mipyme(make_user("officer"), name="Ajena S.A.S.")
    login(client, officer)
    html = client.get("/visits/new").get_data(as_text=True)
    for name in FORM_FIELDS:
        assert f'name="{name}"' in html, name
    assert re.search(r'<button type="submit"', html)
    assert 'inputmode="numeric"' in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert "Calzado Vallenato" in html and "Ajena" not in html
    picker = json.loads(re.search(r"data-mipymes='([^']*)'", html).group(1).replace("&#34;", '"'))
    assert [m["id"] for m in picker] == [mine.id]
    # Every labelled input has its label.
    for name in ("mipyme_id", "visited_at", "production_units", "monthly_sales_cop", "employees", "notes"):
        assert f'for="{name}"' in html, name


def test_form_opened_from_the_agenda_has_that_mipyme_chosen(client):
    officer = make_user("officer")
    make_mipyme(officer, name="Calzado Vallenato")
    bakery = make_mipyme(officer, name="Panadería La 14")
    login(client, officer)
    html = client.get(f"/visits/new?mipyme_id={bakery.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{bakery.id}">|<option value="{bakery.id}" selected>', html)


def test_pages_are_for_officers_only(client):
    login(client, make_user("supervisor"))
    assert client.get("/visits/new").status_code == 403
    assert client.get("/visits/mine").status_code == 403


def test_form_without_javascript_stores_the_visit_through_the_sync_service(client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    login(client, officer)
    token = form_token(client, "/visits/new")
    visit_id = str(uuid.uuid4())
    data = {"csrf_token": token, "id": visit_id, "revision": "1", "mipyme_id": str(mipyme.id),
            "visited_at": "2026-01-10T09:30", "topics": ["produccion", "formacion"],
            "monthly_sales_cop": "4.500.000", "employees": "3", "notes": "Sin JavaScript."}
    response = client.post("/visits/new", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/visits/mine")
    visit = db.session.get(Visit, visit_id)
    assert visit.monthly_sales_cop == 4_500_000 and sorted(visit.topics) == ["formacion", "produccion"]
    assert visit.visited_at.isoformat().startswith("2026-01-10T14:30")  # 09:30 in Bogotá
    # Sending the same form again (a double tap) stores nothing new.
    client.post("/visits/new", data=data)
    assert len(db.session.scalars(select(Visit)).all()) == 1


def test_form_without_javascript_shows_spanish_errors_beside_fields(client):
    officer = make_user("officer")
    make_mipyme(officer)
    other = make_mipyme(make_user("officer"))
    login(client, officer)
    token = form_token(client, "/visits/new")
    response = client.post("/visits/new", data={
        "csrf_token": token, "id": str(uuid.uuid4()), "mipyme_id": str(other.id), "visited_at": "2026-01-10T09:30",
        "employees": "muchos"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="topics-error"' in html and "Marque al menos un tema tratado." in html
    assert 'id="employees-error"' in html and "Escriba un número entero, sin centavos ni signo" in html
    assert 'id="mipyme_id-error"' in html
    assert db.session.scalars(select(Visit)).all() == []


def test_my_visits_shows_review_comment_and_owner_state_with_a_share_slot(client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer, name="Panadería La 14")
    returned = make_visit(mipyme, review_status="returned", review_comment="Falta el número de empleados.")
    disputed = make_visit(mipyme, owner_confirmation="disputed", owner_comment="No vino ese día.")
    make_visit(make_mipyme(make_user("officer")))  # someone else's
    login(client, officer)
    html = client.get("/visits/mine").get_data(as_text=True)
    assert "Falta el número de empleados." in html and "No vino ese día." in html
    assert html.count("data-visit-id=") == 2
    assert f'data-visit-id="{returned.id}"' in html and f'data-visit-id="{disputed.id}"' in html
    reopen = json.loads(re.search(r"data-reopen='([^']*)'", html).group(1).replace("&#34;", '"').replace("&#39;", "'"))
    assert reopen["id"] == returned.id and reopen["revision"] == 1
    assert html.count("data-visit-actions") == 2
    assert "Corregir y reenviar" in html


def test_officer_nav_and_sync_bar_on_every_page(client):
    officer = make_user("officer")
    login(client, officer)
    html = client.get("/visits/").get_data(as_text=True)
    assert 'href="/visits/new"' in html and 'href="/visits/mine"' in html
    assert "data-syncbar" in html and "Sincronizar ahora" in html
    messages = json.loads(re.search(r'id="fieldwork-messages">(.*?)</script>', html, re.S).group(1))
    assert messages["local_pending"] == "Pendiente de envío"


def test_the_offline_app_gets_its_limits_from_the_server_s_constants(client, app):
    """static/js/visit-data.js checks what the sync service checks, with the numbers the page hands it."""
    app.config["FIELDWORK_TIMEZONE"] = "America/Lima"
    login(client, make_user("officer"))
    html = client.get("/visits/new").get_data(as_text=True)
    limits = json.loads(re.search(r'id="fieldwork-limits">(.*?)</script>', html, re.S).group(1))
    assert limits == {
        "topics": list(TOPICS), "notes_max": TEXT_MAX,
        "figure_max": {"production_units": MAX_COUNT, "employees": MAX_COUNT, "monthly_sales_cop": MAX_SALES_COP},
        "date_rules": {"zone": "America/Lima", "skewMs": CLOCK_SKEW.total_seconds() * 1000},
    }


def test_service_worker_is_served_for_scope_root_with_a_content_version(client, app):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    assert "__FIELDWORK" not in source
    # Served minified (fieldwork/web/static_files.py): `const VERSION="…";`, spaces gone.
    version = re.search(r"const VERSION\s*=\s*\"([0-9a-f]{16})\";", source).group(1)
    precached = json.loads(re.search(r"const PRECACHE_STATIC\s*=\s*(\[.*?\]);", source).group(1))
    # Content-hashed names (fieldwork/web/static_files.py): a file is fetched again only when it changed.
    assert any(re.fullmatch(r"/static/js/sync\.[0-9a-f]{12}\.js", url) for url in precached)
    assert any(re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", url) for url in precached)
    pages = json.loads(re.search(r"const PRECACHE_PAGES\s*=\s*(\[.*?\]);", source).group(1))
    assert pages == ["/visits/new", "/visits/mine", "/visits/"]
    # A conditional request answers 304 while nothing changed.
    again = client.get("/service-worker.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert version


def test_worker_version_changes_when_a_static_file_changes(app, tmp_path):
    with app.test_request_context():
        before = shell.shell_version()
        app.static_folder = str(tmp_path)
        (tmp_path / "extra.js").write_text("// changed")
        assert shell.shell_version() != before


def test_offline_page_is_public(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert "Sin conexión" in response.get_data(as_text=True)


def test_form_without_javascript_refuses_centavos_and_keeps_what_was_typed(client):
    """`4.500.000,50` used to be stored as 450.000.050, `2,5` employees as 25 and `-5` as 5."""
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    login(client, officer)
    token = form_token(client, "/visits/new")
    response = client.post("/visits/new", data={
        "csrf_token": token, "id": str(uuid.uuid4()), "mipyme_id": str(mipyme.id), "visited_at": "2026-01-10T09:30",
        "topics": ["produccion"], "monthly_sales_cop": "4.500.000,50", "employees": "2,5", "production_units": "-5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ("monthly_sales_cop", "employees", "production_units"):
        assert re.search(rf'id="{name}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{name}"', html), name
        assert f'id="{name}-error"' in html
    assert "Escriba un número entero, sin centavos ni signo: sin coma ni decimales" in html
    assert "sin «-» ni «+»" in html
    assert 'value="4.500.000,50"' in html and 'value="2,5"' in html  # shown as typed, not "cleaned"
    assert db.session.scalars(select(Visit)).all() == []


def test_form_without_javascript_reads_thousands_dots_and_spaces(client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    login(client, officer)
    token = form_token(client, "/visits/new")
    visit_id = str(uuid.uuid4())
    client.post("/visits/new", data={
        "csrf_token": token, "id": visit_id, "mipyme_id": str(mipyme.id), "visited_at": "2026-01-10T09:30",
        "topics": ["produccion"], "monthly_sales_cop": " 4 500 000 ", "production_units": "1.200", "employees": "007"})
    visit = db.session.get(Visit, visit_id)
    assert (visit.monthly_sales_cop, visit.production_units, visit.employees) == (4_500_000, 1200, 7)
