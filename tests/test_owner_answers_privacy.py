"""Owners' API answers leave out what is not theirs to see: the officer's GPS position and the
supervisor's comment to the officer (API.md); officers and supervisors still get both."""
from __future__ import annotations

from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login


def test_owners_api_answers_leave_out_the_officers_gps_location(client, make_client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    visit = make_visit(mipyme, officer, latitude=10.4631, longitude=-73.2532, accuracy_m=8.0)
    supervisor = make_client()
    login(supervisor, make_user("supervisor"))
    assert supervisor.get(f"/api/v1/visits/{visit.id}").get_json()["location"]["lat"] == 10.4631
    login(client, make_user("owner", mipyme=mipyme))
    listed = client.get("/api/v1/visits").get_json()["items"][0]
    one = client.get(f"/api/v1/visits/{visit.id}").get_json()
    answered = client.post(f"/api/v1/visits/{visit.id}/confirmation", json={"decision": "confirmed"}).get_json()
    for body in (listed, one, answered):
        assert body["id"] == visit.id
        assert "location" not in body and "10.4631" not in str(body) and "73.2532" not in str(body)
