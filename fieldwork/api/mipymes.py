"""`/api/v1/mipymes`: the registry with its aggregates and flags."""
from __future__ import annotations

from typing import Any

from flask import abort, jsonify
from flask_login import current_user
from sqlalchemy import or_

from fieldwork.aggregates import MipymeSummary, summarise, summarise_one
from fieldwork.api import bp
from fieldwork.api.common import load_args, load_body, service_error_response
from fieldwork.api.schemas import MipymeArgsSchema, MipymeInputSchema, MipymeListSchema, MipymeSchema
from fieldwork.clock import flag_day
from fieldwork.extensions import db
from fieldwork.models import ROLES, Mipyme
from fieldwork.registry import services
from fieldwork.security import roles_required
from fieldwork.services import ServiceError


def _item(summary: MipymeSummary) -> dict[str, Any]:
    m = summary.mipyme
    return MipymeSchema().dump(
        {
            **{key: getattr(m, key) for key in ("id", "name", "nit", "sector", "officer_id", "owner_name",
                                                  "phone", "address", "neighborhood", "active")},
            "visit_count": summary.visit_count,
            "last_visit_at": summary.last_visit_at,
            "next_follow_up_due": summary.next_follow_up_due,
            "flags": summary.flags,
        }
    )


def _visible_or_404(mipyme_id: int) -> Mipyme:
    mipyme = db.session.get(Mipyme, mipyme_id)
    if mipyme is None or not services.can_see_mipyme(current_user, mipyme):
        abort(404)
    return mipyme


@bp.get("/mipymes")
@roles_required(*ROLES)
def list_mipymes() -> Any:
    """The Mipymes the caller may see, with aggregates; filters flag, officer_id, sector, q.
    ---
    get:
      parameters: [{in: query, schema: MipymeArgsSchema}]
      responses:
        200: {description: Una página de Mipymes visibles., content: {application/json: {schema: MipymeListSchema}}}
    """
    args = load_args(MipymeArgsSchema())
    query = services.visible_mipymes(current_user)
    if not args["include_inactive"]:
        query = query.where(Mipyme.active.is_(True))
    if "officer_id" in args:
        query = query.where(Mipyme.officer_id == args["officer_id"])
    if "sector" in args:
        query = query.where(Mipyme.sector == args["sector"])
    if args.get("q"):
        pattern = "%" + args["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Mipyme.name.ilike(pattern, escape="\\")))
    summaries, total = summarise(query, flag_day(), flag=args.get("flag"), page=args["page"], per_page=args["per_page"])
    return jsonify(MipymeListSchema().dump({"items": [_item(s) for s in summaries], "total": total}))


@bp.get("/mipymes/<int:mipyme_id>")
@roles_required(*ROLES)
def get_mipyme(mipyme_id: int) -> Any:
    """One Mipyme with its aggregates.
    ---
    get:
      responses:
        200: {description: La Mipyme., content: {application/json: {schema: MipymeSchema}}}
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
        201: {description: La Mipyme creada., content: {application/json: {schema: MipymeSchema}}}
    """
    data = load_body(MipymeInputSchema())
    try:
        mipyme = services.create_mipyme(data, current_user, via="api")
    except ServiceError as error:
        db.session.rollback()
        return service_error_response(error)
    db.session.commit()
    return jsonify(_item(summarise_one(mipyme.id, flag_day()))), 201


@bp.patch("/mipymes/<int:mipyme_id>")
@roles_required("supervisor", "admin")
def update_mipyme(mipyme_id: int) -> Any:
    """Change fields of a Mipyme, reassignment and deactivation included.
    ---
    patch:
      requestBody: {content: {application/json: {schema: MipymeInputSchema}}}
      responses:
        200: {description: La Mipyme cambiada., content: {application/json: {schema: MipymeSchema}}}
    """
    mipyme = _visible_or_404(mipyme_id)
    data = load_body(MipymeInputSchema(), partial=True)
    try:
        services.update_mipyme(mipyme, data, current_user, via="api")
    except ServiceError as error:
        db.session.rollback()
        return service_error_response(error)
    db.session.commit()
    return jsonify(_item(summarise_one(mipyme.id, flag_day())))
