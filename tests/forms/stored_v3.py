"""A contract-v3 form stored by hand (forms-v3 spec §1: repeat markers, the new types) and visits answering it
(§2 shapes), for the tests of what shows and exports answers, independent of the upload that builds them."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fieldwork.extensions import db
from fieldwork.models import FormPublication, FormVersion, User


def _t(es: str, en: str | None = None) -> dict[str, str]:
    return {"es": es, "en": en or es}


def _q(kind: str, name: str, es: str = "", en: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "label": _t(es, en), "required": False, **extra}


def _choices(*pairs: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"name": name, "label": _t(es, en)} for name, es, en in pairs]


KINDS = _choices(("calzado", "Calzado", "Footwear"), ("bolso", "Bolsos", "Bags"), ("otro", "Otro", "Other"))
PRIORITIES = _choices(("credito", "Crédito", "Credit"), ("ventas", "Ventas", "Sales"),
                      ("formacion", "Formación", "Training"))


def production_definition() -> dict[str, Any]:
    """The Kobo-style production form of issue 18: a repeat of products (with a nested repeat of sizes),
    a place, a photo, times and a rank."""
    return {"title": "Producción", "form_id": "produccion", "version": "3", "questions": [
        {"type": "start", "name": "start"},
        _q("text", "nombre", "Nombre del taller", "Workshop name"),
        _q("geopoint", "lugar", "Ubicación del taller", "Workshop location"),
        _q("image", "fachada", "Foto de la fachada", "Front photo"),
        _q("image", "letrero", "Foto del letrero", "Sign photo"),
        _q("time", "abre", "Hora de apertura", "Opening time"),
        _q("dateTime", "ultima_entrega", "Última entrega", "Last delivery"),
        _q("rank", "prioridades", "Prioridades", "Priorities", choices=PRIORITIES),
        _q("geotrace", "recorrido", "Recorrido", "Route"),
        _q("acknowledge", "acepta", "Acepta el registro", "Agrees"),
        _q("range", "satisfaccion", "Satisfacción", "Satisfaction", parameters={"start": 1, "end": 5, "step": 1}),
        {"type": "begin_repeat", "name": "productos", "label": _t("Productos", "Products")},
        _q("text", "producto", "Producto", "Product"),
        _q("select_one", "tipo", "Tipo de producto", "Kind of product", choices=KINDS),
        {"type": "begin_group", "name": "cifras", "label": _t("Cifras", "Figures")},
        _q("integer", "unidades", "Unidades al mes", "Units a month"),
        _q("decimal", "precio", "Precio unitario", "Unit price"),
        {"type": "end_group", "name": "cifras"},
        _q("calculate", "ventas", "Ventas del producto", "Product sales", calculation="${unidades} * ${precio}"),
        _q("image", "foto_producto", "Foto del producto", "Product photo"),
        {"type": "begin_repeat", "name": "tallas", "label": _t("Tallas", "Sizes")},
        _q("text", "talla", "Talla", "Size"),
        _q("integer", "pares", "Pares", "Pairs"),
        {"type": "end_repeat", "name": "tallas"},
        {"type": "end_repeat", "name": "productos"},
        {"type": "end", "name": "end"},
    ]}


PHOTO_STORED = "5f0c2f2e-8a63-4a4e-9d0b-3f6f0c2f2e11"
PHOTO_PENDING = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def production_answers() -> dict[str, Any]:
    return {
        "start": "2026-02-10T09:00:00-05:00", "end": "2026-02-10T09:40:12-05:00",
        "nombre": "Calzado Vallenato",
        "lugar": {"lat": 10.4631, "lon": -73.2532, "altitude": 168.0, "accuracy_m": 4.6},
        "fachada": PHOTO_STORED, "letrero": PHOTO_PENDING,
        "abre": "07:30:00", "ultima_entrega": "2026-02-09T20:15:00Z",
        "prioridades": ["ventas", "credito", "formacion"],
        "recorrido": [{"lat": 10.1, "lon": -73.2}, {"lat": 10.2, "lon": -73.3, "altitude": 5, "accuracy_m": 3}],
        "acepta": "OK", "satisfaccion": 4,
        "productos": [
            {"producto": "Abarcas", "tipo": "calzado", "unidades": 120, "precio": 35000.5, "ventas": "4200060",
             "foto_producto": PHOTO_STORED,
             "tallas": [{"talla": "38", "pares": 40}, {"talla": "40", "pares": 80}]},
            {"producto": "Mochilas", "tipo": "bolso", "unidades": 15, "precio": 90000, "ventas": "1350000"},
        ],
    }


def store_version(definition: dict[str, Any], supervisor: User, version: str | None = None,
                  publish: bool = True) -> FormVersion:
    """A version stored as the upload stores one, published (made current) unless told otherwise."""
    now = datetime.now(UTC)
    row = FormVersion(form_id=definition.get("form_id", "produccion"), version=version or definition["version"],
                      title=definition.get("title", "Producción"), filename="produccion.xlsx", original_file=b"",
                      definition=definition, uploaded_by_id=supervisor.id, uploaded_at=now,
                      published_at=now if publish else None)
    db.session.add(row)
    db.session.flush()
    if publish:
        db.session.add(FormPublication(form_version_id=row.id, published_by_id=supervisor.id, published_at=now))
    db.session.commit()
    return row


def store_photo(visit_id: str, photo_id: str = PHOTO_STORED) -> None:
    """A photo row as the upload keeps it (the page only needs to know it arrived)."""
    from fieldwork.models import Photo

    db.session.add(Photo(id=photo_id, visit_id=visit_id, content_type="image/jpeg", width=640, height=480,
                         size_bytes=1000, sha256=uuid.uuid4().hex * 2))
    db.session.commit()
