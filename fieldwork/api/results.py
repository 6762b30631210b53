"""`GET /api/v1/results`: the programme's results for the mayor and the funders (API.md, "Programme
results"), computed by fieldwork.results.service, which the results page and the exports call too."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from fieldwork.api import bp
from fieldwork.api.common import load_args
from fieldwork.models import MAX_ID, MIPYME_STATUSES, SECTORS
from fieldwork.results.catalogue import CODES
from fieldwork.results.definitions import BAND_LIMITS_UVT
from fieldwork.results.service import ResultFilters, programme_results
from fieldwork.web.security import roles_required

MACRO_SECTORS = tuple(BAND_LIMITS_UVT)
BANDS = ("micro", "pequena", "mediana", "grande")


class ResultArgsSchema(Schema):
    """The filters; each one left out does not filter."""

    class Meta:
        unknown = "exclude"

    as_of = fields.Date(metadata={"description": "El día de la medición (por defecto, hoy)."})
    sector = fields.String(validate=validate.OneOf(SECTORS, error="Sector desconocido. Use uno de: {choices}."))
    macro_sector = fields.String(validate=validate.OneOf(
        MACRO_SECTORS, error="Macrosector desconocido. Use uno de: {choices}."))
    neighborhood = fields.String(validate=validate.Length(min=1, max=120, error=(
        "El barrio debe tener entre {min} y {max} caracteres.")))
    officer_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID, error="Identificador no válido."))
    enrolled_from = fields.Date(metadata={"description": "Cohorte: ingresaron al programa desde este día."})
    enrolled_to = fields.Date(metadata={"description": "Cohorte: ingresaron al programa hasta este día."})
    status = fields.String(validate=validate.OneOf(MIPYME_STATUSES, error="Estado desconocido. Use uno de: {choices}."))

    @validates_schema
    def _cohort_in_order(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("enrolled_from") and data.get("enrolled_to") and data["enrolled_from"] > data["enrolled_to"]:
            raise ValidationError("La fecha final de la cohorte es anterior a la inicial.", "enrolled_to")


class BusinessesSchema(Schema):
    enrolled = fields.Integer()
    active = fields.Integer()
    visited = fields.Integer(metadata={"description": "Con al menos una visita que cuenta."})
    with_change = fields.Integer(metadata={"description": "Con cambio en al menos un indicador."})
    by_status = fields.Dict(keys=fields.String(validate=validate.OneOf(MIPYME_STATUSES)), values=fields.Integer())


class IndicatorResultSchema(Schema):
    code = fields.String(validate=validate.OneOf(CODES))
    label = fields.String()
    businesses_with_change = fields.Integer()
    baseline_total = fields.Raw(allow_none=True, metadata={"type": "number"})
    latest_total = fields.Raw(allow_none=True, metadata={"type": "number"})
    baseline_median = fields.Raw(allow_none=True, metadata={"type": "number"})
    latest_median = fields.Raw(allow_none=True, metadata={"type": "number"})
    improved = fields.Integer()
    worsened = fields.Integer()
    unchanged = fields.Integer()
    baseline_yes = fields.Integer(allow_none=True)
    latest_yes = fields.Integer(allow_none=True)


class BandCountsSchema(Schema):
    micro = fields.Integer()
    pequena = fields.Integer()
    mediana = fields.Integer()
    grande = fields.Integer()


class SizeBandsSchema(Schema):
    baseline = fields.Nested(BandCountsSchema)
    latest = fields.Nested(BandCountsSchema)
    moved_up = fields.Integer()
    moved_down = fields.Integer()


class VerificationSchema(Schema):
    counting_visits = fields.Integer()
    owner_confirmed = fields.Integer()
    independent_confirmations = fields.Integer()
    disputed = fields.Integer(metadata={"description": "Visitas que cuentan cuyo propietario las disputó (disputa ya "
                                                       "resuelta a favor del registro)."})
    open_disputes = fields.Integer(metadata={"description": "Visitas de esos negocios con una disputa del "
                                                            "propietario sin resolver: no cuentan hasta que "
                                                            "supervisión la resuelva."})
    follow_ups_on_time_pct = fields.Float(allow_none=True, metadata={
        "description": "De los seguimientos que vencían hasta as_of, % cumplidos por una visita posterior "
                       "hecha a más tardar el día de vencimiento."})


class ResultsSchema(Schema):
    as_of = fields.Date()
    businesses = fields.Nested(BusinessesSchema)
    indicators = fields.List(fields.Nested(IndicatorResultSchema))
    size_bands = fields.Nested(SizeBandsSchema)
    verification = fields.Nested(VerificationSchema)


@bp.get("/results")
@roles_required("supervisor", "admin")
def programme_results_api() -> Any:
    """Baseline to latest per business, for every indicator of the catalogue, with the filters.
    ---
    get:
      parameters: [{in: query, schema: ResultArgsSchema}]
      responses:
        200:
          description: Los resultados del programa (cuentan Mipymes, nunca visitas, salvo verification).
          content: {application/json: {schema: ResultsSchema}}
    """
    args = load_args(ResultArgsSchema())
    if "neighborhood" in args:
        args["neighborhood"] = args["neighborhood"].strip()
    # The service's dict is already JSON (numbers exact: ints stay ints); the schema documents it.
    return jsonify(programme_results(ResultFilters(**args)))
