"""The outside tester's other findings (issue 11, item 8): links from FIELDWORK_BASE_URL, and the
dashboard's ids and scrolling regions. (Logins and photos: tests/test_throttle.py, tests/test_photos.py.)"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import form_token, login


@pytest.fixture
def officer_and_visit(app, client):
    officer = make_user("officer", username="olga")
    visit = make_visit(make_mipyme(officer, name="Cerámica Atánquez"), officer)
    login(client, officer)
    return visit


def _cookies_for_evil_host_too(client):
    """The test client keys cookies by host: the forged Host must still carry the session."""
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")


def test_confirmation_link_uses_the_configured_address_not_the_host_header(app, client, officer_and_visit):
    app.config["FIELDWORK_BASE_URL"] = "https://fieldwork.example.org/"
    _cookies_for_evil_host_too(client)
    response = client.get(f"/api/v1/visits/{officer_and_visit.id}/confirmation-link",
                          headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 200
    url = response.get_json()["url"]
    assert url.startswith("https://fieldwork.example.org/c/")
    assert "evil" not in url


def test_without_a_configured_address_no_link_is_made_from_the_host(app, client, officer_and_visit):
    app.config["FIELDWORK_BASE_URL"] = None
    _cookies_for_evil_host_too(client)
    response = client.get(f"/api/v1/visits/{officer_and_visit.id}/confirmation-link", headers={"Host": "evil.example"})
    assert response.status_code == 503
    assert "FIELDWORK_BASE_URL" in response.get_json()["error"]


def test_deactivating_returns_to_the_referring_page_but_never_to_another_site(app, client):
    make_user("supervisor", username="sofia")
    mipyme = make_mipyme(make_user("officer"))
    login(client, "sofia")
    token = form_token(client, "/mipymes")
    _cookies_for_evil_host_too(client)
    response = client.post(f"/mipymes/{mipyme.id}/active", data={"csrf_token": token, "active": "0"},
                           headers={"Host": "evil.example", "Referer": "http://evil.example//evil.example/x"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"] == "/mipymes"
    response = client.post(f"/mipymes/{mipyme.id}/active", data={"csrf_token": token, "active": "1"},
                           headers={"Referer": "http://localhost/mipymes?q=cer&page=2"})
    assert response.headers["Location"] == "/mipymes?q=cer&page=2"


@pytest.fixture
def dashboard(app, client, officer_and_visit):
    make_user("supervisor", username="sofia")
    login(client, "sofia")
    return client.get("/supervision/").get_data(as_text=True)


def test_dashboard_ids_are_unique_and_the_reassign_dropdown_has_its_own_label(dashboard):
    ids = Counter(re.findall(r'\sid="([^"]+)"', dashboard))
    assert [name for name, count in ids.items() if count > 1] == []
    assert re.search(r'<label for="reassign_officer_id">Asignar a</label>', dashboard)
    assert re.search(r'<select id="reassign_officer_id" name="officer_id"', dashboard)


def test_dashboard_scrolling_chart_and_table_are_keyboard_regions_with_names(dashboard):
    for css_class in ("chart-box", "table-scroll"):
        tag = re.search(rf'<\w+ class="{css_class}"[^>]*>', dashboard).group(0)
        assert 'tabindex="0"' in tag and 'role="region"' in tag and 'aria-label="' in tag, tag
