"""Forms of the owners' pages: a decision on a visit, and through a shared link with the owner code."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Optional

from fieldwork.owners.confirmation import MAX_COMMENT
from fieldwork.owners.owner_code import MAX_INPUT
from fieldwork.web.read_revision import ReadRevisionForm


class ConfirmationForm(ReadRevisionForm):
    """Confirm or dispute the revision read: the two submit buttons carry `decision`; the service checks
    the rules."""

    # Not a HiddenField: hidden_tag() would render it, and the pressed button must be the only value sent.
    decision = StringField()
    comment = TextAreaField(
        _l("Comentario"), validators=[Optional()],
        render_kw={"rows": 3, "maxlength": MAX_COMMENT, "placeholder": _l("Si algo no es correcto, cuéntenos qué.")},
    )


class LinkConfirmationForm(ConfirmationForm):
    """The shared link's form: the owner code (fieldwork/owners/owner_code.py) makes the answer count as
    the owner's; it is never rendered back into the page."""

    owner_code = StringField(
        _l("Código del propietario"), validators=[Optional()],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": MAX_INPUT,
                   "spellcheck": "false"},
    )
