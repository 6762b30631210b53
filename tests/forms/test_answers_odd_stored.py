"""Pages that show stored answers never fail on a value the checks of today would refuse (stored before them)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fieldwork import confirmation_links as links
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.forms.fixtures import publish

ODD = [
    {"recibio_financiacion": "si", "monto": 1e27, "empleados_formales": 10**20, "empleados_total": "1e+27"},
    {"recibio_financiacion": "si", "monto": -1e300, "empleados_total": "Infinity", "renovo_matricula": 20260102},
    {"recibio_financiacion": ["si"], "monto": "mucho", "canales": "tienda redes", "empleados_formales": True,
     "observacion": {"a": 1}, "renovo_matricula": "2026-13-45"},
    {"recibio_financiacion": {"x": 1}, "canales": [1, None, {"a": 2}], "empleados_formales": "tres",
     "monto": [1, 2], "empleados_total": 1e27},
]


@pytest.mark.parametrize("answers", ODD)
def test_every_page_that_shows_stored_answers_answers_200(client, app, answers):
    version = publish()
    supervisor, officer = make_user("supervisor"), make_user("officer")
    mipyme = make_mipyme(officer)
    owner = make_user("owner", mipyme=mipyme)
    visit = make_visit(mipyme, officer, visited_at=datetime.now(UTC), form_version_id=version.id, answers=answers)
    token = links.make_token(visit)
    login(client, supervisor)
    for path in (f"/supervision/visits/{visit.id}", f"/supervision/mipymes/{mipyme.id}", "/supervision/",
                 "/supervision/visits.csv", "/supervision/visits.xlsx", "/supervision/visits",
                 f"/api/v1/visits/{visit.id}"):
        assert client.get(path).status_code == 200, path
    login(client, officer)
    assert client.get("/visits/mine").status_code == 200
    login(client, owner)
    assert client.get("/owner/").status_code == 200
    client.get("/logout")
    assert client.get("/c/" + token).status_code == 200
