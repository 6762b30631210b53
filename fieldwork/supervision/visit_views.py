"""The visit log, a visit's page, its review and the resolution of an owner's dispute."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fieldwork.extensions import db
from fieldwork.models import Mipyme, User, Visit
from fieldwork.security import is_safe_next, roles_required
from fieldwork.services import ServiceError
from fieldwork.supervision import bp
from fieldwork.supervision.forms import DisputeForm, ReviewForm
from fieldwork.supervision.review import review_visit
from fieldwork.supervision.services import resolve_dispute
from fieldwork.supervision.tables import count, paging_args, visit_log_args, visit_log_query

OFFICE = ("supervisor", "admin")


@bp.get("/visits")
@roles_required(*OFFICE)
def visit_log() -> Any:
    """Every visit, newest first, filtered and paginated."""
    form, filters = visit_log_args()
    query = visit_log_query(filters)
    total = count(query)
    paging = paging_args(total)
    rows = db.session.execute(query.limit(paging.per_page).offset(paging.offset)).all()
    mipyme = db.session.get(Mipyme, filters["mipyme_id"]) if "mipyme_id" in filters else None
    return render_template("supervision/visits.html", form=form, filters=filters, rows=rows, paging=paging,
                           mipyme=mipyme)


def _visit_or_404(visit_id: str) -> Visit:
    visit = db.session.get(Visit, visit_id, options=[selectinload(Visit.photos)])
    if visit is None:
        abort(404)
    return visit


def _render_visit(visit: Visit, review_form: ReviewForm | None = None, dispute_form: DisputeForm | None = None,
                  status: int = 200) -> Any:
    ids = {i for i in (visit.reviewed_by_id, visit.dispute_resolved_by_id) if i}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return render_template(
        "supervision/visit.html", v=visit, people=people,
        review_form=review_form or ReviewForm(), dispute_form=dispute_form or DisputeForm(),
        has_photo_route="api.get_photo" in current_app.view_functions,
    ), status


@bp.get("/visits/<visit_id>")
@roles_required(*OFFICE)
def visit_page(visit_id: str) -> Any:
    """One visit: all its fields, location, photos, review and dispute."""
    return _render_visit(_visit_or_404(visit_id))


def _apply(form: Any, error: ServiceError) -> None:
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
        else:
            flash(" ".join(messages), "error")


@bp.post("/visits/<visit_id>/review")
@roles_required("supervisor")
def review(visit_id: str) -> Any:
    """Approve the visit, or return it to its officer with a comment."""
    visit = _visit_or_404(visit_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            review_visit(current_user, visit, form.decision.data, form.comment.data, via="web")
        except ServiceError as error:
            db.session.rollback()
            _apply(form, error)
        else:
            db.session.commit()
            flash(_("Visita aprobada.") if visit.review_status == "approved"
                  else _("Visita devuelta al funcionario con su comentario."), "success")
            return redirect(url_for("supervision.visit_page", visit_id=visit.id))
    return _render_visit(_visit_or_404(visit_id), review_form=form, status=400)


@bp.post("/visits/<visit_id>/resolve")
@roles_required("supervisor")
def resolve(visit_id: str) -> Any:
    """Resolve the owner's dispute on this visit with a note."""
    visit = _visit_or_404(visit_id)
    form = DisputeForm()
    target = request.form.get("next")
    if form.validate_on_submit():
        try:
            resolve_dispute(current_user, visit, form.note.data, via="web")
        except ServiceError as error:
            db.session.rollback()
            _apply(form, error)
        else:
            db.session.commit()
            flash(_("Disputa resuelta."), "success")
            return redirect(target if is_safe_next(target) else url_for("supervision.visit_page", visit_id=visit.id))
    return _render_visit(_visit_or_404(visit_id), dispute_form=form, status=400)
