"""The demo's answers to the programme form: what each business would plausibly say, visit after visit.

Each business keeps a profile (registered or not, how many of its staff have a contract and are women,
where it sells) and each visit answers from it as the months go by: most formalise a little more of
their staff, a few informal ones register with the DIAN and renew their matrícula, some start selling
by WhatsApp, and more of them obtain credit as the programme goes on; a business in trouble lets staff go.
The answers then go through the same `validate_answers` the sync uses, so what is stored is exactly what
a phone's visit would leave.
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
#: What each trade makes or sells most, with a plausible price per unit in pesos (the products repeat).
PRODUCTS = {
    "agroindustria": (("Queso costeño (kg)", 18_000), ("Suero costeño (litro)", 9_000), ("Panela (kg)", 6_000),
                      ("Ají en conserva (frasco)", 12_000)),
    "alimentos": (("Arepa de queso", 3_500), ("Bollo limpio", 2_000), ("Almuerzo corriente", 14_000),
                  ("Jugo natural", 4_000)),
    "artesanias": (("Mochila arhuaca", 350_000), ("Mochila wayuu", 180_000), ("Sombrero vueltiao", 120_000),
                   ("Talla en madera", 60_000)),
    "comercio": (("Canasta de víveres", 45_000), ("Recarga de celular", 10_000), ("Gaseosa 1,5 litros", 5_500)),
    "confecciones": (("Camisa de lino", 85_000), ("Uniforme escolar", 70_000), ("Guayabera", 120_000)),
}
#: Trades where most of the people working are women (mochilas, sewing, kitchens).
WOMEN_LED = ("artesanias", "confecciones", "alimentos")


@dataclass
class _Profile:
    formal_share: float  # of the staff, how many have a contract at the first visit
    formal_drift: float  # how that share moves a month: a growing business formalises its staff, one in trouble lets go
    women_share: float  # of the people working, how many are women
    women_drift: float  # a growing business hires women a little more than men (the programme's aim)
    renews_in_month: int | None  # the month the matrícula mercantil is renewed each year (None: not on time)
    channels: tuple[str, ...]
    registers_at: float | None  # months into its history when an informal business gets its RUT (None: never)
    renews_at: float | None  # months in when a business that had let its matrícula lapse renews it (None: never)
    online_at: float | None  # months in when it starts selling by WhatsApp (None: never)


def _profile(rng: random.Random, business: Business) -> _Profile:
    registers_at = renews_at = None
    if business.nit == "sas":
        share, renews = rng.uniform(0.6, 1.0), rng.randint(1, 3)  # the deadline is 31 March
    elif business.nit == "cc":
        share, renews = rng.uniform(0.15, 0.6), rng.randint(1, 5) if rng.random() < 0.7 else None
        if renews is None and rng.random() < 0.6:  # the officer's reminders bring some up to date
            renews_at = rng.uniform(1, 3.5)
    else:
        share, renews = rng.uniform(0.0, 0.15), None
        if business.growth > 0 and rng.random() < 0.75:  # the programme's formalisation drive reaches most
            registers_at = rng.uniform(1, 3)
            renews_at = registers_at + rng.uniform(0.3, 1)
    drift = 0.035 if business.growth >= 0.02 else 0.01 if business.growth > 0 else -0.04
    women = rng.uniform(0.4, 0.85) if business.sector in WOMEN_LED else rng.uniform(0.1, 0.5)
    sector = CHANNELS.get(business.sector, OTHER_CHANNELS[:3])
    channels = tuple(rng.sample(sector, rng.randint(1, 3)))
    online_at = rng.uniform(0.8, 3) if not ONLINE & set(channels) and rng.random() < 0.7 else None
    women_drift = 0.03 if business.growth >= 0.02 else 0.0
    return _Profile(share, drift, women, women_drift, renews, channels, registers_at, renews_at, online_at)


def demo_answers(rng: random.Random, business: Business, profile: _Profile, visit: dict[str, Any],
                 day: date, *, months: float) -> dict[str, Any]:
    """One visit's answers as an officer would send them, `months` after the business's first visit."""
    employees = visit["employees"] or 0
    registered = profile.registers_at is not None and months >= profile.registers_at
    share = min(1.0, max(0.0, profile.formal_share + profile.formal_drift * months + (0.3 if registered else 0)))
    formal = min(employees, round(employees * share))
    channels = list(profile.channels)
    if profile.online_at is not None and months >= profile.online_at:
        channels = [*channels[:2], "whatsapp"]
    if rng.random() < 0.15:  # this month they also tried somewhere else
        extra = rng.choice([c for c in OTHER_CHANNELS if c not in channels])
        channels = (channels + [extra])[-3:]
    financed = rng.random() < min(0.3, 0.1 + 0.03 * months)  # the programme links more of them with lenders
    renewed = bool(profile.renews_in_month and day.month >= profile.renews_in_month) or (
        profile.renews_at is not None and months >= profile.renews_at)
    answers: dict[str, Any] = {
        "recibio_financiacion": "si" if financed else "no",
        "canales_venta": channels,
        "ventas_en_linea": "si" if ONLINE & set(channels) else "no",
        "tiene_rut": "si" if business.nit or registered else "no",
        "matricula_renovada": "si" if renewed else "no",
        "aportes_seguridad_social": "si" if formal else "no",
        "empleados_formales": formal,
        "empleados_informales": employees - formal,
        "mujeres_trabajando": min(employees, round(employees * min(1.0, profile.women_share + profile.women_drift
                                                                     * months))),
    }
    products = _products(business, visit.get("production_units"))
    if products:
        answers["productos"] = products
    if financed:
        amount = business.sales_m * rng.uniform(0.3, 2.5) * 1_000_000
        answers["monto_financiacion"] = max(100_000, round(amount / 100_000) * 100_000)
        answers["fuente_financiacion"] = rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0]
    return answers


def _products(business: Business, units: int | None) -> list[dict[str, Any]]:
    """The visit's products: the trade's main ones (always the same for a business), sharing its units.

    Their own random stream, seeded by the business, so the rest of the demo draws what it drew before."""
    catalogue = PRODUCTS.get(business.sector)
    if not catalogue or not units:
        return []
    rng = random.Random(f"productos:{business.name}")  # noqa: S311 - demo data
    chosen = rng.sample(catalogue, rng.randint(1, min(3, len(catalogue))))
    shares = [rng.uniform(1, 3) for _ in chosen]
    return [{"producto": name, "unidades_producto": max(1, round(units * share / sum(shares))),
             "precio_producto": price} for (name, price), share in zip(chosen, shares, strict=True)]


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
            first = history[0]["visited_at"] if history else None
            for visit in history:
                day = visit["visited_at"].astimezone(zone).date()
                months = (visit["visited_at"] - first).days / 30.4
                answers = demo_answers(rng, plan.business, profile, visit, day, months=months)
                clean, errors = validate_answers(definition, answers, day)
                if errors:  # the demo must never hold what the sync would refuse
                    raise RuntimeError(f"Demo answers refused by the form: {errors}")
                visit.update(form_version_id=version.id, answers=clean)

    return answer
