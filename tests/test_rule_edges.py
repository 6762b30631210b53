"""Edges of rules that a mutation run found unpinned: each mutant here survived the whole suite before."""
from __future__ import annotations

import io
import re
import struct
import uuid
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import func, select, update

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Photo, Visit
from fieldwork.owners.confirmation import confirm_visit
from fieldwork.services import ServiceError
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login

NOW = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)


@pytest.fixture
def officer(app):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    return make_user("officer")


def test_visits_por_revisar_count_only_the_submitted_ones(client, officer):
    mipyme = make_mipyme(officer)
    for status in ("submitted", "submitted", "returned", "approved"):
        make_visit(mipyme, visited_at=datetime(2026, 3, 2, 15, 0, tzinfo=UTC), review_status=status)
    login(client, make_user("supervisor"))
    html = client.get("/supervision/").get_data(as_text=True)
    # A returned visit waits for the officer, not for the supervisor.
    assert re.search(r"<strong>2</strong>\s*visitas por revisar", html)


def test_a_second_link_decision_committed_meanwhile_is_refused_by_the_database(officer):
    visit = make_visit(make_mipyme(officer))
    # Another link answer was stored after this one's page read the visit: the row says confirmed,
    # the object in hand still says pending, so only the UPDATE's guard can refuse.
    db.session.execute(update(Visit).where(Visit.id == visit.id).values(owner_confirmation="confirmed")
                       .execution_options(synchronize_session=False))
    assert visit.owner_confirmation == "pending"
    with pytest.raises(ServiceError) as refused:
        confirm_visit(visit, "disputed", "No vino.", answered_via="link")
    assert refused.value.status == 409
    assert refused.value.errors == {"decision": ["Ya se registró una respuesta para esta visita."]}
    assert db.session.scalar(select(Visit.owner_confirmation).where(Visit.id == visit.id)) == "confirmed"


@pytest.mark.parametrize(("answered_via", "via"), [("account", "link"), ("link", "web"), ("link_code", "api")])
def test_an_owner_answer_whose_way_and_channel_disagree_is_refused_and_nothing_stored(officer, answered_via, via):
    """`via` is the request's channel and `answered_via` the owner's way (issue 16 item 18): a caller that still
    passes the owner's way as `via` is stopped before anything is stored or logged as something it was not."""
    visit = make_visit(make_mipyme(officer))
    with pytest.raises(ValueError, match="cannot come through"):
        confirm_visit(visit, "confirmed", None, answered_via=answered_via, via=via)
    db.session.rollback()
    assert db.session.scalar(select(Visit.owner_confirmation).where(Visit.id == visit.id)) == "pending"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_an_approval_committed_meanwhile_is_reopened_by_the_owners_dispute(officer):
    visit = make_visit(make_mipyme(officer))
    # The approval was stored after the owner's page read the visit: the object in hand says submitted.
    # Issue 16 item 4: the dispute still lands, judged against the stored row, and reopens the visit.
    db.session.execute(update(Visit).where(Visit.id == visit.id).values(review_status="approved")
                       .execution_options(synchronize_session=False))
    confirm_visit(visit, "disputed", "No vino.")
    stored = db.session.execute(select(Visit.owner_confirmation, Visit.review_status)
                                .where(Visit.id == visit.id)).one()
    assert tuple(stored) == ("disputed", "submitted")
    details = db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "visit.disputed"))
    assert '"review_status": "approved→submitted"' in details


def png_with_a_broken_checksum() -> bytes:
    """A PNG whose pixels decode but whose IDAT checksum is wrong: only `verify()` notices."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    start = data.index(b"IDAT")
    length = struct.unpack(">I", data[start - 4:start])[0]
    data[start + 4 + length] ^= 0xFF  # the first byte of the chunk's CRC
    with Image.open(io.BytesIO(bytes(data))) as image:
        image.load()  # decoding alone accepts it
    return bytes(data)


def test_a_png_with_a_broken_checksum_is_refused(client, officer):
    visit = make_visit(make_mipyme(officer))
    login(client, officer)
    form = {"photo_id": str(uuid.uuid4()), "file": (io.BytesIO(png_with_a_broken_checksum()), "foto.png")}
    response = client.post(f"/api/v1/visits/{visit.id}/photos", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"file": ["El archivo no es una imagen JPEG, PNG o WebP válida."]}
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
