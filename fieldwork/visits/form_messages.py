"""The text static/js/forms/ shows: the Validation walk's default messages (word for word the server's,
so that phone and server refuse an answer alike) and the form's own labels."""
from __future__ import annotations

from flask_babel import gettext as _

from fieldwork.forms.answer_limits import LIMIT_MESSAGES
from fieldwork.forms.messages import ANSWER_MESSAGES


def form_js_messages() -> dict[str, str]:
    """Message key → text in the current language, for the page's message table."""
    return {
        **{f"form_{code}": str(text) for code, text in ANSWER_MESSAGES.items()},
        **{f"form_{code}": str(text) for code, text in LIMIT_MESSAGES.items()},
        "form_required_mark": _("obligatoria"),
    }
