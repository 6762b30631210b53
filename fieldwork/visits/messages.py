"""The text the offline app's ES modules show, translated here so that Babel extracts it.

Pages embed it as a JSON data block (`templates/visits/_js_messages.html`); static/js/i18n.js reads it.
"""
from __future__ import annotations

from flask_babel import gettext as _

from fieldwork.text.numbers import DECIMAL_MESSAGES, INTEGER_MESSAGES
from fieldwork.visits.form_messages import form_js_messages
from fieldwork.visits.officer_messages import officer_messages


def shell_messages() -> dict[str, str]:
    """What every page's script may say, whoever reads it: the new version's prompt (static/js/sw-client.js)."""
    return {"update_ready": _("Nueva versión disponible."), "update_reload": _("Actualizar")}


def js_messages() -> dict[str, str]:
    """Message key → text in the current language (placeholders: `%(name)s`): the officer's offline app."""
    return {
        **shell_messages(),
        "never": _("nunca"),
        # Validation, as the server phrases it.
        "err_mipyme_required": _("Elija la Mipyme visitada."),
        "err_mipyme_unknown": _("Esa Mipyme no está asignada a usted."),
        "err_visited_at_required": _("Indique la fecha y la hora de la visita."),
        "err_visited_at_future": _("La visita no puede estar en el futuro."),
        "err_visited_before_enrolment": _("La visita es anterior al ingreso de la Mipyme al programa (%(day)s)."),
        "err_topics_required": _("Marque al menos un tema tratado."),
        # Numbers as Colombians write them: the table lives in fieldwork/text/numbers.py.
        **{f"err_integer_{code}": str(text) for code, text in INTEGER_MESSAGES.items()},
        **{f"err_decimal_{code}": str(text) for code, text in DECIMAL_MESSAGES.items()},
        "err_notes_too_long": _("Las observaciones admiten hasta %(max)s caracteres."),
        "err_date": _("Fecha no válida."),
        "err_follow_up_before_visit": _("El seguimiento no puede ser antes de la visita."),
        "err_form_summary": _("Revise los campos marcados en rojo."),
        # The form.
        "draft_saved": _("Borrador guardado en el teléfono · %(time)s"),
        "draft_restored": _("Se recuperó el borrador que dejó sin terminar."),
        "draft_restored_for": _("Se recuperó el borrador de %(name)s que dejó sin terminar."),
        "draft_moved": _("El borrador ahora es de %(name)s."),
        "draft_kept": _("Empezó una visita nueva de %(to)s. El borrador de %(name)s sigue guardado en el "
                        "teléfono."),
        "draft_move": _("Este borrador era para otro negocio: moverlo a %(name)s"),
        "draft_open_elsewhere": _("Este borrador está abierto en otra pestaña o ventana de Fieldwork. Siga allí; "
                                  "cuando la cierre, podrá continuar aquí."),
        "draft_free_now": _("La otra pestaña dejó este borrador: puede seguir aquí."),
        "other_drafts": _("También tiene borradores sin terminar de:"),
        "draft_without_mipyme": _("una visita sin Mipyme elegida"),
        "draft_returned": _("Visita devuelta por supervisión. Corríjala y guárdela: se reenviará sola."),
        "owner_said": _("El propietario escribió:"),
        "supervisor_said_by": _("Supervisión (%(name)s) indica:"),
        "supervisor_said": _("Supervisión indica:"),
        "draft_rejected": _("El servidor no aceptó esta visita: corrija los campos marcados."),
        "visit_queued": _("Visita guardada en el teléfono. Se enviará sola cuando haya conexión."),
        "visit_queued_online": _("Visita guardada. Enviando…"),
        "visit_sent": _("Visita guardada y enviada a la oficina."),
        "save_failed": _("No se pudo guardar en el teléfono: %(error)s"),
        "rejected_waiting": _("Hay %(count)s visitas rechazadas por el servidor que necesitan corrección."),
        "rejected_waiting_one": _("Hay 1 visita rechazada por el servidor que necesita corrección."),
        "fix_now": _("Corregir"),
        "discard_confirm": _("¿Descartar este borrador y sus fotos? No se puede deshacer."),
        "no_matches": _("Ninguna Mipyme coincide con «%(q)s»."),
        "matches": _("%(count)s Mipymes"),
        "chars_left": _("%(count)s caracteres disponibles"),
        # Location.
        "geo_unsupported": _("Este teléfono no permite capturar la ubicación. Puede guardar sin ella."),
        "geo_waiting": _("Buscando la ubicación… (puede seguir llenando)"),
        "geo_ok": _("Ubicación capturada (precisión ± %(accuracy)s m)."),
        "geo_denied": _("Sin permiso para la ubicación. Puede guardar sin ella."),
        "geo_failed": _("No se obtuvo la ubicación. Puede intentarlo de nuevo o guardar sin ella."),
        # Photos.
        "photo_processing": _("Preparando la foto…"),
        "photo_failed": _("No se pudo leer esa imagen. Tome la foto de nuevo."),
        "photo_remove": _("Quitar foto"),
        "photo_alt": _("Foto %(n)s de la visita"),
        "photo_wait": _("Esperando a que la foto termine de prepararse…"),
        "refused_photos_title": _("Fotos que el servidor no aceptó"),
        "refused_photo_taken": _("Foto tomada: %(when)s"),
        "photo_retry": _("Reintentar envío"),
        "photo_discard": _("Descartar foto"),
        "photo_discard_confirm": _("¿Descartar esta foto? No se puede deshacer."),
        "refused_photos": _("%(count)s fotos no aceptadas"),
        "refused_photos_one": _("1 foto no aceptada"),
        "sync_photo_retry": _("El servidor no recibió una foto (error %(status)s). Se reintentará sola."),
        # Sync bar.
        "online": _("En línea"),
        "offline": _("Sin conexión"),
        "pending": _("%(count)s pendientes"),
        "pending_one": _("1 pendiente"),
        "pending_photos": _("%(count)s fotos por enviar"),
        "pending_photos_one": _("1 foto por enviar"),
        "rejected": _("%(count)s rechazadas por el servidor"),
        "rejected_one": _("1 rechazada por el servidor"),
        "last_sync": _("Último envío: %(when)s"),
        "syncing": _("Enviando…"),
        "all_sent": _("Todo enviado"),
        "sync_login_required": _("Inicie sesión para sincronizar. Sus visitas siguen guardadas en el teléfono."),
        "login_link": _("Iniciar sesión"),
        "sync_network_error": _("No hay conexión con el servidor. Se reintentará solo."),
        "sync_server_error": _("El servidor tuvo un problema (error %(status)s). Se reintentará solo."),
        "sync_refused": _("El servidor rechazó el envío (error %(status)s)."),
        "sync_not_officer": _("Esta sesión no es del equipo de campo: inicie sesión con su usuario."),
        "storage_full": _("Almacenamiento casi lleno (%(percent)s)."),
        "storage_warning": _("Sincronice pronto: con el almacenamiento lleno, el teléfono no puede guardar visitas ni "
                             "fotos nuevas."),
        "storage_risk": _("El navegador puede borrar sus datos."),
        "storage_more": _("Ver más"),  # the title of the notice's line, which opens its details
        "storage_close": _("Cerrar aviso"),
        "storage_outdated": _("Fieldwork se actualizó en otra pestaña. Recargue esta página para seguir: lo que "
                              "ya estaba guardado sigue en el teléfono."),
        "storage_reload": _("Recargar"),
        "storage_blocked": _("Para terminar de actualizar Fieldwork, cierre o recargue sus otras pestañas de "
                             "Fieldwork."),
        "storage_unavailable": _("Este navegador no permite guardar datos sin conexión (¿modo incógnito?)."),
        "logout_unsent_one": _("Tiene 1 visita sin enviar. Quedará guardada en este teléfono y se enviará cuando "
                               "vuelva a iniciar sesión. ¿Cerrar sesión de todos modos?"),
        "logout_unsent": _("Tiene %(count)s visitas sin enviar. Quedarán guardadas en este teléfono y se enviarán "
                           "cuando vuelva a iniciar sesión. ¿Cerrar sesión de todos modos?"),
        # Mis visitas (local part).
        "local_pending": _("Pendiente de envío"),
        "local_sent": _("Enviada a la oficina"),
        "local_draft": _("Borrador"),
        "local_rejected": _("Rechazada por el servidor"),
        "local_returned": _("Devuelta por supervisión: en corrección"),
        "local_none": _("No hay visitas guardadas solo en el teléfono."),
        "open_draft": _("Abrir"),
        "unknown_mipyme": _("Mipyme #%(id)s"),
        "attempts": _("Intentos: %(count)s · %(error)s"),
        **form_js_messages(),  # the programme's questions (static/js/forms/)
        **officer_messages(),
    }
