"""The officer's page carries the programme's current form, so the worker caches it with the page and the
form opens with no network; the worker precaches the modules that draw it."""
from __future__ import annotations

import json
import re

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from tests.builders import make_mipyme, make_user
from tests.conftest import login
from tests.forms.fixtures import programme_form

EMBEDDED = re.compile(r'<script type="application/json" id="form-definition">(.*?)</script>', re.S)


def embedded_definition(client) -> dict | None:
    match = EMBEDDED.search(client.get("/visits/new").get_data(as_text=True))
    return json.loads(match.group(1)) if match else None


def publish(version: str) -> int:
    supervisor = make_user("supervisor")
    published = publish_form(supervisor, upload_form(supervisor, programme_form(version), f"{version}.xlsx"))
    db.session.commit()
    return published.id


def test_visit_form_embeds_the_current_version_with_its_parsed_expressions(client):
    officer = make_user("officer")
    make_mipyme(officer)
    login(client, officer)
    assert embedded_definition(client) is None  # nothing published yet: the fixed visit only
    first = publish("1")
    shipped = embedded_definition(client)
    assert shipped["id"] == first
    amount = next(q for q in shipped["questions"] if q["name"] == "monto")
    assert amount["constraint_message"] == "El monto debe ser mayor que cero."
    assert amount["ast"]["constraint"] == [">", ["self"], ["num", 0]]
    second = publish("2")
    assert embedded_definition(client)["id"] == second


def test_visit_form_has_the_question_container_after_the_fixed_part(client):
    officer = make_user("officer")
    make_mipyme(officer)
    login(client, officer)
    html = client.get("/visits/new").get_data(as_text=True)
    assert html.index('data-photo-input') < html.index("data-form-questions") < html.index("data-save")
    assert 'data-zone="America/Bogota"' in html


def test_worker_precaches_the_form_modules_for_offline_use(client):
    worker = client.get("/service-worker.js").get_data(as_text=True)
    # The worker precaches each file under its content-hashed name (fieldwork/web/static_files.py).
    for module in ("xpath", "validate", "render", "visit-questions", "definitions", "answer-values"):
        assert re.search(rf"/static/js/forms/{module}\.[0-9a-f]{{12}}\.js", worker), module
    assert re.search(r"/static/css/forms\.[0-9a-f]{12}\.css", worker)
