"""The UVT (Unidad de Valor Tributario) of each year, in pesos: the DIAN publishes next year's in late
November or December, and an admin adds it here so that size bands (Decreto 957 de 2019, written in
UVT) are valued for the year a window ends in. A stored year is never changed: the bands already shown
for it would silently move."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from fieldwork import audit
from fieldwork.clock import programme_zone, today
from fieldwork.extensions import db
from fieldwork.models import User, UvtValue
from fieldwork.services import ServiceError

FIRST_YEAR = 2006  # the UVT exists since Ley 1111 de 2006
#: Far above any UVT so far ($52.374 in 2026) and below what `uvt_values.value_cop` (INTEGER) holds.
MAX_VALUE_COP = 10_000_000


def uvt_values(page: int = 1, per_page: int | None = None) -> tuple[list[UvtValue], int]:
    """A page of the stored years, newest first (`per_page` None: all), and how many there are."""
    query = select(UvtValue).order_by(UvtValue.year.desc())
    if per_page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    return list(db.session.scalars(query)), db.session.scalar(select(func.count()).select_from(UvtValue)) or 0


def add_uvt(year: int | None, value_cop: int | None, actor: User, via: str = "web") -> UvtValue:
    """Store a year's UVT; refused for a year already stored, past next year, or a value out of bounds."""
    errors: dict[str, list[str]] = {}
    next_year = today(programme_zone()).year + 1
    if year is None:
        errors["year"] = [_("Escriba el año.")]
    elif not FIRST_YEAR <= year <= next_year:
        errors["year"] = [_("El año debe estar entre %(first)d y %(last)d (la DIAN publica la UVT del año "
                            "siguiente a fin de año).", first=FIRST_YEAR, last=next_year)]
    elif db.session.get(UvtValue, year) is not None:
        errors["year"] = [_("La UVT de %(year)d ya está registrada; no se cambia.", year=year)]
    if value_cop is None:
        errors["value_cop"] = [_("Escriba el valor de la UVT en pesos.")]
    elif not 1 <= value_cop <= MAX_VALUE_COP:
        errors["value_cop"] = [_("El valor de la UVT debe ser un número entero de pesos entre 1 y %(max)s.",
                                 max=f"{MAX_VALUE_COP:,}".replace(",", "."))]
    if errors:
        raise ServiceError(errors)
    row = UvtValue(year=year, value_cop=value_cop, actor_id=actor.id)
    try:
        with db.session.begin_nested():  # two admins adding the same year at once: the second is told so
            db.session.add(row)
    except IntegrityError:
        raise ServiceError({"year": [_("La UVT de %(year)d ya está registrada; no se cambia.", year=year)]}) from None
    audit.record(actor, "uvt.created", "uvt", year, via=via, value_cop=value_cop)
    return row
