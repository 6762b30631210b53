"""One lookup of a visit by id for every page and API route (fieldwork/visits/access.py: visit_or_404):
a UUID in capitals names the same visit everywhere, and a visit the caller may not see is a 404."""
from __future__ import annotations

import pytest

from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login


@pytest.fixture
def visit(app):
    officer = make_user("officer", username="olga")
    return make_visit(make_mipyme(officer), officer)


@pytest.mark.parametrize("path", ["/supervision/visits/{id}", "/api/v1/visits/{id}",
                                  "/api/v1/visits/{id}/confirmation-link"])
def test_a_visit_id_in_capitals_names_the_same_visit(client, visit, path):
    make_user("supervisor", username="sofia")
    login(client, "sofia")
    assert client.get(path.format(id=visit.id.upper())).status_code == 200


def test_a_review_through_the_api_accepts_the_id_in_capitals(client, visit):
    make_user("supervisor", username="sofia")
    login(client, "sofia")
    response = client.post(f"/api/v1/visits/{visit.id.upper()}/review", json={"decision": "approved", "revision": 1})
    assert response.status_code == 200 and response.get_json()["review_status"] == "approved"


def test_another_officers_visit_is_missing_not_forbidden(client, visit):
    make_user("officer", username="omar")
    login(client, "omar")
    assert client.get(f"/api/v1/visits/{visit.id.upper()}").status_code == 404
