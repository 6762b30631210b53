"""marshmallow schemas: the one definition of the API's shapes (and of its OpenAPI document)."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from fieldwork.ciiu import CLASSES, MACRO_SECTORS
from fieldwork.mipymes.flags import FLAG_CODES
from fieldwork.models import MAX_ID, MIPYME_STATUSES, NEIGHBORHOOD_KINDS, ROLES, SECTORS
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


def _a_ciiu_class(code: str) -> None:
    if code not in CLASSES:
        raise ValidationError(f"«{code}» no es una clase de la CIIU Rev. 4 A.C. (4 dígitos, p. ej. 1081).")


class MipymeArgsSchema(PageArgsSchema):
    flag = fields.String(validate=validate.OneOf(FLAG_CODES))
    officer_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    sector = fields.String(validate=validate.OneOf(SECTORS))
    q = fields.String(validate=_at_most(160, "La búsqueda"))
    include_inactive = fields.Boolean(load_default=False)
    status = fields.String(validate=validate.OneOf(MIPYME_STATUSES, error="Estado desconocido. Use uno de: {choices}."))
    macro_sector = fields.String(validate=validate.OneOf(
        MACRO_SECTORS, error="Macrosector desconocido. Use uno de: {choices}."))
    ciiu = fields.String(validate=_a_ciiu_class,
                         metadata={"description": "Una clase CIIU Rev. 4 A.C. de 4 dígitos (p. ej. 1081)."})
    neighborhood = fields.String(validate=_at_most(120, "El barrio"),
                                 metadata={"description": "Un nombre de la lista de barrios (sin importar "
                                                          "mayúsculas ni tildes)."})


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
    ciiu = fields.String(allow_none=True, validate=_at_most(200, "La clase CIIU"), metadata={
        "description": "La actividad principal: una clase de 4 dígitos de la CIIU Rev. 4 A.C. (DANE); "
                       "también se lee «C1081» o «1081 - Elaboración de…»."})
    status = fields.String(validate=_at_most(16, "El estado"), metadata={
        "description": "active, graduated, closed, withdrawn o moved; cada cambio queda en la historia."})
    status_on = fields.Date(metadata={"description": "El día en que el cambio de estado tuvo efecto (por "
                                                     "defecto, hoy en la zona del programa)."})
    status_reason = fields.String(allow_none=True, validate=_at_most(500, "El motivo"))


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
    ciiu = fields.String(allow_none=True)
    ciiu_title = fields.String(allow_none=True)
    ciiu_section = fields.String(allow_none=True)
    macro_sector = fields.String(allow_none=True, validate=validate.OneOf(MACRO_SECTORS))
    status = fields.String(validate=validate.OneOf(MIPYME_STATUSES))
    exited_on = fields.Date(allow_none=True)
    visit_count = fields.Integer()
    last_visit_at = fields.AwareDateTime(allow_none=True)
    next_follow_up_due = fields.Date(allow_none=True)
    flags = fields.List(fields.String())


class NeighborhoodSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String(validate=validate.OneOf(NEIGHBORHOOD_KINDS))


class NeighborhoodListSchema(Schema):
    items = fields.List(fields.Nested(NeighborhoodSchema))
    total = fields.Integer()


class NeighborhoodInputSchema(StrictSchema):
    """A place added to the programme's list (the rules: fieldwork/registry/neighborhoods.py)."""

    name = fields.String(required=True, validate=_at_most(120, "El nombre"))
    kind = fields.String(validate=validate.OneOf(NEIGHBORHOOD_KINDS, error="Tipo desconocido. Use uno de: {choices}."),
                         metadata={"description": "barrio (por defecto), comuna, corregimiento o vereda."})


class CiiuArgsSchema(PageArgsSchema):
    q = fields.String(load_default="", validate=_at_most(160, "La búsqueda"),
                      metadata={"description": "Código o palabras del título, sin importar mayúsculas ni tildes."})


class CiiuClassSchema(Schema):
    code = fields.String()
    title = fields.String()
    division = fields.String()
    section = fields.String()
    macro_sector = fields.String(validate=validate.OneOf(MACRO_SECTORS))


class CiiuListSchema(Schema):
    items = fields.List(fields.Nested(CiiuClassSchema))
    total = fields.Integer()


class UvtSchema(Schema):
    year = fields.Integer()
    value_cop = fields.Integer()


class UvtListSchema(Schema):
    items = fields.List(fields.Nested(UvtSchema))
    total = fields.Integer()


class UvtInputSchema(StrictSchema):
    year = fields.Integer(required=True, strict=True)
    value_cop = fields.Integer(required=True, strict=True, metadata={"description": "La UVT del año, en pesos."})
