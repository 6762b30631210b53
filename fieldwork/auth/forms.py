"""The login and change-password forms, and the text bounds the account forms share."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

#: Longer is no password a person types (API.md's LoginSchema says the same); the hash reads it whole.
PASSWORD_MAX = 256


def at_most(limit: int, what: Any) -> Length:
    """A text bound whose message names the field: "El nombre admite hasta 160 caracteres."."""
    return Length(max=limit, message=_l("%(what)s admite hasta %(max)d caracteres.", what=what, max=limit))


def password_length() -> Length:
    return Length(max=PASSWORD_MAX, message=_l("La contraseña admite hasta %(max)d caracteres.", max=PASSWORD_MAX))


class LoginForm(FlaskForm):
    username = StringField(_l("Usuario"), validators=[InputRequired(_l("Escriba su usuario.")),
                                                      at_most(64, _l("El usuario"))],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Contraseña"), validators=[InputRequired(_l("Escriba su contraseña.")),
                                                          password_length()],
                             render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Contraseña actual"),
                            validators=[InputRequired(_l("Escriba su contraseña actual.")), password_length()],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("Contraseña nueva"),
                             validators=[InputRequired(_l("Escriba la contraseña nueva.")), password_length()],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repita la contraseña nueva"),
                            validators=[EqualTo("password", _l("Las contraseñas no coinciden.")), password_length()],
                            render_kw={"autocomplete": "new-password"})
