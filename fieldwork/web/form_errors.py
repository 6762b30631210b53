"""A service's per-field messages (ServiceError.errors) shown on an HTML page: one way for every page."""
from __future__ import annotations

from typing import Any

from flask import flash
from flask_wtf import FlaskForm

#: Fields a person never sees: their messages go where they can be read.
_HIDDEN = ("HiddenField", "CSRFTokenField")


def show_service_errors(form: FlaskForm, errors: dict[str, list[str]], leftover: Any = None) -> None:
    """Each message beside its field; those of a hidden or unknown field go to `leftover`: a visible
    field (appended to its errors), a list (the form's `form_errors`), or, when None, a flash message."""
    for name, messages in errors.items():
        field = form._fields.get(name)
        if field is not None and field.type not in _HIDDEN:
            field.errors = [*field.errors, *messages]
        elif isinstance(leftover, list):
            leftover.extend(messages)
        elif leftover is not None:
            leftover.errors = [*leftover.errors, *messages]
        else:
            flash_service_errors({name: messages})


def flash_service_errors(errors: dict[str, list[str]]) -> None:
    """A service's messages as one flash message, for an action whose page redirects (no form shown)."""
    flash(" ".join(str(m) for messages in errors.values() for m in messages), "error")
