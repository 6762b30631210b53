"""The hidden `revision` every decision form sends: the revision of the visit the person read."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

from fieldwork.web.form_errors import show_service_errors

_RELOAD = _l("La página está desactualizada: recárguela y revise la visita de nuevo.")


class ReadRevisionForm(FlaskForm):
    """A form whose decision is bound to what was read: `revision=abc` or none is a field error, never a 500."""

    revision = HiddenField(validators=[InputRequired(_RELOAD), Regexp(r"^\d{1,9}$", message=_RELOAD)])

    def read_revision(self) -> int:
        """The revision read, once the form validated."""
        return int(self.revision.data)

    def show_at(self, visible: Any) -> None:
        """Hidden fields' errors (a bad revision) are shown beside `visible`, the field the person sees."""
        for name in ("revision", "csrf_token"):
            field = self._fields.get(name)
            if field is not None and field.errors:
                visible.errors = [*visible.errors, *field.errors]
                field.errors = []

    def add_errors(self, errors: dict[str, list[str]], visible: Any) -> None:
        """A service's per-field messages beside their fields; hidden or unknown ones beside `visible`."""
        show_service_errors(self, errors, leftover=visible)

    def present(self, revision: int) -> None:
        """Show the form again for the revision stored now (what the page displays)."""
        self.revision.data = str(revision)
