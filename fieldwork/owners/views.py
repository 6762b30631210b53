"""The owner's home: their Mipyme, its visits with a confirm / dispute form each, and their figures."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from fieldwork.clock import local_date, programme_zone
from fieldwork.extensions import db
from fieldwork.i18n import cop, number
from fieldwork.models import Mipyme, Visit
from fieldwork.owners import bp
from fieldwork.owners.confirmation import can_owner_answer, confirm_visit
from fieldwork.owners.forms import ConfirmationForm
from fieldwork.security import roles_required
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.supervision import charts


def _own_visits(mipyme_id: int) -> list[Visit]:
    """The Mipyme's visits, newest first, with officers and photos loaded in the same round trips."""
    return list(db.session.scalars(
        select(Visit).where(Visit.mipyme_id == mipyme_id)
        .options(joinedload(Visit.officer), selectinload(Visit.photos))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
    ).unique())


def _charts(visits: list[Visit]) -> list[dict[str, Any]]:
    """Production, sales and employees over time, one chart each (their scales differ too much to share);
    drawn by the supervision work's SVG line chart, as on the supervisor's Mipyme page."""
    zone = programme_zone()
    figures: list[tuple[str, str, Callable[[int], str]]] = [
        ("production_units", _("Producción (unidades)"), number),
        ("monthly_sales_cop", _("Ventas del mes"), cop),
        ("employees", _("Empleados"), number),
    ]
    trends = []
    for name, title, fmt in figures:
        points = [(format_date(local_date(v.visited_at, zone), "d MMM yy"), getattr(v, name))
                  for v in reversed(visits) if getattr(v, name) is not None]
        svg = charts.line(points, title=title, fmt=fmt,
                          desc=_("Valor registrado en cada visita, de la más antigua a la más reciente."))
        trends.append({"title": title, "svg": svg})
    return trends


def form_prefix(visit: Visit) -> str:
    """Each visit's form gets its own field names and ids (several forms share the page)."""
    return f"v-{visit.id}"


def _photo_url(photo_id: str) -> str | None:
    # The photo endpoint belongs to the photo-upload work; without it the page simply shows no images.
    if "api.get_photo" not in current_app.view_functions:
        return None
    return url_for("api.get_photo", photo_id=photo_id)


def _render(mipyme: Mipyme, visits: list[Visit], failed: ConfirmationForm | None = None,
            failed_id: str | None = None, status: int = 200) -> Any:
    forms = {
        v.id: failed if v.id == failed_id and failed is not None
        else ConfirmationForm(formdata=None, prefix=form_prefix(v), comment=v.owner_comment, revision=v.revision)
        for v in visits if can_owner_answer(v)
    }
    if failed is not None and failed_id in forms:
        failed.present(next(v.revision for v in visits if v.id == failed_id))  # what the page shows now
    to_confirm = sum(1 for v in visits if v.owner_confirmation == "pending" and v.id in forms)
    return render_template("owners/home.html", mipyme=mipyme, visits=visits, forms=forms, failed_id=failed_id,
                           to_confirm=to_confirm, charts=_charts(visits), photo_url=_photo_url), status


@bp.get("/owner/")
@roles_required("owner")
def home() -> Any:
    """The owner's Mipyme and the visits recorded about it."""
    mipyme = db.session.get(Mipyme, current_user.mipyme_id) or abort(404)
    return _render(mipyme, _own_visits(mipyme.id))


@bp.post("/owner/visits/<visit_id>/confirmation")
@roles_required("owner")
def decide(visit_id: str) -> Any:
    """Confirm or dispute one visit from the owner's home (the same service as the API)."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.mipyme_id != current_user.mipyme_id:
        abort(404)  # another business's visit answers as a missing one
    form = ConfirmationForm(prefix=form_prefix(visit))
    try:
        if not form.validate():
            form.show_at(form.decision)  # a revision that is not a number: reload, nothing changes
            raise ServiceError({}, status=400)
        commit_with_retry(lambda: confirm_visit(
            visit, form.decision.data, form.comment.data, actor=current_user, via="account", channel="web",
            revision=form.read_revision()), "owner decision")
    except ServiceError as error:
        form.add_errors(error.errors, form.decision)
        mipyme = db.session.get(Mipyme, visit.mipyme_id)
        return _render(mipyme, _own_visits(visit.mipyme_id), failed=form, failed_id=visit.id, status=error.status)
    if visit.owner_confirmation == "confirmed":
        flash(_("Gracias: confirmó la visita."), "success")
    else:
        flash(_("Registramos su desacuerdo. Un supervisor lo revisará."), "success")
    return redirect(url_for("owners.home", _anchor=f"visit-{visit.id}"))
