"""schemathesis against the WSGI app, logged in as an officer, a supervisor and an owner.

Every operation of /api/v1/openapi.json gets generated requests (valid and invalid); every answer
must be something other than a 5xx and must match what the document says (status code, content
type, body schema). `make test` runs a few examples per operation and role; `make fuzz` sets
FIELDWORK_FUZZ_EXAMPLES for a longer run.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fieldwork import create_app
from fieldwork.config import TESTING
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login

EXAMPLES = int(os.environ.get("FIELDWORK_FUZZ_EXAMPLES", "8"))
#: The coverage phase (every boundary value of every parameter) takes minutes: `make fuzz` only.
LONG_RUN = "FIELDWORK_FUZZ_EXAMPLES" in os.environ
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture(params=["officer", "supervisor", "owner"])
def identity(request, app, make_client):
    """Records of two officers and two owners, and the session of one user of the given role."""
    officer, other_officer = make_user("officer"), make_user("officer")
    mine, theirs = make_mipyme(officer), make_mipyme(other_officer)
    for mipyme in (mine, theirs):
        make_visit(mipyme)
    people = {
        "officer": officer,
        "supervisor": make_user("supervisor"),
        "owner": make_user("owner", mipyme=mine),
    }
    make_user("owner", mipyme=theirs)
    client = make_client()
    login(client, people[request.param])
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return {"cookies": {cookie.key: cookie.value}, "headers": {"X-CSRFToken": client.csrf_token}}


# The document is read once at import from an app without a database (it needs none); each test
# then calls the `app` fixture's app, on its migrated database. (schemathesis.pytest.from_fixture
# would be the lazy way, but it reads a private pytest attribute that pytest 9 removed.)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app(TESTING),
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": LONG_RUN}}}),
)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_never_fails_and_answers_as_documented(case, app, identity):
    # Schemathesis's WSGI transport offers gzip like a browser but reads the body undecoded: ask for the
    # answer as it is (compression itself: tests/test_compression.py).
    headers = {**identity["headers"], **(case.headers or {}), "Accept-Encoding": "identity"}
    response = case.call(app=app, headers=headers, cookies=identity["cookies"])
    case.validate_response(response, checks=CHECKS)
