"""`/account`: who I am, my password, and for supervisors and admins the OData feed's tokens."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired

from fieldwork.auth import bp, tokens
from fieldwork.auth.forms import at_most
from fieldwork.models import ROLES
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.form_errors import show_service_errors
from fieldwork.web.security import roles_required


class TokenForm(FlaskForm):
    name = StringField(_l("Nombre del token"), validators=[
        InputRequired(_l("Escriba para qué es el token (por ejemplo «Excel oficina»).")),
        at_most(tokens.NAME_MAX, _l("El nombre"))], render_kw={"autocomplete": "off"})


class RevokeForm(FlaskForm):
    """Only the CSRF token: revoking is a POST from a button."""


def _page(form: TokenForm, secret: str | None = None, status: int = 200) -> Any:
    listed = tokens.list_tokens(current_user)[0] if tokens.may_hold_tokens(current_user) else []
    # The address to type in Excel: the public one when configured (behind a proxy the request may say http).
    root = (current_app.config.get("FIELDWORK_BASE_URL") or request.host_url).rstrip("/") + "/odata/v1/"
    return render_template("auth/account.html", form=form, revoke=RevokeForm(), tokens=listed, secret=secret,
                           limit=tokens.ACTIVE_MAX, odata_root=root), status


@bp.get("/account")
@roles_required(*ROLES)
def account() -> Any:
    """Name and role, the password link and, for supervisors and admins, the feed's tokens."""
    return _page(TokenForm())


@bp.post("/account/tokens")
@roles_required(*tokens.TOKEN_ROLES)
def create_token() -> Any:
    """Make a token and show its secret on this one answer (never again)."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        _token, secret = commit_with_retry(lambda: tokens.create_token(current_user, form.name.data),
                                           "token creation")
    except ServiceError as error:
        show_service_errors(form, error.errors, leftover=form.name)
        return _page(form, status=error.status)
    return _page(TokenForm(formdata=None), secret=secret)


@bp.post("/account/tokens/<int:token_id>/revoke")
@roles_required(*tokens.TOKEN_ROLES)
def revoke_token(token_id: int) -> Any:
    """Revoke one of my tokens: Excel or Power BI using it stop at their next refresh."""
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        commit_with_retry(lambda: tokens.revoke_token(current_user, token_id), "token revocation")
    except ServiceError as error:
        abort(error.status)
    flash(_("Token revocado."), "success")
    return redirect(url_for("auth.account"))
