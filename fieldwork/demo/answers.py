"""The demo's answers to the programme form: what each business would plausibly say, visit after visit.

Each business keeps a profile (registered or not, how many of its staff have a contract, where it
sells) and each visit answers from it with a little change. The answers then go through the same
`validate_answers` the sync uses, so what is stored is exactly what a phone's visit would leave.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fieldwork.demo.catalogue import Business
from fieldwork.demo.form import WORKBOOK
from fieldwork.demo.visits import VisitPlan
from fieldwork.forms.answers import validate_answers
from fieldwork.forms.definition import localized
from fieldwork.forms.services import publish_form, upload_form
from fieldwork.models import FormVersion, User

# Where each trade sells first; online channels grow with the business.
CHANNELS = {
    "alimentos": ("local_propio", "puerta_a_puerta", "tiendas"),
    "artesanias": ("ferias", "tiendas", "redes_sociales"),
    "comercio": ("local_propio", "whatsapp", "puerta_a_puerta"),
    "confecciones": ("local_propio", "whatsapp", "ferias"),
    "servicios": ("local_propio", "whatsapp", "redes_sociales"),
    "turismo": ("redes_sociales", "tienda_en_linea", "whatsapp"),
}
OTHER_CHANNELS = ("whatsapp", "redes_sociales", "ferias", "tienda_en_linea", "puerta_a_puerta")
ONLINE = {"whatsapp", "redes_sociales", "tienda_en_linea"}
SOURCES = ("banco", "cooperativa", "fondo_publico", "familiar", "otro")
SOURCE_WEIGHTS = (30, 25, 20, 20, 5)


@dataclass
class _Profile:
    formal_share: float  # of the staff, how many have a contract
    renews_in_month: int | None  # the month the matrícula mercantil is renewed each year (None: never)
    channels: tuple[str, ...]


def _profile(rng: random.Random, business: Business) -> _Profile:
    if business.nit == "sas":
        share, renews = rng.uniform(0.6, 1.0), rng.randint(1, 3)  # the deadline is 31 March
    elif business.nit == "cc":
        share, renews = rng.uniform(0.15, 0.6), rng.randint(1, 5) if rng.random() < 0.7 else None
    else:
        share, renews = rng.uniform(0.0, 0.15), None
    sector = CHANNELS.get(business.sector, OTHER_CHANNELS[:3])
    channels = tuple(rng.sample(sector, rng.randint(1, 3)))
    return _Profile(share, renews, channels)


def demo_answers(rng: random.Random, business: Business, profile: _Profile, visit: dict[str, Any],
                 day: date) -> dict[str, Any]:
    """One visit's answers as an officer would send them."""
    employees = visit["employees"] or 0
    formal = min(employees, round(employees * profile.formal_share))
    channels = list(profile.channels)
    if rng.random() < 0.15:  # this month they also tried somewhere else
        extra = rng.choice([c for c in OTHER_CHANNELS if c not in channels])
        channels = (channels + [extra])[-3:]
    financed = rng.random() < 0.18
    answers: dict[str, Any] = {
        "recibio_financiacion": "si" if financed else "no",
        "canales_venta": channels,
        "ventas_en_linea": "si" if ONLINE & set(channels) else "no",
        "tiene_rut": "si" if business.nit else "no",
        "matricula_renovada": "si" if profile.renews_in_month and day.month >= profile.renews_in_month else "no",
        "aportes_seguridad_social": "si" if formal else "no",
        "empleados_formales": formal,
        "empleados_informales": employees - formal,
    }
    if financed:
        amount = business.sales_m * rng.uniform(0.3, 2.5) * 1_000_000
        answers["monto_financiacion"] = max(100_000, round(amount / 100_000) * 100_000)
        answers["fuente_financiacion"] = rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0]
    return answers


def publish_demo_form(supervisor: User, when: datetime) -> FormVersion:
    """The supervisor uploads and publishes valledupar.xlsx through the forms service, as on the page."""
    version = upload_form(supervisor, WORKBOOK.read_bytes(), WORKBOOK.name, via="cli", now=when)
    return publish_form(supervisor, version, via="cli", now=when)


def form_answerer(rng: random.Random, version: FormVersion, zone: ZoneInfo
                  ) -> Callable[[list[VisitPlan], list[list[dict[str, Any]]]], None]:
    """What `build_visits` calls to give every visit the form's answers, checked as the sync checks them."""
    definition = {"questions": localized(version.definition, "es")}

    def answer(plans: list[VisitPlan], histories: list[list[dict[str, Any]]]) -> None:
        for plan, history in zip(plans, histories, strict=True):
            profile = _profile(rng, plan.business)
            for visit in history:
                day = visit["visited_at"].astimezone(zone).date()
                clean, errors = validate_answers(definition, demo_answers(rng, plan.business, profile, visit, day),
                                                 day)
                if errors:  # the demo must never hold what the sync would refuse
                    raise RuntimeError(f"Demo answers refused by the form: {errors}")
                visit.update(form_version_id=version.id, answers=clean)

    return answer
