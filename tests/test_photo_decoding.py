"""What one photo, and one officer's photos, can cost the server: crafted images with huge dimensions and
tiny files are refused before their pixels are decoded, cameras' JPEGs are decoded at reduced size, and
each officer has a budget of decoded megapixels."""
from __future__ import annotations

import io
import struct
import tracemalloc
import uuid
import zlib

import pytest
from PIL import Image

from fieldwork import create_app
from fieldwork.config import TESTING
from fieldwork.extensions import db
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import CsrfClient, login
from tests.test_photos import photo_count, upload

BLOCK = Image.core.get_block_size()  # Pillow keeps pixels in blocks of at most this many bytes


@pytest.fixture
def world(app, make_client):
    officer = make_user("officer")
    client = make_client()
    login(client, officer)
    return {"visit": make_visit(make_mipyme(officer), officer), "client": client}


def plain(fmt: str, size: tuple[int, int]) -> bytes:
    """One colour: millions of pixels in a few kilobytes, as a decompression bomb is made."""
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format=fmt)
    return out.getvalue()


def costly(client, visit_id: str, data: bytes, filename: str):
    """Upload `data`; the answer, the Python memory peak and the pixel memory Pillow allocated meanwhile."""
    blocks = Image.core.get_stats()["allocated_blocks"]
    tracemalloc.start()
    try:
        response = upload(client, visit_id, data, filename=filename)
        python_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, python_peak, (Image.core.get_stats()["allocated_blocks"] - blocks) * BLOCK


@pytest.mark.parametrize("fmt, size", [("PNG", (4_800, 4_800)), ("WEBP", (3_000, 3_000)),
                                       ("JPEG", (20_000, 1_000))])
def test_small_files_with_huge_dimensions_are_refused_without_decoding_them(world, fmt, size):
    """A 78 KB PNG of 23 megapixels passed the 24 MP check and cost 1.5 s and 181 MB to decode; PNG and
    WebP cannot be decoded at reduced size, nor can a JPEG panorama only 1000 px high."""
    data = plain(fmt, size)
    assert len(data) < 400_000  # against 58-92 MB of pixels once decoded
    response, python_peak, pixel_memory = costly(world["client"], world["visit"].id, data, f"foto.{fmt.lower()}")
    assert response.status_code == 400
    message = response.get_json()["errors"]["file"][0]
    assert "demasiado grande para procesarla" in message and "6 megapíxeles" in message
    assert "Envíela como JPEG o redúzcala" in message
    assert pixel_memory <= BLOCK and python_peak < 5_000_000  # the full image would be 58-92 MB
    assert photo_count() == 0


def test_a_cameras_jpeg_is_decoded_at_reduced_size_and_the_phones_photos_are_stored_as_sent(world):
    """Draft mode decodes a 6000 x 4000 JPEG at a quarter of its sides: 6 MB of pixels instead of 96 MB.
    The phone's photos (1600 px at most, static/js/photos.js) keep their size."""
    client, visit_id = world["client"], world["visit"].id
    response, _, pixel_memory = costly(client, visit_id, plain("JPEG", (6_000, 4_000)), "f.jpg")
    assert response.status_code == 201
    assert (response.get_json()["width"], response.get_json()["height"]) == (1_500, 1_000)
    assert pixel_memory <= 2 * BLOCK
    phones = upload(client, visit_id, plain("JPEG", (1_600, 1_200))).get_json()
    assert (phones["width"], phones["height"]) == (1_600, 1_200)


def test_an_officers_decoded_megapixels_have_a_budget_and_past_it_the_phone_waits(database, app):
    """RATELIMIT_PHOTO_MEGAPIXELS bounds the decoding work per officer, whatever the number of photos."""
    throttled = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": True,
                            "RATELIMIT_PHOTO_MEGAPIXELS": "5 per minute", "PHOTO_FOLDER": app.config["PHOTO_FOLDER"]})
    throttled.test_client_class = CsrfClient
    with throttled.app_context():
        officer = make_user("officer", username="olga")
        visit = make_visit(make_mipyme(officer), officer)
        client = throttled.test_client()
        login(client, officer)
        photo = plain("JPEG", (1_600, 1_200))  # 1.92 MP: counted as 2
        assert [upload(client, visit.id, photo).status_code for _ in range(2)] == [201, 201]
        refused = upload(client, visit.id, photo, photo_id=str(uuid.uuid4()))
        assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
        assert "La foto sigue en el teléfono" in refused.get_json()["errors"]["_schema"][0]
        assert photo_count() == 2
        db.session.remove()
        db.engine.dispose()


def test_a_png_of_compressed_text_chunks_is_refused_without_inflating_them(world):
    """70 KB of zTXt chunks inflate to 70 MB of text: Pillow read up to 64 MB of it before refusing."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    small = plain("PNG", (10, 10))
    text = b"".join(chunk(b"zTXt", b"k%d\0\0" % i + zlib.compress(b"a" * 1_000_000, 9)) for i in range(70))
    response, python_peak, _ = costly(world["client"], world["visit"].id, small[:33] + text + small[33:], "f.png")
    assert response.status_code == 400
    assert "no es una imagen JPEG, PNG o WebP válida" in response.get_json()["errors"]["file"][0]
    assert python_peak < 8_000_000
