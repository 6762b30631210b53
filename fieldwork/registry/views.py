"""Mipyme registry pages: list, create, edit, reassign, deactivate, change status."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from fieldwork import ciiu
from fieldwork.database import spanish_order
from fieldwork.extensions import db
from fieldwork.models import Mipyme, User
from fieldwork.registry import bp, services, status
from fieldwork.registry import owner_accounts as accounts
from fieldwork.registry.forms import ActiveForm, MipymeForm, StatusForm
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.text.search import name_matches
from fieldwork.web.form_errors import show_service_errors
from fieldwork.web.security import is_safe_next, roles_required

PER_PAGE = 50


@bp.get("/mipymes")
@roles_required("supervisor", "admin")
def mipymes() -> Any:
    """The registry, with a name search and the inactive ones on request."""
    q = (request.args.get("q") or "").strip()[:160]
    show_inactive = request.args.get("inactive") == "1"
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 1_000_000))  # a huge OFFSET overflows
    query = select(Mipyme, User.name.label("officer_name")).outerjoin(User, User.id == Mipyme.officer_id)
    if q:
        query = query.where(name_matches(Mipyme.search_name, q))
    if not show_inactive:
        query = query.where(Mipyme.active.is_(True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    listed = query.order_by(spanish_order(Mipyme.name), Mipyme.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    rows = db.session.execute(listed).all()
    return render_template("registry/mipymes.html", rows=rows, q=q, show_inactive=show_inactive, page=page,
                           pages=max(1, -(-total // PER_PAGE)), total=total)


@bp.route("/mipymes/new", methods=["GET", "POST"])
@roles_required("supervisor", "admin")
def new_mipyme() -> Any:
    """Register a Mipyme."""
    form = MipymeForm()
    if form.validate_on_submit():
        try:
            mipyme = commit_with_retry(lambda: services.create_mipyme(form.service_data(), current_user, via="web"),
                                       "Mipyme registration")
            flash(_("Mipyme «%(name)s» registrada.", name=mipyme.name), "success")
            return redirect(url_for("registry.mipymes"))
        except ServiceError as error:
            show_service_errors(form, error.errors)
    return render_template("registry/mipyme_form.html", form=form, mipyme=None, ciiu_class=ciiu.lookup(form.ciiu.data))


@bp.route("/mipymes/<int:mipyme_id>/edit", methods=["GET", "POST"])
@roles_required("supervisor", "admin")
def edit_mipyme(mipyme_id: int) -> Any:
    """Change a Mipyme's details or its officer."""
    mipyme = db.session.get(Mipyme, mipyme_id) or abort(404)
    form = MipymeForm(obj=mipyme)
    if request.method == "GET":
        form.officer_id.data = str(mipyme.officer_id or "")
    if form.validate_on_submit():
        try:
            commit_with_retry(lambda: services.update_mipyme(mipyme, form.service_data(), current_user, via="web"),
                              "Mipyme change")
            flash(_("Cambios guardados."), "success")
            return redirect(url_for("registry.mipymes"))
        except ServiceError as error:
            show_service_errors(form, error.errors)
    return _edit_page(mipyme, form)


@bp.post("/mipymes/<int:mipyme_id>/status")
@roles_required("supervisor", "admin")
def change_status(mipyme_id: int) -> Any:
    """Record a change of the Mipyme's status (graduated, closed…) from a day, with a reason."""
    mipyme = db.session.get(Mipyme, mipyme_id) or abort(404)
    status_form = StatusForm()
    if status_form.validate_on_submit():
        try:
            commit_with_retry(lambda: services.update_mipyme(mipyme, status_form.service_data(), current_user,
                                                             via="web"), "Mipyme status change")
            flash(_("Estado guardado."), "success")
            return redirect(url_for("registry.edit_mipyme", mipyme_id=mipyme.id))
        except ServiceError as error:
            show_service_errors(status_form, error.errors)
    return _edit_page(mipyme, status_form=status_form), 400


def _edit_page(mipyme: Mipyme, form: MipymeForm | None = None, status_form: StatusForm | None = None,
               owner_form: Any = None) -> str:
    """The edit page with its three forms: the details, the status and the owner's account. A form that
    was not the one posted shows the Mipyme as stored."""
    if form is None:
        form = MipymeForm(formdata=None, obj=mipyme)
        form.officer_id.data = str(mipyme.officer_id or "")
    if status_form is None:
        status_form = StatusForm(formdata=None)
        status_form.status.data = mipyme.status
    return render_template("registry/mipyme_form.html", form=form, mipyme=mipyme,
                           **accounts.edit_page_context(mipyme, owner_form), status_form=status_form,
                           status_history=status.status_entries(mipyme), ciiu_class=ciiu.lookup(form.ciiu.data))


@bp.post("/mipymes/<int:mipyme_id>/owner-account")
@roles_required("supervisor", "admin")
def create_owner_account(mipyme_id: int) -> Any:
    """Create a login for the owner of this Mipyme (issue 5)."""
    mipyme = db.session.get(Mipyme, mipyme_id) or abort(404)
    owner_form = accounts.owner_account_form()
    if owner_form.validate_on_submit():
        try:
            user = commit_with_retry(lambda: accounts.create_owner_account(mipyme, owner_form, current_user),
                                     "owner account creation")
            flash(_("Cuenta de propietario «%(user)s» creada.", user=user.username), "success")
            return redirect(url_for("registry.edit_mipyme", mipyme_id=mipyme.id))
        except ServiceError as error:
            show_service_errors(owner_form, error.errors)
    return _edit_page(mipyme, owner_form=owner_form), 400


@bp.post("/mipymes/<int:mipyme_id>/active")
@roles_required("supervisor", "admin")
def set_mipyme_active(mipyme_id: int) -> Any:
    """Deactivate (or reactivate) a Mipyme; its visits are kept."""
    mipyme = db.session.get(Mipyme, mipyme_id) or abort(404)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    commit_with_retry(lambda: services.update_mipyme(mipyme, {"active": form.active.data}, current_user, via="web"),
                      "Mipyme activation")
    flash(_("Mipyme activada.") if mipyme.active else _("Mipyme desactivada."), "success")
    return redirect(_back_to_referring_page() or url_for("registry.mipymes"))


def _back_to_referring_page() -> str | None:
    """The path of the page the button was on; only its path, so the redirect stays on this site
    whatever host the Referer (or the Host header it was compared with) names."""
    parts = urlsplit(request.referrer or "")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_safe_next(path) else None


# The pages of the programme's lists register their routes on the same blueprint.
from fieldwork.registry import neighborhood_views, uvt_views  # noqa: E402,F401
