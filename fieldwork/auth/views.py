"""Login, logout and password change pages."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldwork.auth import bp, services
from fieldwork.auth.forms import ChangePasswordForm, LoginForm
from fieldwork.models import ROLES
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.form_errors import show_service_errors
from fieldwork.web.security import is_safe_next, public, roles_required, verify_password
from fieldwork.web.throttle import login_throttle, note_failed_attempt, password_check_throttle


@bp.route("/login", methods=["GET", "POST"])
@public
@login_throttle
def login() -> Any:
    """The login form; on success go to `next` (local paths only) or the role's home."""
    form = LoginForm()
    next_url = request.args.get("next")
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            note_failed_attempt()
            form.password.errors.append(_("Usuario o contraseña incorrectos."))
        else:
            services.log_in(user, via="web")
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(next_url if is_safe_next(next_url) else url_for("core.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles_required(*ROLES)
def logout() -> Any:
    """End the session (POST only: a link or an image must not log anyone out)."""
    services.log_out(current_user, via="web")
    flash(_("Sesión cerrada."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*ROLES)
@password_check_throttle
def change_password() -> Any:
    """Any user changes their own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            note_failed_attempt()
            form.current.errors.append(_("La contraseña actual no es correcta."))
        elif form.password.data == form.current.data:
            form.password.errors.append(_("La contraseña nueva debe ser distinta de la actual."))
        else:
            try:
                commit_with_retry(lambda: services.set_password(current_user, form.password.data, actor=current_user),
                                  "password change")
                # This session carries on under the new generation (the proxy would vanish with the old session).
                services.log_in(current_user._get_current_object(), via="password_change")
                flash(_("Contraseña cambiada."), "success")
                return redirect(url_for("core.home"))
            except ServiceError as error:
                show_service_errors(form, error.errors, leftover=form.password)
    return render_template("auth/password.html", form=form)
