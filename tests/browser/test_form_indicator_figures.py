"""A built-in figure the form asks itself is not asked on the phone either, whichever version the draft on
screen is in: a draft kept in the version it was started in shows that version's figures, a new visit the
current version's (static/js/form-widgets.js showFigures, called when visit-form.js shows a draft)."""
from __future__ import annotations

from pathlib import Path

import pytest

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from tests.browser.offline_helpers import (
    log_in_and_get_ready,
    open_form,
    saved_after,
    server_fixture,  # noqa: F401  (fixture `server`: a live server that can be stopped)
)
from tests.builders import make_mipyme, make_user
from tests.forms.fixtures import YES_NO
from tests.forms.xlsform import question, xlsform

VISIT_FORM = Path(__file__).resolve().parents[2] / "static" / "js" / "visit-form.js"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    "showFigures" not in VISIT_FORM.read_text(encoding="utf-8"),
    reason="visit-form.js does not call form-widgets.js showFigures when it shows a draft yet")]
SALES = "input[name=monthly_sales_cop]"


def _version(name: str, *rows) -> bytes:
    return xlsform([question("text", "observacion", "Observación"), *rows], YES_NO,
                   {"form_id": "seguimiento", "version": name})


def test_a_draft_keeps_the_figures_of_its_version_and_a_new_visit_follows_the_current_one(server, page, app):
    officer = make_user("officer", username="lucia")
    started, fresh = make_mipyme(officer, name="Calzado Vallenato"), make_mipyme(officer, name="Panadería El Valle")
    supervisor = make_user("supervisor")
    publish_form(supervisor, upload_form(supervisor, _version("1"), "v1.xlsx"))
    db.session.commit()
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.select_option("select[name=mipyme_id]", str(started.id))
    saved_after(page, lambda: page.fill(SALES, "4500000"))  # a draft in version 1, which asks the figure

    publish_form(supervisor, upload_form(supervisor, _version(
        "2", question("integer", "ventas", "Ventas del mes", indicator="sales_month_cop")), "v2.xlsx"))
    db.session.commit()
    page.reload()  # the page now embeds version 2; the draft reopens on version 1, figure and all
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.locator(SALES).is_visible() and page.input_value(SALES) == "4.500.000"

    page.goto(f"{server.url}/visits/new?mipyme_id={fresh.id}")  # a new visit: version 2 asks the sales itself
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    page.wait_for_selector("[name='answers.ventas']", state="visible")
    assert page.locator(SALES).is_hidden() and page.locator("input[name=employees]").is_visible()
