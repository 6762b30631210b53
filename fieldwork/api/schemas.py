"""marshmallow schemas: the one definition of the API's shapes (and of its OpenAPI document)."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from fieldwork.mipymes.flags import FLAG_CODES
from fieldwork.models import MAX_ID, ROLES, SECTORS
from fieldwork.text import schema_messages  # noqa: F401  (Spanish messages before any schema is built)

MAX_PER_PAGE = 1000


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class LenientSchema(Schema):
    class Meta:
        unknown = EXCLUDE


def _at_most(limit: int, what: str) -> validate.Length:
    return validate.Length(max=limit, error=f"{what} admite hasta {{max}} caracteres.")


class LoginSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(
        min=1, max=64, error="Escriba su usuario (hasta {max} caracteres)."))
    password = fields.String(required=True, validate=validate.Length(
        min=1, max=256, error="Escriba su contraseña (hasta {max} caracteres)."))


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
    mipyme_id = fields.Integer(allow_none=True)
    must_change_password = fields.Boolean(metadata={
        "description": "La contraseña la eligió un administrador: hasta cambiarla en /account/password, "
                       "la API responde 403 salvo la sesión."})


class SessionSchema(Schema):
    user = fields.Nested(UserSchema)
    csrf_token = fields.String()


class PageArgsSchema(LenientSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class MipymeArgsSchema(PageArgsSchema):
    flag = fields.String(validate=validate.OneOf(FLAG_CODES))
    officer_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    sector = fields.String(validate=validate.OneOf(SECTORS))
    q = fields.String(validate=_at_most(160, "La búsqueda"))
    include_inactive = fields.Boolean(load_default=False)


class MipymeInputSchema(StrictSchema):
    """What a supervisor may send to create or change a Mipyme."""

    name = fields.String(
        required=True, validate=validate.Length(min=1, max=160, error="Escriba el nombre (hasta 160 caracteres)."))
    sector = fields.String(
        required=True, validate=validate.OneOf(SECTORS, error="Sector desconocido. Use uno de: {choices}."))
    officer_id = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    nit = fields.String(allow_none=True, validate=_at_most(20, "El NIT"))
    owner_name = fields.String(allow_none=True, validate=_at_most(120, "El nombre del propietario"))
    phone = fields.String(allow_none=True, validate=_at_most(32, "El teléfono"))
    address = fields.String(allow_none=True, validate=_at_most(200, "La dirección"))
    neighborhood = fields.String(allow_none=True, validate=_at_most(120, "El barrio"))
    active = fields.Boolean()
    enrolled_on = fields.Date(metadata={"description": "El día en que la Mipyme ingresó al programa "
                                                       "(por defecto, el día en que se registra)."})


class MipymeSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    nit = fields.String(allow_none=True)
    sector = fields.String()
    officer_id = fields.Integer(allow_none=True)
    owner_name = fields.String()
    phone = fields.String()
    address = fields.String()
    neighborhood = fields.String()
    active = fields.Boolean()
    enrolled_on = fields.Date()
    visit_count = fields.Integer()
    last_visit_at = fields.AwareDateTime(allow_none=True)
    next_follow_up_due = fields.Date(allow_none=True)
    flags = fields.List(fields.String())
