"""The visit log, a visit's page, its review and the resolution of an owner's dispute."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fieldwork.confirmation_links import share_links
from fieldwork.extensions import db
from fieldwork.forms.display import answers_by_visit
from fieldwork.models import Mipyme, User, Visit
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.supervision import OFFICE, bp
from fieldwork.supervision.forms import DisputeForm, ReviewForm
from fieldwork.supervision.review import review_visit
from fieldwork.supervision.services import resolve_dispute
from fieldwork.supervision.tables import visit_log_args, visit_log_page
from fieldwork.visits import lifecycle
from fieldwork.visits.access import visit_or_404
from fieldwork.visits.history import event_label, review_history, revision_changes
from fieldwork.web.device import answered_from_sync_device
from fieldwork.web.read_revision import ReadRevisionForm
from fieldwork.web.security import is_safe_next, roles_required


@bp.app_template_global("awaiting_review")
def awaiting_review(visit: Visit) -> bool:
    """For the visit log: the one rule of what waits for a supervisor (fieldwork/visits/lifecycle.py)."""
    return lifecycle.awaiting_review(visit)


@bp.get("/visits")
@roles_required(*OFFICE)
def visit_log() -> Any:
    """Every visit, newest first, filtered and paginated."""
    form, filters = visit_log_args()
    paging = visit_log_page(filters)
    rows = paging.items
    mipyme = db.session.get(Mipyme, filters["mipyme_id"]) if "mipyme_id" in filters else None
    return render_template("supervision/visits.html", form=form, filters=filters, rows=rows, paging=paging,
                           mipyme=mipyme)


class ResolutionForm(DisputeForm, ReadRevisionForm):
    """The dispute's outcome and note, bound to the revision the supervisor read (hidden `revision`).
    Each outcome in a few words, one line on a phone; the page says below what each one does."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outcome.choices = {"owner_right": _("El propietario tiene razón"),
                                "record_stands": _("El registro se mantiene")}


def _render_visit(visit: Visit, review_form: ReviewForm | None = None,
                  dispute_form: ResolutionForm | None = None, status: int = 200) -> Any:
    ids = {i for i in (visit.reviewed_by_id, visit.dispute_resolved_by_id) if i}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    review_form = review_form or ReviewForm(formdata=None)
    dispute_form = dispute_form or ResolutionForm(formdata=None)
    for form in (review_form, dispute_form):
        form.present(visit.revision)  # the revision this page shows is the one a decision is bound to
    history = review_history(visit)
    return render_template(
        "supervision/visit.html", v=visit, people=people, share_links=share_links([visit]),
        review_form=review_form, dispute_form=dispute_form,
        may_review=lifecycle.may_review(visit), owner_answered=lifecycle.owner_has_answered(visit),
        dispute_open=lifecycle.dispute_open(visit), reopened=bool(history) and history[-1].kind == "reopened",
        changes=revision_changes(visit), history=history, history_label=event_label,
        same_device=answered_from_sync_device(visit), answers=answers_by_visit([visit]).get(visit.id),
    ), status


@bp.get("/visits/<visit_id>")
@roles_required(*OFFICE)
def visit_page(visit_id: str) -> Any:
    """One visit: all its fields, what changed between revisions, its review history, photos and dispute."""
    return _render_visit(visit_or_404(visit_id))


@bp.post("/visits/<visit_id>/review")
@roles_required("supervisor")
def review(visit_id: str) -> Any:
    """Approve the visit, or return it to its officer with a comment (bound to the revision read)."""
    visit = visit_or_404(visit_id)
    form = ReviewForm()
    try:
        if not form.validate():
            form.show_at(form.decision)
            raise ServiceError({}, status=400)
        commit_with_retry(lambda: review_visit(current_user, visit, form.decision.data, form.comment.data,
                                               via="web", revision=form.read_revision()), "review")
    except ServiceError as error:
        form.add_errors(error.errors, form.decision)
        return _render_visit(visit_or_404(visit_id), review_form=form, status=error.status)
    flash(_("Visita aprobada.") if visit.review_status == "approved"
          else _("Visita devuelta al funcionario con su comentario."), "success")
    return redirect(url_for("supervision.visit_page", visit_id=visit.id))


@bp.post("/visits/<visit_id>/resolve")
@roles_required("supervisor")
def resolve(visit_id: str) -> Any:
    """Resolve the owner's dispute on this visit with an outcome and a note."""
    visit = visit_or_404(visit_id)
    form = ResolutionForm()
    target = request.form.get("next")
    try:  # the service checks outcome and note, with its Spanish messages (CSRF is checked before the view)
        if not form.revision.validate(form):
            form.show_at(form.outcome)  # no revision, or not a number: reload, nothing changes
            raise ServiceError({}, status=400)
        commit_with_retry(lambda: resolve_dispute(current_user, visit, form.note.data, form.outcome.data,
                                                  via="web", revision=form.read_revision()), "dispute")
    except ServiceError as error:
        form.add_errors(error.errors, form.outcome)
        return _render_visit(visit_or_404(visit_id), dispute_form=form, status=error.status)
    flash(_("Disputa resuelta.") if visit.dispute_outcome == "record_stands"
          else _("Disputa resuelta: la visita volvió al funcionario para corregirla."), "success")
    return redirect(target if is_safe_next(target) else url_for("supervision.visit_page", visit_id=visit.id))
