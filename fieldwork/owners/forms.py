"""Forms of the owners' pages: a decision on a visit, and an owner account made from the registry."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from fieldwork.read_revision import ReadRevisionForm


class ConfirmationForm(ReadRevisionForm):
    """Confirm or dispute the revision read: the two submit buttons carry `decision`; the service checks
    the rules."""

    # Not a HiddenField: hidden_tag() would render it, and the pressed button must be the only value sent.
    decision = StringField()
    comment = TextAreaField(
        _l("Comentario"), validators=[Optional()],
        render_kw={"rows": 3, "maxlength": 2000, "placeholder": _l("Si algo no es correcto, cuéntenos qué.")},
    )


class OwnerAccountForm(FlaskForm):
    """An account for the owner of one Mipyme (the Mipyme comes from the page, not the form)."""

    username = StringField(_l("Usuario"), validators=[InputRequired(_l("Escriba un nombre de usuario.")),
                                                      Length(max=64)],
                           render_kw={"autocapitalize": "none", "autocomplete": "off"})
    name = StringField(_l("Nombre completo"), validators=[Optional(), Length(max=120)])
    password = PasswordField(_l("Contraseña inicial"), validators=[InputRequired(_l("Escriba una contraseña."))],
                             render_kw={"autocomplete": "new-password"})
