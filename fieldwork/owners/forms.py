"""Forms of the owners' pages: a decision on a visit."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Optional

from fieldwork.owners.confirmation import MAX_COMMENT
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

