"""A visit's title (issue 18 item 5): the form's instance_name over the answers the server keeps, stored with
the visit and read by the officer's lists, the supervisor's visit log and Mipyme page, the API and the exports;
a visit without one reads as before, and the lists cost no statement more for it."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from fieldwork.extensions import db
from fieldwork.forms.visit_answers import fill_titles, list_title
from fieldwork.models import Visit
from fieldwork.models.visit import TITLE_MAX_CHARS
from tests.builders import make_mipyme, make_user, visit_payload
from tests.conftest import login
from tests.forms.fixtures import publish
from tests.forms.xlsform import question, xlsform
from tests.test_query_count import counting_statements

SYNC = "/api/v1/visits/sync"
TITLE = "concat(${producto}, ' – ', ${unidades})"
# An officer's card and a Mipyme page's timeline entry: the heading, then the line below it.
CARD = re.compile(r'<h3 class="card-title"( data-visit-title)?>(.*?)</h3>\s*<p class="muted">(.*?)</p>', re.S)
LOGGED = re.compile(r"<strong data-visit-title>(.*?)</strong>")


def product_form(instance_name: str | None = TITLE, form_id: str = "produccion") -> bytes:
    settings = {"form_title": "Producción", "form_id": form_id, "version": "1"}
    if instance_name:
        settings["instance_name"] = instance_name
    return xlsform([question("text", "producto", "Producto", required="yes"),
                    question("integer", "unidades", "Unidades")], None, settings)


@pytest.fixture
def world(app, make_client):
    officer, supervisor = make_user("officer"), make_user("supervisor")
    mipyme = make_mipyme(officer, name="Taller Ñapa")
    phone, office = make_client(), make_client()
    login(phone, officer)
    login(office, supervisor)
    return {"officer": officer, "mipyme": mipyme, "phone": phone, "office": office}


def send(world, version, answers, **fields):
    visit = visit_payload(world["mipyme"].id, **{"form_version_id": version.id, "answers": answers, **fields})
    result = world["phone"].post(SYNC, json={"visits": [visit]}).get_json()["results"][0]
    assert result["status"] in ("created", "updated"), result
    return visit


def cards(html: str) -> list[tuple[bool, str, str]]:
    """(titled, heading, the line below) of each card of a page."""
    return [(bool(titled), heading.strip(), " ".join(below.split())) for titled, heading, below in CARD.findall(html)]


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_title_leads_the_officers_list_the_visit_log_the_mipyme_page_and_the_api(world):
    version = publish(product_form())
    # A phone's own title is never trusted: the server computes it from the answers it keeps.
    visit = send(world, version, {"producto": "Mochilas", "unidades": 12}, title="Lo que diga el teléfono")
    [(titled, heading, below)] = cards(page(world["phone"], "/visits/mine"))
    assert titled and heading == "Mochilas – 12" and below.startswith("Taller Ñapa · ")
    assert len(cards(page(world["phone"], "/visits/mine?q=mochilas"))) == 1  # the officer's search reads it
    assert cards(page(world["phone"], "/visits/mine?q=sombreros")) == []
    log = page(world["office"], "/supervision/visits")
    assert LOGGED.findall(log) == ["Mochilas – 12"] and "Taller Ñapa</a>" in log
    [(titled, heading, below)] = cards(page(world["office"], f"/supervision/mipymes/{world['mipyme'].id}"))
    assert titled and "Mochilas – 12" in heading and "Officer" in below  # the day and the officer below it
    assert world["office"].get(f"/api/v1/visits/{visit['id']}").get_json()["title"] == "Mochilas – 12"
    assert [v["title"] for v in world["phone"].get("/api/v1/visits").get_json()["items"]] == ["Mochilas – 12"]
    body = world["office"].get("/supervision/visits.csv").get_data().decode("utf-8-sig")
    header, _labels, row = csv.reader(io.StringIO(body), delimiter=";")  # codes, then the questions' labels
    assert dict(zip(header, row, strict=True))["Título"] == "Mochilas – 12"


def test_an_edit_and_a_correction_change_the_title_with_the_answers(world):
    version = publish(product_form())
    visit = send(world, version, {"producto": "Mochilas", "unidades": 12})
    send(world, version, {"producto": "Mochilas", "unidades": 15}, id=visit["id"], revision=2)
    api = f"/api/v1/visits/{visit['id']}"
    assert world["office"].get(api).get_json()["title"] == "Mochilas – 15"
    returned = world["office"].post(f"{api}/review", json={"decision": "returned", "comment": "Revise el producto",
                                                           "revision": 2})
    assert returned.status_code == 200, returned.get_json()
    [(titled, heading, below)] = cards(page(world["phone"], "/visits/"))  # "Por corregir" on the agenda
    assert titled and heading == "Mochilas – 15" and below.startswith("Taller Ñapa · ")
    send(world, version, {"producto": "Sombreros vueltiaos", "unidades": 15}, id=visit["id"], revision=3)
    assert world["office"].get(api).get_json()["title"] == "Sombreros vueltiaos – 15"
    assert LOGGED.findall(page(world["office"], "/supervision/visits")) == ["Sombreros vueltiaos – 15"]
    # Without the form's answers the visit has no title any more.
    send(world, version, None, id=visit["id"], revision=4, form_version_id=None)
    assert world["office"].get(api).get_json()["title"] is None


def test_a_form_without_instance_name_leaves_the_lists_as_they_were(world):
    version = publish(product_form(instance_name=None))
    visit = send(world, version, {"producto": "Mochilas", "unidades": 12})
    [(titled, heading, below)] = cards(page(world["phone"], "/visits/mine"))
    assert not titled and heading == "Taller Ñapa" and "Taller Ñapa" not in below
    assert "data-visit-title" not in page(world["office"], "/supervision/visits")
    [(titled, heading, _below)] = cards(page(world["office"], f"/supervision/mipymes/{world['mipyme'].id}"))
    assert not titled and "Mochilas" not in heading
    assert world["office"].get(f"/api/v1/visits/{visit['id']}").get_json()["title"] is None


def test_a_long_title_is_cut_with_an_ellipsis_to_what_the_column_holds(world):
    version = publish(product_form())
    visit = send(world, version, {"producto": "Mochila arhuaca tejida a mano " * 10, "unidades": 3})
    title = world["office"].get(f"/api/v1/visits/{visit['id']}").get_json()["title"]
    assert len(title) == TITLE_MAX_CHARS and title.endswith("…") and title.startswith("Mochila arhuaca tejida")


def test_the_migration_titles_the_visits_stored_before_titles_were(world):
    titled = send(world, publish(product_form()), {"producto": "Mochilas", "unidades": 12})
    plain = send(world, publish(product_form(instance_name=None, form_id="otro")), {"producto": "Arepas"})
    db.session.execute(update(Visit).values(title=None))  # as 0017's ADD COLUMN finds them
    fill_titles(db.session.connection())  # what migrations/versions/0017_visit_title.py runs
    db.session.commit()
    api = "/api/v1/visits/{}"
    assert world["office"].get(api.format(titled["id"])).get_json()["title"] == "Mochilas – 12"
    assert world["office"].get(api.format(plain["id"])).get_json()["title"] is None


@pytest.mark.parametrize(("computed", "shown"), [
    ("Mochilas – 12", "Mochilas – 12"),
    ("  Mochilas\n\n–  12 ", "Mochilas – 12"),  # one line in a list
    ("", None),
    (" \n ", None),
    ("a" * TITLE_MAX_CHARS, "a" * TITLE_MAX_CHARS),
    ("a" * (TITLE_MAX_CHARS + 1), "a" * (TITLE_MAX_CHARS - 1) + "…"),
])
def test_a_title_is_one_bounded_line(computed, shown):
    assert list_title(computed) == shown


def test_titled_lists_cost_the_same_statements_for_one_visit_as_for_many(world):
    version = publish(product_form())
    start = datetime.now(UTC) - timedelta(days=1)

    def sync(count: int, first: int) -> None:
        visits = [visit_payload(world["mipyme"].id, form_version_id=version.id, visited_at=(
            start + timedelta(minutes=first + n)).isoformat(), answers={"producto": f"P{first + n}", "unidades": n})
            for n in range(count)]
        assert {r["status"] for r in world["phone"].post(SYNC, json={"visits": visits}).get_json()["results"]} == {
            "created"}

    def statements() -> list[int]:
        counts = []
        for client, path in ((world["phone"], "/visits/mine"), (world["office"], "/supervision/visits")):
            with counting_statements() as sent:
                page(client, path)
            counts.append(len(sent))
        return counts

    sync(1, 0)
    few = statements()
    sync(11, 1)
    assert statements() == few
    assert len(LOGGED.findall(page(world["office"], "/supervision/visits"))) == 12
