"""`/api/v1/visits`: the phones' sync endpoint, and the visits each role may read."""
from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from fieldwork.api import bp
from fieldwork.api.common import load_args, service_error_response
from fieldwork.api.visit_schemas import SyncResponseSchema, VisitArgsSchema
from fieldwork.extensions import db
from fieldwork.models import ROLES, Visit
from fieldwork.services import ServiceError
from fieldwork.visits.access import visible_visits, visit_or_404
from fieldwork.visits.schemas import dump_visit
from fieldwork.visits.sync_service import sync_and_commit
from fieldwork.web.device import current_device
from fieldwork.web.errors import error_response
from fieldwork.web.security import roles_required
from fieldwork.web.throttle import sync_throttle


@bp.post("/visits/sync")
@roles_required("officer")
@sync_throttle
def sync_visits() -> Any:
    """Store a batch of visits made offline; one result per visit, in order.
    ---
    post:
      description: >
        Cada visita se valida por separado: una visita mala no detiene las demás. Estados por visita:
        created, duplicate (mismo contenido o revisión menor), updated (nuevo contenido del mismo
        funcionario mientras está submitted o returned), rejected (con errores por campo).
        Reenviar un lote deja la base de datos como un solo envío.
      requestBody: {content: {application/json: {schema: SyncRequestSchema}}}
      responses:
        200:
          description: Un resultado por visita y en el mismo orden.
          content: {application/json: {schema: SyncResponseSchema}}
        413:
          description: "Más de 500 visitas (nada se guarda) o cuerpo demasiado grande."
          content: {application/json: {schema: Error}}
        429:
          description: "Demasiados envíos de este funcionario: nada del lote se guardó; reenvíe tras Retry-After s."
          headers: {Retry-After: {schema: {type: integer}, description: Segundos que debe esperar.}}
          content: {application/json: {schema: Error}}
        503:
          description: "Servidor ocupado; reintente (nada se perdió)."
          content: {application/json: {schema: Error}}
    """
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError({"_schema": [_("El cuerpo debe ser un objeto JSON con la lista «visits».")]})
    if "visits" not in data or not isinstance(data["visits"], list):
        raise ValidationError({"visits": [_("Envíe «visits» como una lista de visitas.")]})
    limit = current_app.config["SYNC_MAX_BATCH"]
    if len(data["visits"]) > limit:
        return error_response(413, _("Demasiadas visitas en un envío."), {
            "visits": [_("Envíe como máximo %(limit)d visitas por lote (llegaron %(count)d).",
                         limit=limit, count=len(data["visits"]))]})
    visits = data["visits"]  # each visit is validated on its own by sync_batch
    try:
        results = sync_and_commit(current_user, visits, via="api", device=current_device())
    except ServiceError as error:  # 503 after the lock retries: nothing stored, the phone sends again
        response = service_error_response(error)
        response[0].headers["Retry-After"] = "5"
        return response
    return jsonify(SyncResponseSchema().dump({"results": [r.as_dict() for r in results]}))


@bp.get("/visits")
@roles_required(*ROLES)
def list_visits() -> Any:
    """The visits the caller may see, newest `visited_at` first; filters mipyme_id, officer_id,
    review_status, owner_confirmation, since (received since).
    ---
    get:
      parameters: [{in: query, schema: VisitArgsSchema}]
      responses:
        200: {description: Una página de visitas visibles., content: {application/json: {schema: VisitListSchema}}}
    """
    args = load_args(VisitArgsSchema())
    query = visible_visits(current_user)
    for name in ("mipyme_id", "officer_id", "review_status", "owner_confirmation"):
        if name in args:
            query = query.where(getattr(Visit, name) == args[name])
    if "since" in args:
        query = query.where(Visit.received_at >= args["since"])
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = (query.options(selectinload(Visit.photos))
            .order_by(Visit.visited_at.desc(), Visit.id)
            .limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"]))
    items = [dump_visit(visit, reader=current_user) for visit in db.session.scalars(page)]
    return jsonify({"items": items, "total": total})  # items are dumped by dump_visit already


@bp.get("/visits/<visit_id>")
@roles_required(*ROLES)
def get_visit(visit_id: str) -> Any:
    """One visit, if the caller may see it (404 otherwise, so ids do not leak).
    ---
    get:
      responses:
        200: {description: La visita., content: {application/json: {schema: VisitSchema}}}
    """
    return jsonify(dump_visit(visit_or_404(visit_id, current_user), reader=current_user))
