"""Creating, changing, reassigning and deactivating Mipymes: one path for pages and API."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from fieldwork import audit, ciiu
from fieldwork.clock import local_date, programme_zone, today, utcnow
from fieldwork.extensions import db
from fieldwork.models import SECTORS, Mipyme, User, Visit
from fieldwork.registry import history, neighborhoods, status
from fieldwork.registry.nit import normalise_nit
from fieldwork.services import ServiceError

EDITABLE_FIELDS = ("name", "nit", "sector", "officer_id", "owner_name", "phone", "address", "neighborhood", "active",
                   "enrolled_on", "ciiu")


def visible_mipymes(user: User) -> Select[tuple[Mipyme]]:
    """The Mipymes `user` may see: officers their assigned ones, owners their own, the office all."""
    query = select(Mipyme)
    if user.role == "officer":
        return query.where(Mipyme.officer_id == user.id)
    if user.role == "owner":
        return query.where(Mipyme.id == user.mipyme_id)
    return query


def can_see_mipyme(user: User, mipyme: Mipyme) -> bool:
    if user.role in ("supervisor", "admin"):
        return True
    if user.role == "officer":
        return mipyme.officer_id == user.id
    return user.role == "owner" and user.mipyme_id == mipyme.id


def _clean(  # noqa: PLR0912 (one branch per field)
    data: dict[str, Any], current: Mipyme | None
) -> tuple[dict[str, Any], status.StatusChange | None]:
    """Validate and normalise the fields being set and the status change asked (`status`, `status_on`,
    `status_reason`); raise ServiceError with Spanish messages for every refused field at once."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key in EDITABLE_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, str):
            value = value.strip()
        cleaned[key] = value
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("Escriba el nombre de la Mipyme.")]
    if "sector" in cleaned and cleaned["sector"] not in SECTORS:
        errors["sector"] = [_("Sector desconocido.")]
    if cleaned.get("nit"):
        nit = normalise_nit(cleaned["nit"])
        if nit is None:
            errors["nit"] = [_("NIT no válido: revise los dígitos y el dígito de verificación (p. ej. 900123456-8).")]
        else:
            cleaned["nit"] = nit
            clash = select(func.count()).select_from(Mipyme).where(Mipyme.nit == nit)
            if current is not None:
                clash = clash.where(Mipyme.id != current.id)
            if db.session.scalar(clash):
                errors["nit"] = [_("Ya hay una Mipyme registrada con ese NIT.")]
    elif "nit" in cleaned:
        cleaned["nit"] = None
    if cleaned.get("officer_id") is not None:
        officer = db.session.get(User, cleaned["officer_id"])
        if officer is None or officer.role != "officer" or not officer.active:
            errors["officer_id"] = [_("Elija un funcionario de campo activo.")]
    for key in ("owner_name", "phone", "address", "neighborhood"):
        if key in cleaned and cleaned[key] is None:
            cleaned[key] = ""
    _check_listed(cleaned, current, errors)
    if cleaned.get("enrolled_on") is None:
        cleaned.pop("enrolled_on", None)  # not given: the Mipyme keeps its day (a new one: the day it is registered)
    else:
        message = _enrolment_error(cleaned["enrolled_on"], current)
        if message:
            errors["enrolled_on"] = [message]
    change = status.check(current, {**data, "enrolled_on": cleaned.get("enrolled_on")}, errors)
    if errors:
        raise ServiceError(errors)
    return cleaned, change


def _check_listed(cleaned: dict[str, Any], current: Mipyme | None, errors: dict[str, list[str]]) -> None:
    """The CIIU class must be one of the classification's, the neighbourhood one of the programme's list
    (stored as the list spells it). A name a Mipyme already has stays valid while it is not changed:
    a place typed before the list existed does not block editing the rest of the Mipyme."""
    if cleaned.get("ciiu"):
        found = ciiu.lookup(cleaned["ciiu"])
        if found is None:
            errors["ciiu"] = [_("«%(code)s» no es una clase de la CIIU Rev. 4 A.C. (DANE): escriba sus 4 dígitos "
                                "(p. ej. 1081) o búsquela por su nombre.", code=cleaned["ciiu"])]
        else:
            cleaned["ciiu"] = found.code
    elif "ciiu" in cleaned:
        cleaned["ciiu"] = None
    name = cleaned.get("neighborhood")
    if name and not (current is not None and name == current.neighborhood):
        place = neighborhoods.resolve(name)
        if place is None:
            errors["neighborhood"] = [neighborhoods.unlisted_message(name)]
        else:
            cleaned["neighborhood"] = place.name


def _enrolment_error(enrolled_on: date, current: Mipyme | None) -> str | None:
    """A business cannot join the programme in the future, nor after a visit or a status change it already has."""
    zone = programme_zone()
    if enrolled_on > today(zone):
        return _("La fecha de ingreso no puede ser posterior a hoy.")
    if current is None:
        return None
    first_visit = db.session.scalar(select(func.min(Visit.visited_at)).where(Visit.mipyme_id == current.id))
    if first_visit is not None and enrolled_on > local_date(first_visit, zone):
        return _("La Mipyme tiene visitas desde el %(day)s; la fecha de ingreso no puede ser posterior.",
                 day=local_date(first_visit, zone).isoformat())
    first_change = status.first_change_on(current)
    if first_change is not None and enrolled_on > first_change:
        return _("El estado de la Mipyme cambió el %(day)s; la fecha de ingreso no puede ser posterior.",
                 day=first_change.isoformat())
    return None


def create_mipyme(data: dict[str, Any], actor: User, via: str = "web") -> Mipyme:
    if not data.get("name"):
        data = {**data, "name": data.get("name") or ""}
    cleaned, _change = _clean(data, None)  # a status asked at registration is refused by _clean
    missing = {k: [_("Falta este dato obligatorio.")] for k in ("name", "sector") if k not in cleaned}
    if missing:
        raise ServiceError(missing)
    mipyme = Mipyme(**{"active": True, "enrolled_on": today(programme_zone()), **cleaned})
    db.session.add(mipyme)
    db.session.flush()
    history.record_enrolment(mipyme, actor)
    status.record_enrolment(mipyme, actor)
    audit.record(actor, "mipyme.created", "mipyme", mipyme.id, via=via, name=mipyme.name)
    return mipyme


def update_mipyme(mipyme: Mipyme, data: dict[str, Any], actor: User, via: str = "web",
                  now: datetime | None = None) -> Mipyme:
    """Change fields; a new officer or active state is kept in the history from `now` (default: the clock),
    a new status (`status`, with `status_on` and `status_reason`) in the status history from its day."""
    cleaned, change = _clean(data, mipyme)
    before = history.Standing(mipyme.officer_id, mipyme.active)
    changes = {k: [getattr(mipyme, k), v] for k, v in cleaned.items() if getattr(mipyme, k) != v}
    for key, (_old, new) in changes.items():
        setattr(mipyme, key, new)
    if {"officer_id", "active"} & set(changes):
        history.record_change(mipyme, before, actor, now or utcnow())
    if changes:
        action = "mipyme.reassigned" if set(changes) == {"officer_id"} else "mipyme.updated"
        audit.record(actor, action, "mipyme", mipyme.id, via=via, changes=changes)
    if change is not None:
        status.apply(mipyme, change, actor, via)
    return mipyme


def reassign(mipyme_ids: list[int], officer_id: int, actor: User, via: str = "web") -> int:
    """Move several Mipymes to one officer at once; returns how many changed."""
    officer = db.session.get(User, officer_id)
    if officer is None or officer.role != "officer" or not officer.active:
        raise ServiceError({"officer_id": [_("Elija un funcionario de campo activo.")]})
    changed = 0
    for mipyme in db.session.scalars(select(Mipyme).where(Mipyme.id.in_(mipyme_ids))):
        if mipyme.officer_id != officer_id:
            update_mipyme(mipyme, {"officer_id": officer_id}, actor, via)
            changed += 1
    return changed
