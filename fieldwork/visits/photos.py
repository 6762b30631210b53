"""Visit photos: verified and re-encoded with Pillow, stored atomically, idempotent by photo id.

Re-encoding from pixels is what strips metadata (EXIF with the phone's GPS position, XMP, comments)
and what defeats polyglot files: only what Pillow decoded as an image is ever written or served.
Each format is kept: JPEG stays JPEG (quality 85), WebP stays WebP, and PNG stays PNG because PNGs
are usually screenshots or scanned documents (an invoice, a price list) whose text blurs as JPEG and
whose transparency JPEG cannot hold.
"""
from __future__ import annotations

import errno
import hashlib
import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError
from sqlalchemy.exc import IntegrityError

from fieldwork.database import lock_for_writing
from fieldwork.extensions import db
from fieldwork.models import Photo, User, Visit
from fieldwork.services import ServiceError
from fieldwork.visits import lifecycle
from fieldwork.web.throttle import spend_photo_work

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
EXTENSIONS = {content_type: ext for content_type, ext in FORMATS.values()}
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)

# PNG text chunks are decompressed as the file is read, up to 64 MB by Pillow's default (a 70 KB file of
# zTXt chunks cost 69 MB); we drop them all when re-encoding, so a little is plenty. Applies process-wide:
# photos are the only PNGs this server reads.
PngImagePlugin.MAX_TEXT_MEMORY = 1024 * 1024


@dataclass
class StoredPhoto:
    photo: Photo
    created: bool  # False: this photo id was already stored for this visit (a retried upload)


def photo_path(photo: Photo) -> str:
    """Where the bytes of `photo` live: PHOTO_FOLDER/<first two hex digits>/<id>.<ext>."""
    folder = current_app.config["PHOTO_FOLDER"]
    return os.path.join(folder, photo.id[:2], f"{photo.id}.{EXTENSIONS[photo.content_type]}")


def store_photo(visit: Visit, photo_id: str, stream: IO[bytes], actor: User, via: str = "api") -> StoredPhoto:
    """Verify, clean and store one photo of `visit`; the same photo id again returns the stored one."""
    existing = db.session.get(Photo, photo_id)
    if existing is not None:
        return _already_stored(existing, visit)
    lifecycle.check_photo(visit)  # before reading the bytes; photo_added checks again on the locked row
    data = _read_limited(stream, current_app.config["MAX_PHOTO_BYTES"])
    image_bytes, fmt, width, height = clean_image(data, current_app.config["MAX_PHOTO_PIXELS"])
    content_type = FORMATS[fmt][0]
    photo = Photo(id=photo_id, visit_id=visit.id, content_type=content_type, width=width, height=height,
                  size_bytes=len(image_bytes), sha256=hashlib.sha256(image_bytes).hexdigest())
    _write_atomically(photo_path(photo), image_bytes)
    lock_for_writing()  # before the savepoint: on SQLite a SAVEPOINT must sit in a real transaction
    try:
        with db.session.begin_nested():
            db.session.add(photo)
            lifecycle.photo_added(visit, actor, photo_id, via=via)
    except IntegrityError:
        # The same upload retried concurrently: the other request stored the row first.
        existing = db.session.get(Photo, photo_id)
        if existing is None:
            raise
        return _already_stored(existing, visit)
    return StoredPhoto(photo, created=True)


def _already_stored(existing: Photo, visit: Visit) -> StoredPhoto:
    if existing.visit_id != visit.id:
        raise ServiceError({"photo_id": [_("Este identificador de foto ya pertenece a otra visita.")]}, status=409)
    return StoredPhoto(existing, created=False)


def _read_limited(stream: IO[bytes], limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ServiceError({"file": [_("La foto pesa más de %(mb)d MB.", mb=limit // (1024 * 1024))]}, status=413)
    if not data:
        raise ServiceError({"file": [_("El archivo está vacío.")]})
    return data


def clean_image(data: bytes, max_pixels: int) -> tuple[bytes, str, int, int]:
    """Decode `data` as JPEG, PNG or WebP within MAX_PHOTO_DECODE_PIXELS and re-encode it upright, without
    metadata and at most MAX_PHOTO_SIDE px a side."""
    config = current_app.config
    not_an_image = ServiceError({"file": [_("El archivo no es una imagen JPEG, PNG o WebP válida.")]}, status=400)
    too_big = ServiceError({"file": [_("La imagen tiene demasiados píxeles (máximo %(mp)d megapíxeles).",
                                       mp=max_pixels // 1_000_000)]}, status=400)
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past MAX_IMAGE_PIXELS; our own lower limit is checked first.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as probe:
                fmt = probe.format
                if probe.width * probe.height > max_pixels:  # from the header, before any pixel is decoded
                    raise too_big
                probe.verify()  # checksums and structure, without decoding the pixels
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                _decode_bounded(image, config["MAX_PHOTO_SIDE"], config["MAX_PHOTO_DECODE_PIXELS"])
                icc_profile = image.info.get("icc_profile")
                ImageOps.exif_transpose(image, in_place=True)
                image.thumbnail((config["MAX_PHOTO_SIDE"],) * 2)
                return _encode(image, fmt, icc_profile), fmt, image.width, image.height
    except ServiceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_big from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise not_an_image from error


def _decode_bounded(image: Image.Image, side: int, max_decoded: int) -> None:
    """Decode `image`'s pixels, never more than `max_decoded` of them, and count them in the officer's budget.

    A JPEG is decoded at 1/2, 1/4 or 1/8 of its size when it stays at least half of `side` (libjpeg's
    draft mode: a 24 MP camera photo costs 6 MP). PNG and WebP have no such mode: their pixels must fit
    whole (a 93 KB PNG of 23 MP cost 1.5 s and 181 MB). The phone sends JPEGs of 1600 px at most.
    """
    image.draft("RGB" if image.mode == "RGB" else None, (side // 2, side // 2))
    if image.width * image.height > max_decoded:
        raise ServiceError({"file": [_("La imagen es demasiado grande para procesarla: una PNG o WebP puede tener "
                                       "hasta %(mp)d megapíxeles. Envíela como JPEG o redúzcala e intente de nuevo.",
                                       mp=max_decoded // 1_000_000)]}, status=400)
    spend_photo_work(image.width * image.height)
    image.load()


def _encode(image: Image.Image, fmt: str, icc_profile: bytes | None) -> bytes:
    """Re-encode from pixels only: `info` is emptied so no EXIF, XMP or text chunk is carried over.

    The colour profile is kept on purpose: it is not personal data and without it colours shift.
    """
    if "transparency" in image.info:  # palette transparency lives in `info`: make it an alpha channel
        image = image.convert("RGBA")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image, icc_profile = image.convert("RGB"), None  # a CMYK profile does not describe RGB pixels
    elif fmt == "PNG" and image.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    image.info = {}
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "JPEG":
        options.update(quality=85, optimize=True, progressive=True)
    elif fmt == "WEBP":
        options.update(quality=85, method=4)
    else:
        options.update(compress_level=6)  # zlib 9 with `optimize` cost 6x the CPU for 12 % fewer bytes
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _write_atomically(path: str, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync, then rename: readers never see half a photo."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".upload-")
    except OSError as error:
        raise _storage_error(error) from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise _storage_error(error) from error


def _storage_error(error: OSError) -> ServiceError:
    current_app.logger.error("photo storage failed: %s", error)
    if error.errno in NO_SPACE:
        return ServiceError({"file": [_("El servidor no tiene espacio para guardar la foto. La foto sigue en "
                                        "el teléfono; se enviará más tarde.")]}, status=507)
    return ServiceError({"file": [_("No se pudo guardar la foto en el servidor. La foto sigue en el "
                                    "teléfono; se enviará más tarde.")]}, status=503)
