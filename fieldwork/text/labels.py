"""Translated labels for stored codes (sectors, roles, topics, states, flags)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

SECTOR_LABELS = {
    "artesanias": _l("Artesanías"),
    "confecciones": _l("Confecciones"),
    "alimentos": _l("Alimentos"),
    "comercio": _l("Comercio"),
    "turismo": _l("Turismo"),
    "servicios": _l("Servicios"),
    "agroindustria": _l("Agroindustria"),
    "otro": _l("Otro"),
}
#: Neutral wording (the accounts do not say how each person wishes to be named): the team or the function,
#: not "Funcionario"/"Supervisor", which misname half of the people who read them under their own name.
ROLE_LABELS = {
    "officer": _l("Equipo de campo"),
    "supervisor": _l("Supervisión"),
    "owner": _l("Propietario/a de la Mipyme"),
    "admin": _l("Administración"),
}
TOPIC_LABELS = {
    "produccion": _l("Producción"),
    "comercializacion": _l("Comercialización"),
    "financiacion": _l("Financiación"),
    "formacion": _l("Formación"),
}
REVIEW_LABELS = {"submitted": _l("Enviada"), "approved": _l("Aprobada"), "returned": _l("Devuelta")}
CONFIRMATION_LABELS = {"pending": _l("Pendiente"), "confirmed": _l("Confirmada"), "disputed": _l("Disputada")}
FLAG_LABELS = {
    "never_visited": _l("Nunca visitada"),
    "follow_up_overdue": _l("Seguimiento vencido"),
    "no_recent_visit": _l("Sin visita reciente"),
    "disputed": _l("En disputa"),
}
STATUS_LABELS = {
    "active": _l("Activa"),
    "graduated": _l("Graduada"),
    "closed": _l("Cerrada"),
    "withdrawn": _l("Retirada"),
    "moved": _l("Trasladada"),
}
MACRO_SECTOR_LABELS = {"manufactura": _l("Manufactura"), "comercio": _l("Comercio"), "servicios": _l("Servicios")}
SIZE_BAND_LABELS = {
    "micro": _l("Micro"),
    "pequena": _l("Pequeña"),
    # "Mediana" is also the median of a results table: the context tells the translations apart.
    "mediana": lazy_pgettext("tamaño de empresa", "Mediana"),
    "grande": _l("Grande"),
    "unknown": _l("Sin dato"),
}
NEIGHBORHOOD_KIND_LABELS = {
    "barrio": _l("Barrio"),
    "comuna": _l("Comuna"),
    "corregimiento": _l("Corregimiento"),
    "vereda": _l("Vereda"),
}
ALL_LABELS = {
    "sector": SECTOR_LABELS,
    "role": ROLE_LABELS,
    "topic": TOPIC_LABELS,
    "review": REVIEW_LABELS,
    "confirmation": CONFIRMATION_LABELS,
    "flag": FLAG_LABELS,
    "status": STATUS_LABELS,
    "macro_sector": MACRO_SECTOR_LABELS,
    "size_band": SIZE_BAND_LABELS,
    "neighborhood_kind": NEIGHBORHOOD_KIND_LABELS,
}


def label(kind: str, code: str | None) -> str:
    """The translated label of `code`, or the code itself when unknown."""
    if code is None:
        return "—"
    return str(ALL_LABELS[kind].get(code, code))
