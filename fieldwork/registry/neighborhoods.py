"""The programme's list of places (barrios, comunas, corregimientos, veredas): a Mipyme's `neighborhood`
is one of these names, so that a typo cannot make a second filter entry (issue 17 item 2).

Names are compared folded (fieldwork/text/search.py): "Los Mayales", "los mayales" and "LOS MAYALÉS"
are one place, stored once, under the spelling it was added with.
"""
from __future__ import annotations

import difflib

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from fieldwork import audit
from fieldwork.database import spanish_order
from fieldwork.extensions import db
from fieldwork.models import NEIGHBORHOOD_KINDS, Neighborhood, User
from fieldwork.services import ServiceError
from fieldwork.text.search import fold, folded_name

NAME_LENGTH = 120
#: How alike (0–1, difflib's ratio on folded names) a listed name must be to be offered instead.
NEAR_ENOUGH = 0.6


def neighborhoods(page: int = 1, per_page: int | None = None) -> tuple[list[Neighborhood], int]:
    """A page of the list in Spanish alphabetical order (`per_page` None: all of it), and the list's length."""
    query = select(Neighborhood).order_by(spanish_order(Neighborhood.name), Neighborhood.id)
    if per_page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    total = db.session.scalar(select(func.count()).select_from(Neighborhood)) or 0
    return list(db.session.scalars(query)), total


def names() -> list[str]:
    """The listed names, in order: the choices of the Mipyme form."""
    return list(db.session.scalars(select(Neighborhood.name).order_by(spanish_order(Neighborhood.name),
                                                                      Neighborhood.id)))


def resolve(name: str | None) -> Neighborhood | None:
    """The listed place `name` means, ignoring case, accents and surrounding spaces; None when unlisted."""
    folded = folded_name((name or "").strip())
    if not folded:
        return None
    return db.session.scalar(select(Neighborhood).where(Neighborhood.search_name == folded))


def nearest(name: str | None, n: int = 3) -> list[str]:
    """Up to `n` listed names most like `name` (for the message that refuses an unlisted one)."""
    by_folded = {fold(listed): listed for listed in names()}
    close = difflib.get_close_matches(fold((name or "").strip()), list(by_folded), n=n, cutoff=NEAR_ENOUGH)
    return [by_folded[key] for key in close]


def unlisted_message(name: str) -> str:
    """Why `name` is refused, with the nearest listed names when there are any."""
    close = nearest(name)
    if close:
        return _("«%(name)s» no está en la lista de barrios del programa. ¿Quiso decir: %(names)s?",
                 name=name, names=", ".join(close))
    return _("«%(name)s» no está en la lista de barrios del programa. Elija uno de la lista; un supervisor "
             "puede agregar los que falten.", name=name)


def add_neighborhood(name: str | None, kind: str | None, actor: User, via: str = "web") -> Neighborhood:
    """Add a place to the list (supervisors and admins); refused when the folded name is already listed."""
    name = " ".join((name or "").split())  # one space between words: "Los  Mayales" is "Los Mayales"
    kind = kind or "barrio"
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Escriba el nombre del barrio.")]
    elif len(name) > NAME_LENGTH:
        errors["name"] = [_("El nombre admite hasta %(max)d caracteres.", max=NAME_LENGTH)]
    else:
        existing = resolve(name)
        if existing is not None:
            errors["name"] = [_("«%(name)s» ya está en la lista.", name=existing.name)]
    if kind not in NEIGHBORHOOD_KINDS:
        errors["kind"] = [_("Tipo desconocido. Use uno de: %(kinds)s.", kinds=", ".join(NEIGHBORHOOD_KINDS))]
    if errors:
        raise ServiceError(errors)
    place = Neighborhood(name=name, search_name=folded_name(name), kind=kind)
    try:
        with db.session.begin_nested():  # two people adding the same name at once: the second is told so
            db.session.add(place)
    except IntegrityError:
        raise ServiceError({"name": [_("«%(name)s» ya está en la lista.", name=name)]}) from None
    audit.record(actor, "neighborhood.created", "neighborhood", place.id, via=via, name=name, kind=kind)
    return place
