"""The Validation walk's default messages, in one place: the server's check (answers.py) and the
phone's (static/js/forms/, handed its table by fieldwork/visits/form_messages.py) refuse an answer in
the same words. A form's own required_message or constraint_message, when it has one, wins.

A message with %(name)s placeholders (range's bounds) is filled after translation, on the server here and
on the phone by i18n.js's t(): the table carries the placeholders, so both sides write the same sentence."""
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
    "time": _l("Escriba una hora HH:MM, entre 00:00 y 23:59."),
    "datetime": _l("Escriba la fecha y la hora: AAAA-MM-DD y HH:MM."),
    "geopoint": _l("Tome la ubicación con el GPS o escríbala: latitud entre -90 y 90, longitud entre -180 y "
                   "180."),
    "geotrace": _l("Marque el recorrido con el GPS: de 2 a 1.000 puntos, cada uno con latitud entre -90 y 90 y "
                   "longitud entre -180 y 180."),
    "geoshape": _l("Marque el área con el GPS: de 4 a 1.000 puntos, el último en el mismo lugar que el primero "
                   "para cerrarla."),
    "image": _l("Tome la foto de nuevo o elija otra: esta no se pudo guardar."),
    "acknowledge": _l("Marque la casilla para confirmar."),
    "range": _l("Elija un número entre %(start)s y %(end)s, de %(step)s en %(step)s."),
    "rank": _l("Ordene todas las opciones de la lista, cada una una sola vez."),
    "repeat_list": _l("Las respuestas de esta sección que se repite deben ser una lista de objetos "
                      "{pregunta: valor}."),
    "repeat_count": _l("Esta sección debe repetirse las veces que indica el formulario: agregue o quite "
                       "repeticiones hasta completarlas."),
    "repeat_too_many": _l("Esta sección se repite más de 200 veces: quite las repeticiones que sobran."),
}


def answer_message(code: str, **values: str) -> str:
    """The default message `code`, in the current language, its placeholders filled from `values`."""
    text = str(ANSWER_MESSAGES[code])
    return text % values if values else text
