"""The supervisor's visit page and the owner's link page show a visit's answers, laid out to be read."""
from __future__ import annotations

import os
import shutil

import pytest

from fieldwork import confirmation_links as links
from tests.browser.conftest import login_through_page, screenshot
from tests.builders import PASSWORD
from tests.forms.test_answers_display import world  # noqa: F401  (two versions, visits answering each)

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}


def _keep(path, name: str) -> None:
    """Also copy the shot where reviewers collect them, when that folder is set."""
    folder = os.environ.get("FIELDWORK_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        shutil.copy(path, os.path.join(folder, name + ".png"))


def test_supervisor_reads_a_visits_answers_beside_its_figures(browser, live_server, world):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP, locale="es-CO", timezone_id="America/Bogota")
    page = context.new_page()
    login_through_page(page, live_server.url, world["supervisor"].username, PASSWORD)
    page.goto(f"{live_server.url}/supervision/visits/{world['old'].id}")
    answers = page.locator(".form-answers")
    assert "Monto recibido (millones de pesos)" in answers.inner_text()
    assert "4.500.000" in answers.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _keep(screenshot(page, "visit-answers-supervisor-desktop"), "supervisor-visit-1280x800")
    context.close()


def test_owner_reads_the_answers_on_the_link_page_on_a_phone(page, live_server, world):  # noqa: F811
    page.goto(live_server.url + "/c/" + links.make_token(world["old"]))
    assert "Tienda propia" in page.locator(".form-answers").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    _keep(screenshot(page, "visit-answers-link-phone"), "link-390x844")
