"""The Validation walk's default messages, in one place: the server's check (answers.py) and the
phone's (static/js/forms/, handed its table by fieldwork/visits/form_messages.py) refuse an answer in
the same words. A form's own required_message or constraint_message, when it has one, wins."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ANSWER_MESSAGES = {
    "required": _l("Esta pregunta es obligatoria."),
    "constraint": _l("La respuesta no cumple la condición de esta pregunta."),
    "integer": _l("Escriba un número entero."),
    "decimal": _l("Escriba un número."),
    "choice": _l("Elija una de las opciones de la lista."),
    "date": _l("Escriba una fecha AAAA-MM-DD."),
    "text": _l("Escriba un texto."),
    "unknown": _l("Esta pregunta no existe en el formulario."),
    "not_object": _l("Las respuestas deben ser un objeto {pregunta: valor}."),
}


def answer_message(code: str) -> str:
    """The default message `code`, in the current language."""
    return str(ANSWER_MESSAGES[code])
