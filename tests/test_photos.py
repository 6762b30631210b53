"""Visit photos: verified and cleaned by Pillow, idempotent by photo id, shown only to who may see the visit."""
from __future__ import annotations

import errno
import io
import os
import struct
import uuid
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import Photo
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: object) -> bytes:
    image = Image.new(mode, size, color=(200, 120, 40) if mode == "RGB" else None)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def jpeg_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the phone was held upright: rotate 90° clockwise to display
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (10.0, 27.0, 47.0), 3: "W", 4: (73.0, 15.0, 12.0)})
    exif[0x010F] = "PhoneMaker"
    return image_bytes("JPEG", size=(80, 40), exif=exif.tobytes())


@pytest.fixture
def world(app, make_client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    visit = make_visit(mipyme, officer)
    client = make_client()
    login(client, officer)
    return {"officer": officer, "mipyme": mipyme, "visit": visit, "client": client}


def upload(client, visit_id: str, data: bytes, photo_id: str | None = None, filename: str = "foto.jpg"):
    form = {"photo_id": photo_id or str(uuid.uuid4()), "file": (io.BytesIO(data), filename)}
    return client.post(f"/api/v1/visits/{visit_id}/photos", data=form, content_type="multipart/form-data")


def fetch(client, url: str):
    """GET a photo and close the streamed file (send_file answers with an open file)."""
    with client.get(url) as response:
        response.data  # noqa: B018  (read before the file closes)
        return response


def photo_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Photo))


@pytest.mark.parametrize("fmt, content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_valid_image_is_stored_and_served_with_its_type(world, fmt, content_type):
    response = upload(world["client"], world["visit"].id, image_bytes(fmt))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["content_type"] == content_type and (body["width"], body["height"]) == (64, 48)
    served = fetch(world["client"], body["url"])
    assert served.status_code == 200 and served.mimetype == content_type
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.format == fmt and image.size == (64, 48)
    visit = world["client"].get(f"/api/v1/visits/{world['visit'].id}").get_json()
    assert [p["id"] for p in visit["photos"]] == [body["id"]]


def test_gps_and_camera_metadata_are_stripped_and_rotation_applied(world):
    response = upload(world["client"], world["visit"].id, jpeg_with_gps_and_rotation())
    assert response.status_code == 201
    served = fetch(world["client"], response.get_json()["url"])
    with Image.open(io.BytesIO(served.data)) as image:
        exif = image.getexif()
        assert image.size == (40, 80)  # upright, so no viewer rotates it twice
        assert GPS_IFD not in exif and 0x010F not in exif and ORIENTATION not in exif
    assert b"PhoneMaker" not in served.data


def test_text_file_named_jpg_is_rejected(world):
    response = upload(world["client"], world["visit"].id, b"<html>no soy una foto</html>\n" * 20)
    assert response.status_code == 400
    assert response.get_json()["errors"]["file"] == ["El archivo no es una imagen JPEG, PNG o WebP válida."]
    assert photo_count() == 0


@pytest.mark.parametrize("data", [
    image_bytes("GIF", mode="P"),            # a real image, but not a type the API accepts
    image_bytes("JPEG")[:200],               # truncated upload
    b"",                                     # empty
])
def test_other_formats_truncated_and_empty_files_are_rejected(world, data):
    response = upload(world["client"], world["visit"].id, data)
    assert response.status_code == 400 and "file" in response.get_json()["errors"]
    assert photo_count() == 0


def test_photo_over_the_size_limit_is_rejected(app, world):
    app.config["MAX_PHOTO_BYTES"] = 2_000
    response = upload(world["client"], world["visit"].id, image_bytes("PNG", size=(300, 300), mode="RGB")
                      + b"\0" * 3_000)
    assert response.status_code == 413
    assert "pesa más de" in response.get_json()["errors"]["file"][0]
    assert photo_count() == 0


def test_image_with_absurd_dimensions_is_rejected_before_decoding(world):
    # 8000 x 6000 pixels of one colour compress to a few kB, and would take 48 MP of memory once decoded.
    bomb = image_bytes("PNG", size=(8_000, 6_000), mode="1")
    response = upload(world["client"], world["visit"].id, bomb)
    assert response.status_code == 400
    assert "demasiados píxeles" in response.get_json()["errors"]["file"][0]


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares `width` x `height` and holds no pixels: only a decoder would notice."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(8_000, 5_000), (40_000_000, 1), (6_001, 4_000)])
def test_forty_megapixel_png_is_refused_from_its_header_with_a_clear_error(world, size):
    """The outside tester's 40 MP PNG: refused by its declared size, before any pixel is decoded (this
    one has none: a decoder would have answered "not a valid image")."""
    response = upload(world["client"], world["visit"].id, png_header_only(*size), filename="foto.png")
    assert response.status_code == 400
    message = response.get_json()["errors"]["file"][0]
    assert "demasiados píxeles" in message and "24 megapíxeles" in message
    assert photo_count() == 0


def test_retried_upload_answers_200_with_the_stored_photo(world):
    photo_id = str(uuid.uuid4())
    first = upload(world["client"], world["visit"].id, image_bytes(), photo_id=photo_id)
    again = upload(world["client"], world["visit"].id, image_bytes(), photo_id=photo_id.upper())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert photo_count() == 1


def test_photo_id_of_another_visit_is_refused(world):
    photo_id = str(uuid.uuid4())
    upload(world["client"], world["visit"].id, image_bytes(), photo_id=photo_id)
    second_visit = make_visit(world["mipyme"], world["officer"])
    response = upload(world["client"], second_visit.id, image_bytes(), photo_id=photo_id)
    assert response.status_code == 409 and "photo_id" in response.get_json()["errors"]


@pytest.mark.parametrize("form, field", [
    ({"photo_id": "no-es-uuid"}, "photo_id"),
    ({}, "photo_id"),
    ({"photo_id": str(uuid.uuid4())}, "file"),
])
def test_missing_or_bad_form_fields_get_field_errors(world, form, field):
    response = world["client"].post(f"/api/v1/visits/{world['visit'].id}/photos", data=form,
                                    content_type="multipart/form-data")
    assert response.status_code == 400 and field in response.get_json()["errors"]


def test_another_officer_cannot_add_photos(world, make_client):
    other = make_client()
    login(other, make_user("officer"))
    response = upload(other, world["visit"].id, image_bytes())
    assert response.status_code == 403, response.get_json()
    assert photo_count() == 0


def test_photo_for_a_visit_not_synced_yet_is_404(world):
    assert upload(world["client"], str(uuid.uuid4()), image_bytes()).status_code == 404


def test_full_disk_answers_507_and_stores_no_row(world, monkeypatch, app):
    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    response = upload(world["client"], world["visit"].id, image_bytes())
    assert response.status_code == 507
    assert "no tiene espacio" in response.get_json()["errors"]["file"][0]
    assert photo_count() == 0
    leftovers = [name for _, _, names in os.walk(app.config["PHOTO_FOLDER"]) for name in names]
    assert leftovers == []  # the temporary file was removed


def test_missing_csrf_header_stores_nothing(world):
    form = {"photo_id": str(uuid.uuid4()), "file": (io.BytesIO(image_bytes()), "a.jpg")}
    response = world["client"].post(f"/api/v1/visits/{world['visit'].id}/photos", data=form,
                                    content_type="multipart/form-data", csrf=False)
    assert response.status_code == 400 and photo_count() == 0


def test_owner_of_the_mipyme_can_see_the_photo_and_other_owners_cannot(world, make_client):
    url = upload(world["client"], world["visit"].id, image_bytes()).get_json()["url"]
    owner, stranger, supervisor = make_client(), make_client(), make_client()
    login(owner, make_user("owner", mipyme=world["mipyme"]))
    login(stranger, make_user("owner", mipyme=make_mipyme(make_user("officer"))))
    login(supervisor, make_user("supervisor"))
    assert fetch(owner, url).status_code == 200
    assert fetch(supervisor, url).status_code == 200
    assert fetch(stranger, url).status_code == 404


def test_other_officer_and_anonymous_cannot_fetch_the_photo(world, make_client, client):
    url = upload(world["client"], world["visit"].id, image_bytes()).get_json()["url"]
    other = make_client()
    login(other, make_user("officer"))
    assert fetch(other, url).status_code == 404
    anonymous = fetch(client, url)
    assert anonymous.status_code == 401 and anonymous.is_json


def test_unknown_photo_is_404(world):
    assert world["client"].get(f"/api/v1/photos/{uuid.uuid4()}").status_code == 404


def test_an_approved_visit_takes_no_new_photo(world):
    world["visit"].review_status = "approved"
    db.session.commit()
    response = upload(world["client"], world["visit"].id, image_bytes())
    assert response.status_code == 409
    assert "ya fue aprobada" in response.get_json()["errors"]["file"][0]
    assert photo_count() == 0


def test_a_photo_already_stored_is_still_acknowledged_after_approval(world):
    """The phone retries an upload whose answer it lost; approval came in between: still 200."""
    photo_id = str(uuid.uuid4())
    assert upload(world["client"], world["visit"].id, image_bytes(), photo_id=photo_id).status_code == 201
    world["visit"].review_status = "approved"
    db.session.commit()
    assert upload(world["client"], world["visit"].id, image_bytes(), photo_id=photo_id).status_code == 200


def test_a_new_photo_on_a_confirmed_visit_asks_the_owner_again(world):
    visit = world["visit"]
    visit.owner_confirmation = "confirmed"
    db.session.commit()
    assert upload(world["client"], visit.id, image_bytes()).status_code == 201
    db.session.expire_all()
    assert visit.owner_confirmation == "pending" and visit.confirmed_at is None
