"""The officer's own pages as the server draws them: visits to correct, "Mis visitas" (search, pages, a
read-only detail), whose pages they are (for the shared phone's worker), dates and role labels."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from fieldwork.extensions import db
from fieldwork.models import Photo
from fieldwork.visits.messages import js_messages
from fieldwork.visits.officer_lists import PER_PAGE
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login


def _returned(mipyme, comment="Falta el número de empleados.", **fields):
    return make_visit(mipyme, review_status="returned", review_comment=comment,
                      reviewed_at=datetime.now(UTC) - timedelta(hours=2), **fields)


def test_home_starts_with_the_returned_visits_and_the_supervisors_comment(client):
    officer = make_user("officer")
    bakery = make_mipyme(officer, name="Panadería La 14")
    make_mipyme(officer, name="Calzado Vallenato")
    returned = _returned(bakery)
    make_visit(bakery)  # a submitted visit: nothing to correct
    login(client, officer)
    html = client.get("/visits/").get_data(as_text=True)
    heading = html.index("Por corregir (1)")
    assert heading < html.index('id="pending-title"')  # before the agenda
    section = html[heading:html.index("</section>", heading)]
    assert "Panadería La 14" in section and "Falta el número de empleados." in section
    button = re.search(r"data-reopen='([^']*)'", section).group(1).replace("&#34;", '"')
    assert json.loads(button)["id"] == returned.id
    assert "Corregir visita" in section


def test_home_without_returned_visits_shows_no_correction_list(client):
    officer = make_user("officer")
    make_visit(make_mipyme(officer))
    login(client, officer)
    assert "Por corregir" not in client.get("/visits/").get_data(as_text=True)


def test_sync_bar_on_every_page_knows_the_visits_to_correct(client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    returned = _returned(mipyme)
    other = _returned(make_mipyme(make_user("officer")))
    login(client, officer)
    for path in ("/visits/", "/visits/new", "/visits/mine"):
        html = client.get(path).get_data(as_text=True)
        ids = json.loads(re.search(r"data-returned='([^']*)'", html).group(1).replace("&#34;", '"'))
        assert ids == [[returned.id, 1]], path
        assert other.id not in html


def test_devuelta_and_rechazada_are_different_words(app):
    with app.test_request_context():
        messages = js_messages()
    assert "rechazada" in messages["rejected_one"].lower() and "devuelta" not in messages["rejected_one"].lower()
    assert "rechazada" in messages["rejected_waiting_one"].lower()
    assert messages["local_rejected"] == "Rechazada por el servidor"
    assert messages["local_returned"].startswith("Devuelta")


def test_mis_visitas_search_ignores_case_and_accents(client):
    officer = make_user("officer")
    pottery = make_mipyme(officer, name="Cerámica Atánquez")
    shoes = make_mipyme(officer, name="Calzado Vallenato")
    make_visit(pottery)
    make_visit(shoes, notes="Pidió crédito para cerámica")  # found by its notes
    make_visit(shoes, notes="Nada que ver")
    login(client, officer)
    html = client.get("/visits/mine?q=CERAMICA").get_data(as_text=True)
    assert "2 visitas coinciden con «CERAMICA»" in html
    server = html[html.index('id="server-title"'):]
    assert server.count('class="card visit-card"') == 2
    assert "Nada que ver" not in server
    assert 'value="CERAMICA"' in html
    empty = client.get("/visits/mine?q=zapatos").get_data(as_text=True)
    assert "Ninguna visita enviada coincide con la búsqueda." in empty


def test_mis_visitas_shows_a_page_at_a_time_with_its_count(client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    now = datetime.now(UTC)
    visits = [make_visit(mipyme, visited_at=now - timedelta(days=n + 1)) for n in range(PER_PAGE + 5)]
    login(client, officer)
    first = client.get("/visits/mine").get_data(as_text=True)
    assert f"{PER_PAGE + 5} visitas · página 1 de 2" in first
    assert first.count('class="card visit-card"') == PER_PAGE
    assert visits[0].id in first and visits[-1].id not in first
    assert 'href="/visits/mine?page=2"' in first
    second = client.get("/visits/mine?page=2").get_data(as_text=True)
    assert second.count('class="card visit-card"') == 5 and visits[-1].id in second
    # A page past the end, or not a number, still shows visits.
    assert visits[-1].id in client.get("/visits/mine?page=99").get_data(as_text=True)
    assert visits[0].id in client.get("/visits/mine?page=abc").get_data(as_text=True)


def test_sent_visit_has_a_read_only_detail_with_es_co_figures_notes_and_photos(client):
    officer = make_user("officer")
    visit = make_visit(make_mipyme(officer), production_units=1200, monthly_sales_cop=4_500_000, employees=4,
                       needs="Capital de trabajo", notes="Taller ordenado.\nBuena luz.")
    db.session.add(Photo(id="11111111-1111-4111-8111-111111111111", visit_id=visit.id, content_type="image/jpeg",
                         width=10, height=10, size_bytes=100, sha256="0" * 64))
    db.session.commit()
    login(client, officer)
    html = client.get("/visits/mine").get_data(as_text=True)
    detail = html[html.index("data-visit-detail"):]
    detail = detail[:detail.index("</details>")]
    assert "$ 4.500.000" in detail and "1.200" in detail and ">4<" in detail
    assert "Capital de trabajo" in detail and "Taller ordenado.\nBuena luz." in detail
    assert "/api/v1/photos/11111111-1111-4111-8111-111111111111" in detail
    assert "<input" not in detail and "<textarea" not in detail  # read-only


def test_pages_and_api_answers_name_their_user_for_the_worker(client):
    officer = make_user("officer")
    assert client.get("/login").headers["X-Fieldwork-User"] == "anonymous"
    assert client.get("/api/v1/session").headers["X-Fieldwork-User"] == "anonymous"  # the 401
    login(client, officer)
    assert client.get("/visits/mine").headers["X-Fieldwork-User"] == str(officer.id)
    assert client.get("/api/v1/mipymes").headers["X-Fieldwork-User"] == str(officer.id)


def test_dates_on_the_officers_pages_have_four_digit_years(client):
    officer = make_user("officer")
    make_visit(make_mipyme(officer), visited_at=datetime(2026, 3, 5, 19, 30, tzinfo=UTC))
    login(client, officer)
    html = client.get("/visits/mine").get_data(as_text=True)
    assert "5 mar 2026, 14:30" in html  # 14:30 in Bogotá, 24-hour clock
    assert not re.search(r"\b\d{1,2}/\d{2}/\d{2}\b", html)  # no "5/03/26"


def test_role_labels_use_neutral_wording(client):
    officer = make_user("officer", name="Lucía Pérez")
    make_mipyme(officer)
    login(client, officer)
    html = client.get("/visits/").get_data(as_text=True)
    assert "Lucía Pérez</strong> · Equipo de campo" in html
    assert "Funcionario de campo" not in html


def _data_block(html, block_id):
    found = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', html, re.S)
    return json.loads(found.group(1)) if found else None


def test_the_officers_app_text_and_limits_stay_on_the_officers_pages(client):
    """A supervisor's or an owner's page carries only what any page's script may say (the new version's
    prompt), not the officer's offline app; the officer's pages and the offline fallback carry all of it."""
    officer = make_user("officer")
    owner_mipyme = make_mipyme(officer)
    supervisor = make_user("supervisor")
    owner = make_user("owner", mipyme=owner_mipyme)
    for person, path in ((supervisor, "/supervision/"), (owner, "/owner/")):
        login(client, person)
        html = client.get(path).get_data(as_text=True)
        assert "<main" in html, path
        assert set(_data_block(html, "fieldwork-messages")) == {"update_ready", "update_reload"}, path
        assert _data_block(html, "fieldwork-limits") is None, path
    login(client, officer)
    for path in ("/visits/", "/visits/new", "/visits/mine", "/offline"):
        html = client.get(path).get_data(as_text=True)
        assert "sync_network_error" in _data_block(html, "fieldwork-messages"), path
        assert _data_block(html, "fieldwork-limits"), path


def test_only_the_pages_that_list_or_correct_returned_visits_query_them(client):
    officer = make_user("officer")
    _returned(make_mipyme(officer))
    login(client, officer)
    html = client.get("/account/password").get_data(as_text=True)
    assert "data-syncbar" in html and "data-returned" not in html  # the bar reads the list the phone kept
