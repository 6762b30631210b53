"""User administration pages (admins): create, deactivate, reset a password."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fieldwork.auth import services
from fieldwork.extensions import db
from fieldwork.models import Mipyme, User
from fieldwork.registry import bp
from fieldwork.registry.forms import ActiveForm, ResetPasswordForm, UserForm
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.form_errors import flash_service_errors, show_service_errors
from fieldwork.web.security import roles_required


@bp.get("/admin/users")
@roles_required("admin")
def users() -> Any:
    """Every account, with its role and state."""
    rows = db.session.execute(
        select(User, Mipyme.name).outerjoin(Mipyme, Mipyme.id == User.mipyme_id).order_by(User.role, User.username)
    ).all()
    return render_template("registry/users.html", rows=rows)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user() -> Any:
    """Create an account in any role."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            commit_with_retry(lambda: services.create_user(
                form.username.data, form.password.data, form.role.data, name=form.name.data or "",
                mipyme_id=int(form.mipyme_id.data) if form.mipyme_id.data else None, actor=current_user,
            ), "account creation")
            flash(_("Cuenta creada."), "success")
            return redirect(url_for("registry.users"))
        except ServiceError as error:
            show_service_errors(form, error.errors)
    return render_template("registry/user_form.html", form=form)


@bp.post("/admin/users/<int:user_id>/active")
@roles_required("admin")
def set_user_active(user_id: int) -> Any:
    """Deactivate or reactivate an account; a deactivated user is logged out on their next request."""
    user = db.session.get(User, user_id) or abort(404)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        commit_with_retry(lambda: services.set_active(user, bool(form.active.data), current_user), "account activation")
        flash(_("Cuenta actualizada."), "success")
    except ServiceError as error:
        flash_service_errors(error.errors)
    return redirect(url_for("registry.users"))


@bp.post("/admin/users/<int:user_id>/password")
@roles_required("admin")
def reset_password(user_id: int) -> Any:
    """Set a new password for someone who forgot theirs."""
    user = db.session.get(User, user_id) or abort(404)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            commit_with_retry(lambda: services.set_password(user, form.password.data, actor=current_user),
                              "password reset")
            flash(_("Contraseña de %(user)s restablecida.", user=user.username), "success")
        except ServiceError as error:
            flash_service_errors(error.errors)
    else:
        flash_service_errors(form.errors)  # empty, too long, or the form's token expired: say which
    return redirect(url_for("registry.users"))
