"""The text static/js/forms/ shows: the Validation walk's default messages (word for word the server's,
so that phone and server refuse an answer alike) and the form's own labels."""
from __future__ import annotations

from flask_babel import gettext as _


def form_js_messages() -> dict[str, str]:
    """Message key → text in the current language, for the page's message table."""
    return {
        "form_required": _("Esta pregunta es obligatoria."),
        "form_constraint": _("La respuesta no cumple la condición de esta pregunta."),
        "form_integer": _("Escriba un número entero."),
        "form_decimal": _("Escriba un número."),
        "form_choice": _("Elija una de las opciones de la lista."),
        "form_date": _("Escriba una fecha AAAA-MM-DD."),
        "form_text": _("Escriba un texto."),
        "form_unknown": _("Esta pregunta no existe en el formulario."),
        "form_not_object": _("Las respuestas deben ser un objeto {pregunta: valor}."),
        "form_required_mark": _("obligatoria"),
    }
