"""The page's publish step (WTForms): a publish changes every officer's form, so it follows the changes read."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired


class ConfirmPublishForm(FlaskForm):
    """The API publishes without it (its callers read `changes` themselves); the page asks for it."""

    reviewed = BooleanField(_l("He revisado los cambios"), validators=[DataRequired(
        _l("Marque «He revisado los cambios» después de leerlos: al publicar, todos los funcionarios llenan "
           "esta versión."))])
    #: The current version the changes were read against ("" when none was published): another
    #: version published meanwhile makes them stale, and the page shows them again instead of publishing.
    compared_with = HiddenField()
