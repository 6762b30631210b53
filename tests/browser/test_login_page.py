"""The login page in a real phone-sized Chromium."""
from __future__ import annotations

from tests.browser.conftest import login_through_page, screenshot
from tests.builders import PASSWORD, make_mipyme, make_user


def test_officer_logs_in_on_a_phone_and_lands_on_the_agenda(live_server, page):
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    make_mipyme(officer, name="Calzado Vallenato")
    page.goto(live_server.url + "/")
    assert page.url.endswith("/login")
    assert page.locator("h1").inner_text() == "Iniciar sesión"
    screenshot(page, "login-phone")
    login_through_page(page, live_server.url, "lucia", PASSWORD)
    assert "/visits/" in page.url
    assert page.get_by_text("Calzado Vallenato").is_visible()
    # Nothing overflows sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "officer-home-phone")


def test_wrong_password_shows_spanish_error_beside_field(live_server, page):
    make_user("officer", username="mario")
    login_through_page(page, live_server.url, "mario", "wrong-password")
    assert page.get_by_text("Usuario o contraseña incorrectos.").is_visible()
