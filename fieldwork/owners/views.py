"""The owner's home: their Mipyme, its visits with a confirm / dispute form each, and their figures."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldwork.extensions import db
from fieldwork.forms.display import answers_by_visit
from fieldwork.mipymes import timeline
from fieldwork.models import Mipyme, MipymeSummaryRow, Visit
from fieldwork.owners import bp
from fieldwork.owners.confirmation import can_owner_answer, confirm_visit
from fieldwork.owners.forms import ConfirmationForm
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.text.i18n import cop, number
from fieldwork.visits import lifecycle
from fieldwork.visits.access import visit_or_404
from fieldwork.web.keyset import page_request
from fieldwork.web.security import roles_required


def _charts(mipyme_id: int) -> list[dict[str, Any]]:
    """Production, sales and employees over the latest visits, one chart each (their scales differ too
    much to share), as on the supervisor's Mipyme page."""
    titles = {"production_units": _("Producción (unidades)"), "monthly_sales_cop": _("Ventas del mes"),
              "employees": _("Empleados")}
    formats = {"production_units": number, "monthly_sales_cop": cop, "employees": number}
    return timeline.trends(mipyme_id, titles, formats)


def form_prefix(visit: Visit) -> str:
    """Each visit's form gets its own field names and ids (several forms share the page)."""
    return f"v-{visit.id}"


def _photo_url(photo_id: str) -> str | None:
    # The photo endpoint belongs to the photo-upload work; without it the page simply shows no images.
    if "api.get_photo" not in current_app.view_functions:
        return None
    return url_for("api.get_photo", photo_id=photo_id)


def _render(mipyme: Mipyme, failed: ConfirmationForm | None = None, failed_visit: Visit | None = None,
            status: int = 200) -> Any:
    """The owner's home: one page of visits (the one asked for, or the one starting with the visit
    whose answer failed), counts from the Mipyme's summary row."""
    counts = db.session.get(MipymeSummaryRow, mipyme.id)
    total = counts.visit_count if counts else 0
    if failed_visit is not None:
        visits = timeline.page_around(failed_visit, timeline.PER_PAGE, total)
    else:
        asked = page_request(request.args, timeline.PER_PAGE, timeline.MAX_PER_PAGE)
        visits = timeline.visit_page(mipyme.id, asked, total)
    failed_id = failed_visit.id if failed_visit is not None else None
    forms = {
        v.id: failed if v.id == failed_id and failed is not None
        else ConfirmationForm(formdata=None, prefix=form_prefix(v), comment=v.owner_comment, revision=v.revision)
        for v in visits.items if can_owner_answer(v)
    }
    if failed is not None and failed_id in forms:
        failed.present(next(v.revision for v in visits.items if v.id == failed_id))  # what the page shows now
    return render_template("owners/home.html", mipyme=mipyme, visits=visits, forms=forms, failed_id=failed_id,
                           to_confirm=counts.awaiting_owner if counts else 0, charts=_charts(mipyme.id),
                           photo_url=_photo_url, answers=answers_by_visit(visits.items)), status


@bp.app_template_global("owner_has_answered")
def owner_has_answered(visit: Visit) -> bool:
    """For templates: has the owner confirmed or disputed it (fieldwork/visits/lifecycle.py)?"""
    return lifecycle.owner_has_answered(visit)


@bp.get("/owner/")
@roles_required("owner")
def home() -> Any:
    """The owner's Mipyme and the visits recorded about it."""
    mipyme = db.session.get(Mipyme, current_user.mipyme_id) or abort(404)
    return _render(mipyme)


@bp.post("/owner/visits/<visit_id>/confirmation")
@roles_required("owner")
def decide(visit_id: str) -> Any:
    """Confirm or dispute one visit from the owner's home (the same service as the API)."""
    visit = visit_or_404(visit_id, current_user)  # another business's visit answers as a missing one
    form = ConfirmationForm(prefix=form_prefix(visit))
    try:
        if not form.validate():
            form.show_at(form.decision)  # a revision that is not a number: reload, nothing changes
            raise ServiceError({}, status=400)
        commit_with_retry(lambda: confirm_visit(
            visit, form.decision.data, form.comment.data, actor=current_user, answered_via="account", via="web",
            revision=form.read_revision()), "owner decision")
    except ServiceError as error:
        form.add_errors(error.errors, form.decision)
        mipyme = db.session.get(Mipyme, visit.mipyme_id)
        return _render(mipyme, failed=form, failed_visit=db.session.get(Visit, visit.id), status=error.status)
    if visit.owner_confirmation == "confirmed":
        flash(_("Gracias: confirmó la visita."), "success")
    else:
        flash(_("Registramos su desacuerdo. Un supervisor lo revisará."), "success")
    return redirect(url_for("owners.home", _anchor=f"visit-{visit.id}"))
