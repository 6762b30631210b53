"""Pages that list visits show one page, with its count and links to the others, at a cost that does
not grow with the history: the same statements for a Mipyme with 3 visits as with 60, and the visit
log walked by its links (keyset, not OFFSET) lists every visit exactly once."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from fieldwork.extensions import db
from fieldwork.mipymes import projection
from fieldwork.mipymes.timeline import PER_PAGE
from fieldwork.models import Visit
from tests.builders import make_mipyme, make_user, make_visit, store_visits
from tests.conftest import login
from tests.test_query_count import counting_statements

NOW = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)


def add_visits(mipyme, how_many: int, *, ties: bool = False) -> list[Visit]:
    """`how_many` visits, one a day back from NOW (in groups of three at one instant with `ties`)."""
    visits = [Visit(id=str(uuid.uuid4()), mipyme_id=mipyme.id, officer_id=mipyme.officer_id,
                    visited_at=NOW - timedelta(days=(i // 3 if ties else i) + 1), topics=["produccion"],
                    content_hash="0" * 64, employees=i % 7, monthly_sales_cop=1_000_000 + i)
              for i in range(how_many)]
    store_visits(visits)
    return visits


def newest_first(visits: list[Visit]) -> list[str]:
    return [v.id for v in sorted(visits, key=lambda v: (v.visited_at, v.id), reverse=True)]


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def link(html: str, rel_or_text: str) -> str | None:
    found = (re.search(rf'<a href="([^"]+)" rel="{rel_or_text}"', html)
             or re.search(rf'<a href="([^"]+)">[^<]*{rel_or_text}', html))
    return found.group(1).replace("&amp;", "&") if found else None


def statements(client, path: str) -> int:
    client.get(path)  # caches filled once per process
    with counting_statements() as sent:
        html_of(client.get(path))
    return len(sent)


@pytest.mark.parametrize("role", ["supervisor", "owner"])
def test_a_mipyme_page_costs_the_same_statements_for_3_and_60_visits(app, make_client, role):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    officer = make_user("officer")
    counts = {}
    for how_many in (3, 60):
        mipyme = make_mipyme(officer)
        add_visits(mipyme, how_many)
        client = make_client()
        login(client, make_user(role, mipyme=mipyme if role == "owner" else None))
        path = "/owner/" if role == "owner" else f"/supervision/mipymes/{mipyme.id}"
        counts[how_many] = statements(client, path)
        html = html_of(client.get(path))
        assert f"{how_many} visitas, de la más reciente a la más antigua." in html
        if how_many > PER_PAGE:
            assert f"Página 1 de {-(-how_many // PER_PAGE)}" in html
    assert counts[3] == counts[60]


def test_the_owner_walks_their_visits_page_by_page(app, client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    visits = add_visits(mipyme, PER_PAGE + 5)
    login(client, make_user("owner", mipyme=mipyme))
    first = html_of(client.get("/owner/"))
    second = html_of(client.get(link(first, "next")))
    ids = re.findall(r'id="visit-([0-9a-f-]{36})"', first) + re.findall(r'id="visit-([0-9a-f-]{36})"', second)
    assert ids == newest_first(visits)
    assert "Página 2 de 2" in second and link(second, "next") is None
    assert f"Tiene {PER_PAGE + 5} visitas por confirmar." in second  # the whole count, not the page's


def test_walking_the_visit_log_by_its_links_lists_every_visit_once(app, client):
    officer = make_user("officer")
    visits = add_visits(make_mipyme(officer), 14, ties=True) + add_visits(make_mipyme(officer), 9, ties=True)
    login(client, make_user("supervisor"))
    expected = newest_first(visits)

    def ids(html: str) -> list[str]:
        return re.findall(r'href="/supervision/visits/([0-9a-f-]{36})"', html)

    page = html_of(client.get("/supervision/visits?per_page=5"))
    assert "23 visitas" in page and "Página 1 de 5" in page
    pages = [page]
    while (following := link(page, "next")) is not None:
        page = html_of(client.get(following))
        pages.append(page)
    assert [i for p in pages for i in ids(p)] == expected  # ties at one instant neither lost nor repeated
    assert "Página 5 de 5" in pages[-1] and len(ids(pages[-1])) == 3

    back = [page]
    while (preceding := link(page, "prev")) is not None:
        page = html_of(client.get(preceding))
        back.append(page)
    assert [ids(p) for p in back[::-1]] == [ids(p) for p in pages]

    last = html_of(client.get(link(pages[0], "Última")))
    assert ids(last) == expected[-3:] and "Página 5 de 5" in last
    first = html_of(client.get(link(last, "Primera")))
    assert ids(first) == expected[:5]


def test_an_edited_page_link_shows_the_first_page(app, client):
    officer = make_user("officer")
    visits = add_visits(make_mipyme(officer), 7)
    login(client, make_user("supervisor"))
    for broken in ("after=nonsense", "after=20260101T000000.000000", "before=2026~x&page=3", "page=999999999"):
        html = html_of(client.get(f"/supervision/visits?per_page=5&{broken}"))
        assert "Página 1 de 2" in html or broken.startswith("before")
        assert re.findall(r'href="/supervision/visits/([0-9a-f-]{36})"', html)[:1] in ([newest_first(visits)[0]], [])


def test_the_dispute_queue_shows_a_page_with_its_count(app, client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    for day in range(25):
        make_visit(mipyme, visited_at=NOW - timedelta(days=day + 1), owner_confirmation="disputed",
                   owner_comment=f"Queja {day}", confirmed_at=NOW - timedelta(hours=day))
    login(client, make_user("supervisor"))
    html = html_of(client.get("/supervision/"))
    section = html.split('id="disputas"')[1]
    assert "25 disputas abiertas, las más antiguas primero." in section
    assert section.count('class="resolve"') == 20 and "Página 1 de 2" in section
    second = html_of(client.get(link(section, "next"))).split('id="disputas"')[1]
    assert second.count('class="resolve"') == 5 and "Queja 0" in second  # the newest dispute comes last


@pytest.mark.parametrize("path", ["/api/v1/visits?page=1000000&per_page=1000",
                                  "/api/v1/mipymes?page=1000000&per_page=1000"])
def test_a_huge_api_page_number_answers_an_empty_page(app, client, path):
    officer = make_user("officer")
    add_visits(make_mipyme(officer), 3)
    login(client, make_user("supervisor"))
    response = client.get(path)
    assert response.status_code == 200
    assert response.get_json()["items"] == [] and response.get_json()["total"] > 0


def test_a_commit_that_touched_no_mipyme_sends_no_summary_statement(app):
    with counting_statements() as sent:
        projection.touch([])
        db.session.commit()
    assert not [statement for statement in sent if "mipyme" in statement]
