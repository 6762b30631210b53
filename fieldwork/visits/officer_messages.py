"""The offline app's text for the officer's own screens (returned visits, shared phone, backup, honest status).

Kept apart from messages.py (shared with the form's work) and merged into the same JSON data block.
"""
from __future__ import annotations

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import gettext as _

from fieldwork.text.i18n import FORMAT_LOCALES


def _months() -> str:
    """Abbreviated month names, space-separated, as the server's date filter writes them ("mar")."""
    locale = FORMAT_LOCALES.get(str(get_locale() or "es"), "es_CO")
    names = get_month_names("abbreviated", locale=locale)
    return " ".join(names[n].rstrip(".") for n in range(1, 13))


def officer_messages() -> dict[str, str]:
    """Message key → text in the current language (placeholders: `%(name)s`)."""
    return {
        "months_short": _months(),
        "today": _("hoy"),
        # Sync bar: every kind of waiting, each in its own words.
        "returned_count": _("%(count)s por corregir"),
        "returned_count_one": _("1 por corregir"),
        "drafts_count": _("%(count)s borradores sin terminar"),
        "drafts_count_one": _("1 borrador sin terminar"),
        "reconnecting": _("Reconectando…"),
        "sync_visit_stuck": _("El servidor no pudo recibir esta visita (error %(status)s). Sigue guardada en el "
                              "teléfono y se reintentará sola; si sigue así, avise a su supervisor."),
        "sync_stuck": _("El servidor no pudo recibir %(count)s visitas; las demás se enviaron. Siguen guardadas "
                        "en el teléfono: las ve en «Mis visitas»."),
        "sync_stuck_one": _("El servidor no pudo recibir 1 visita; las demás se enviaron. Sigue guardada en el "
                            "teléfono: la ve en «Mis visitas»."),
        "local_stuck": _("El servidor no pudo recibirla"),
        "sync_offline": _("Sin conexión: ahora no se puede enviar. Las visitas siguen guardadas en el teléfono "
                          "y se enviarán solas cuando vuelva la señal."),
        "other_accounts": _("%(count)s visitas de otra cuenta esperan en este teléfono. Se enviarán cuando "
                            "esa persona inicie sesión aquí."),
        "other_accounts_one": _("1 visita de otra cuenta espera en este teléfono. Se enviará cuando esa persona "
                                "inicie sesión aquí."),
        "storage_not_persistent": _("Este navegador puede borrar los datos del teléfono si pasa días sin abrir "
                                    "Fieldwork (Safari los borra a los 7 días). Sincronice a menudo o descargue "
                                    "un respaldo en «Mis visitas»."),
        # The form and "Mis visitas".
        "form_title_correct": _("Corregir visita"),
        "correction_queued": _("Corrección guardada en el teléfono: se enviará sola."),
        "correction_sent": _("Su corrección ya se envió a la oficina."),
        "form_title_pending": _("Editar visita pendiente de envío"),
        "edit_pending": _("Editar antes de enviar"),
        "edit_pending_sent": _("Esa visita acaba de llegar a la oficina: ya no se edita en el teléfono."),
        "local_editing": _("En edición: guárdela para enviarla"),
        "search_count": _("%(shown)s de %(total)s"),
        "search_none": _("Nada coincide con «%(q)s»."),
        # Backup.
        "backup_done": _("Respaldo descargado: %(visits)s visitas y %(photos)s fotos."),
        "backup_loaded": _("Respaldo cargado: %(visits)s visitas y %(photos)s fotos nuevas en el teléfono. Se "
                           "enviarán con su cuenta."),
        "backup_nothing_new": _("Este respaldo ya estaba en el teléfono: no cambió nada."),
        "backup_other_officer": _("Este respaldo es de otra cuenta (%(name)s). Solo esa persona puede cargarlo, "
                                  "con su propio usuario."),
        "backup_invalid": _("Este archivo no es un respaldo de Fieldwork."),
    }
