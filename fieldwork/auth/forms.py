from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Usuario"), validators=[InputRequired(_l("Escriba su usuario.")), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Contraseña"), validators=[InputRequired(_l("Escriba su contraseña."))],
                             render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Contraseña actual"), validators=[InputRequired(_l("Escriba su contraseña actual."))],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("Contraseña nueva"), validators=[InputRequired(_l("Escriba la contraseña nueva."))],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repita la contraseña nueva"),
                            validators=[EqualTo("password", _l("Las contraseñas no coinciden."))],
                            render_kw={"autocomplete": "new-password"})
