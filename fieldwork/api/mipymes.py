"""`/api/v1/mipymes`: the registry with its aggregates and flags."""
from __future__ import annotations

from typing import Any

from flask import abort, jsonify
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import Select

from fieldwork import ciiu
from fieldwork.api import bp
from fieldwork.api.common import load_args, load_body, service_error_response
from fieldwork.api.schemas import MipymeArgsSchema, MipymeInputSchema, MipymeSchema
from fieldwork.extensions import db
from fieldwork.mipymes.aggregates import FIGURES, SORTS, MipymeSummary, summarise, summarise_one
from fieldwork.mipymes.flags import flag_day
from fieldwork.models import ROLES, Mipyme
from fieldwork.registry import neighborhoods, services
from fieldwork.results.service import size_bands
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.text.search import name_matches
from fieldwork.web.security import roles_required


class FiguresSchema(Schema):
    production_units = fields.Integer(allow_none=True)
    monthly_sales_cop = fields.Integer(allow_none=True)
    employees = fields.Integer(allow_none=True)


class SizeBandSchema(Schema):
    band = fields.String(validate=validate.OneOf(("micro", "pequena", "mediana", "grande", "unknown")))
    annual_revenue_cop = fields.Integer(allow_none=True)
    uvt_year = fields.Integer(allow_none=True)


class MipymeSummarySchema(MipymeSchema):
    """API.md's Mipyme item, extended with the latest visit's figures and their change."""

    size_band = fields.Nested(SizeBandSchema, metadata={
        "description": "El tamaño por ingresos de hoy (Decreto 957 de 2019), por su macrosector."})
    follow_up_reason = fields.String(allow_none=True)
    latest = fields.Nested(FiguresSchema)
    change = fields.Nested(FiguresSchema)


class MipymeSummaryListSchema(Schema):
    items = fields.List(fields.Nested(MipymeSummarySchema))
    total = fields.Integer()


class MipymeListArgsSchema(MipymeArgsSchema):
    """The filters of API.md plus an optional sort (`sort=-last_visit` sorts descending)."""

    sort = fields.String(validate=validate.OneOf([*SORTS, *(f"-{s}" for s in SORTS)]))


def _raw(summary: MipymeSummary, band: dict[str, Any]) -> dict[str, Any]:
    m = summary.mipyme
    return {
        **{key: getattr(m, key) for key in ("id", "name", "nit", "sector", "officer_id", "owner_name",
                                              "phone", "address", "neighborhood", "active",
                                              "enrolled_on", "ciiu", "status", "exited_on")},
        **_activity(m.ciiu),
        "visit_count": summary.visit_count,
        "last_visit_at": summary.last_visit_at,
        "next_follow_up_due": summary.next_follow_up_due,
        "flags": summary.flags,
        "size_band": band,
        "follow_up_reason": summary.follow_up_reason,
        "latest": {name: summary.latest[name] for name in FIGURES},
        "change": {name: summary.change[name] for name in FIGURES},
    }


def _activity(code: str | None) -> dict[str, str | None]:
    """The class's title, section and macro-sector, from the CIIU data (None without a class)."""
    found = ciiu.lookup(code)
    if found is None:
        return {"ciiu_title": None, "ciiu_section": None, "macro_sector": None}
    return {"ciiu_title": found.title, "ciiu_section": found.section,
            "macro_sector": ciiu.SECTION_MACRO_SECTOR[found.section]}


def _item(summary: MipymeSummary) -> dict[str, Any]:
    """One Mipyme's API body (dumped once: dumping a dumped date again fails)."""
    mipyme_id = summary.mipyme.id
    return MipymeSummarySchema().dump(_raw(summary, size_bands([mipyme_id])[mipyme_id]))


def _visible_or_404(mipyme_id: int) -> Mipyme:
    mipyme = db.session.get(Mipyme, mipyme_id)
    if mipyme is None or not services.can_see_mipyme(current_user, mipyme):
        abort(404)
    return mipyme


@bp.get("/mipymes")
@roles_required(*ROLES)
def list_mipymes() -> Any:
    """The Mipymes the caller may see, with aggregates; filters flag, officer_id, sector, q, status,
    macro_sector, ciiu, neighborhood.
    ---
    get:
      parameters: [{in: query, schema: MipymeListArgsSchema}]
      responses:
        200:
          description: Una página de Mipymes visibles.
          content: {application/json: {schema: MipymeSummaryListSchema}}
    """
    args = load_args(MipymeListArgsSchema())
    query = services.visible_mipymes(current_user)
    if not args["include_inactive"]:
        query = query.where(Mipyme.active.is_(True))
    if "officer_id" in args:
        query = query.where(Mipyme.officer_id == args["officer_id"])
    if "sector" in args:
        query = query.where(Mipyme.sector == args["sector"])
    if args.get("q"):
        query = query.where(name_matches(Mipyme.search_name, args["q"]))
    query = _programme_filters(query, args)
    sort = args.get("sort", "name")
    summaries, total = summarise(query, flag_day(), flag=args.get("flag"), page=args["page"],
                                 per_page=args["per_page"], sort=sort.lstrip("-"), descending=sort.startswith("-"))
    bands = size_bands([s.mipyme.id for s in summaries])  # the page's bands in one go, not one per Mipyme
    items = [_raw(s, bands[s.mipyme.id]) for s in summaries]
    return jsonify(MipymeSummaryListSchema().dump({"items": items, "total": total}))


def _programme_filters(query: Select[tuple[Mipyme]], args: dict[str, Any]) -> Select[tuple[Mipyme]]:
    """status, macro_sector (through the classes of its sections), ciiu and neighborhood (the list's
    spelling of the name given, ignoring case and accents)."""
    if "status" in args:
        query = query.where(Mipyme.status == args["status"])
    if "macro_sector" in args:
        query = query.where(Mipyme.ciiu.in_(ciiu.CODES_BY_MACRO_SECTOR[args["macro_sector"]]))
    if "ciiu" in args:
        query = query.where(Mipyme.ciiu == args["ciiu"])
    if "neighborhood" in args:
        place = neighborhoods.resolve(args["neighborhood"])
        query = query.where(Mipyme.neighborhood == (place.name if place else args["neighborhood"].strip()))
    return query


@bp.get("/mipymes/<int:mipyme_id>")
@roles_required(*ROLES)
def get_mipyme(mipyme_id: int) -> Any:
    """One Mipyme with its aggregates.
    ---
    get:
      responses:
        200: {description: La Mipyme., content: {application/json: {schema: MipymeSummarySchema}}}
    """
    _visible_or_404(mipyme_id)
    summary = summarise_one(mipyme_id, flag_day())
    return jsonify(_item(summary))


@bp.post("/mipymes")
@roles_required("supervisor", "admin")
def create_mipyme() -> Any:
    """Register a Mipyme.
    ---
    post:
      requestBody: {content: {application/json: {schema: MipymeInputSchema}}}
      responses:
        201: {description: La Mipyme creada., content: {application/json: {schema: MipymeSummarySchema}}}
    """
    data = load_body(MipymeInputSchema())
    try:
        mipyme = commit_with_retry(lambda: services.create_mipyme(data, current_user, via="api"), "Mipyme registration")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(_item(summarise_one(mipyme.id, flag_day()))), 201


@bp.patch("/mipymes/<int:mipyme_id>")
@roles_required("supervisor", "admin")
def update_mipyme(mipyme_id: int) -> Any:
    """Change fields of a Mipyme, reassignment, deactivation and status (with `status_on`, `status_reason`) included.
    ---
    patch:
      requestBody: {content: {application/json: {schema: MipymeInputSchema}}}
      responses:
        200: {description: La Mipyme cambiada., content: {application/json: {schema: MipymeSummarySchema}}}
    """
    mipyme = _visible_or_404(mipyme_id)
    data = load_body(MipymeInputSchema(), partial=True)
    try:
        commit_with_retry(lambda: services.update_mipyme(mipyme, data, current_user, via="api"), "Mipyme change")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(_item(summarise_one(mipyme.id, flag_day())))
