"""The text static/js/forms/ shows: the Validation walk's default messages (word for word the server's,
so that phone and server refuse an answer alike), the words of the phone's answer widgets and repeat cards
(widget-common.js and repeat-cards.js hold the same Spanish for a page that lacks a key) and the form's own labels.
Placeholders (%(start)s…) stay in the text: i18n.js's t() fills them on the phone."""
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
        **widget_js_messages(),
        **repeat_js_messages(),
    }


def repeat_js_messages() -> dict[str, str]:
    """A repeat's cards and their buttons (static/js/forms/repeat-cards.js)."""
    return {
        "form_repeat_add": _("Agregar %(label)s"),
        "form_repeat_card": _("%(label)s %(number)s"),  # "Producto 2"
        "form_repeat_remove": _("Quitar"),
        "form_repeat_up": _("Subir"),
        "form_repeat_down": _("Bajar"),
        "form_repeat_removed": _("Se quitó «%(card)s»."),
        "form_repeat_undo": _("Deshacer"),
        "form_repeat_kept": _("Ahora se piden %(count)s: lo escrito en %(extra)s más queda guardado en el "
                              "borrador, pero no se envía. Si el número vuelve a subir, reaparece."),
        "form_repeat_drop": _("Borrar lo que ya no se pide"),
    }


def widget_js_messages() -> dict[str, str]:
    """The answer widgets' words (time and moment, place, photo, range, rank); photo_* are the visit page's."""
    return {
        "widget_unanswered": _("Sin responder"),
        "widget_clear": _("Borrar respuesta"),
        "widget_zone": _("Hora del programa (UTC%(offset)s)."),
        # A place from the GPS, or typed.
        "widget_geo_take": _("Tomar ubicación"),
        "widget_geo_retry": _("Intentar de nuevo"),
        "widget_geo_waiting": _("Buscando la ubicación…"),
        "widget_geo_taken": _("Ubicación tomada: %(point)s."),
        "widget_point_added": _("Punto %(n)s agregado: %(point)s."),
        "widget_geo_typed": _("Coordenadas escritas a mano."),
        "widget_geo_denied": _("El teléfono no dio permiso para usar la ubicación. Escriba las coordenadas."),
        "widget_geo_failed": _("No se obtuvo la ubicación. Intente de nuevo al aire libre o escriba las "
                               "coordenadas."),
        "widget_geo_unsupported": _("Este teléfono no puede dar la ubicación. Escriba las coordenadas."),
        "widget_geo_manual": _("Escribir las coordenadas"),
        "widget_lat": _("Latitud"),
        "widget_lon": _("Longitud"),
        "widget_coord_hint": _("En grados decimales, con punto o coma: 4,7110 y -74,0721."),
        "widget_coord_missing": _("Escriba la latitud y la longitud."),
        "widget_coord_ambiguous": _("Use un solo separador decimal (punto o coma) y no separe miles: por ejemplo "
                                    "4,7110."),
        "widget_coord_not_number": _("Escriba grados decimales, por ejemplo -74,0721 (no grados y minutos)."),
        "widget_lat_range": _("La latitud va de -90 a 90."),
        "widget_lon_range": _("La longitud va de -180 a 180."),
        "widget_points": _("%(count)s puntos"),
        "widget_points_one": _("1 punto"),
        "widget_point_here": _("Agregar ubicación actual"),
        "widget_point_typed": _("Agregar punto escrito"),
        "widget_point_remove": _("Quitar punto %(n)s"),
        "widget_trace_min": _("Una línea necesita al menos 2 puntos."),
        "widget_shape_min": _("Un área necesita al menos 3 esquinas; se cierra sola volviendo a la primera."),
        "widget_points_max": _("Se llegó al máximo de 1.000 puntos."),
        # A photo as the answer.
        "widget_photo_take": _("Tomar foto"),
        "widget_photo_change": _("Cambiar foto"),
        "widget_photo_remove": _("Quitar"),
        "widget_photo_alt": _("Foto de la respuesta"),
        "widget_photo_kept": _("Foto guardada en el teléfono; se envía con la visita."),
        "widget_photo_elsewhere": _("Foto ya enviada; este teléfono no la tiene para mostrarla."),
        # A range's − and + buttons; a rank's arrows.
        "widget_less": _("Menos"),
        "widget_more": _("Más"),
        "widget_rank_up": _("Subir «%(label)s»"),
        "widget_rank_down": _("Bajar «%(label)s»"),
        "widget_rank_moved": _("«%(label)s» quedó en el puesto %(n)s de %(count)s."),
        "widget_rank_confirm": _("Confirmar orden"),
        "widget_rank_pending": _("Ordene con las flechas (el primero arriba) y pulse «Confirmar orden»."),
        "widget_rank_confirmed": _("Orden confirmado."),
    }
