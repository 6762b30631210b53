"""One value per programme indicator on a Mipyme's page: its baseline and its latest, each saying where it
came from (the form question or calculate that fed it, or the visit's own figure).

The values are the kept per-Mipyme results rows (`mipyme_results`, fieldwork/results), so the page reads at
most one row per indicator and the two visits behind it: its cost does not grow with the Mipyme's history.
A visit's value comes from its form version's question when that version feeds the indicator, else from
the built-in figure (API.md, "Programme results"); the source named here follows the same rule, so a
visit sent from an old page with both the figure and the form's answer names the question it was read from.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from fieldwork.clock import local_date, programme_zone
from fieldwork.extensions import db
from fieldwork.forms.definition import LOCALES
from fieldwork.models import FormVersion, Visit
from fieldwork.models.programme import MipymeResultRow
from fieldwork.results.catalogue import INDICATORS, Indicator
from fieldwork.results.definitions import Feed, feeds_of
from fieldwork.text.i18n import cop, number


@dataclass(frozen=True)
class End:
    """One end of an indicator's series: its value as a person reads it, its day and its source."""

    text: str
    on: date
    source: str


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    label: str
    baseline: End
    latest: End
    #: latest − baseline as a person reads it ("▲ 3", "Sí → No"), None without two different visits
    change: str | None
    direction: str | None  # "up", "down", "same" or None


def mipyme_indicators(mipyme_id: int) -> list[IndicatorValue]:
    """The Mipyme's indicators that some counting visit answered, in the catalogue's order (3 queries)."""
    rows = {r.code: r for r in db.session.scalars(
        select(MipymeResultRow).where(MipymeResultRow.mipyme_id == mipyme_id))}
    if not rows:
        return []
    visit_ids = {r.baseline_visit_id for r in rows.values()} | {r.latest_visit_id for r in rows.values()}
    version_of = dict(db.session.execute(select(Visit.id, Visit.form_version_id).where(Visit.id.in_(visit_ids))).all())
    version_ids = {v for v in version_of.values() if v is not None}
    feeds = {vid: _feeding_labels(definition) for vid, definition in db.session.execute(
        select(FormVersion.id, FormVersion.definition).where(FormVersion.id.in_(version_ids))).all()} \
        if version_ids else {}
    locale = str(get_locale() or "es")
    locale = locale if locale in LOCALES else "es"
    zone = programme_zone()

    def end(indicator: Indicator, visit_id: str, at: Any, value: float) -> End:
        fed = feeds.get(version_of.get(visit_id), {}).get(indicator.code)
        return End(_shown(indicator, value), local_date(at, zone), _source(fed, locale))

    values = []
    for indicator in INDICATORS:
        row = rows.get(indicator.code)
        if row is None:
            continue
        two_visits = row.baseline_visit_id != row.latest_visit_id
        change, direction = _change(indicator, row.baseline_value, row.latest_value) if two_visits else (None, None)
        values.append(IndicatorValue(
            indicator.code, str(indicator.label),
            end(indicator, row.baseline_visit_id, row.baseline_at, row.baseline_value),
            end(indicator, row.latest_visit_id, row.latest_at, row.latest_value), change, direction))
    return values


def _feeding_labels(definition: dict[str, Any]) -> dict[str, tuple[Feed, dict[str, str]]]:
    """Indicator code → the version's question that feeds it, by results' rule, and its label per language."""
    labels = {q["name"]: q["label"] for q in definition.get("questions", []) if "label" in q}
    return {code: (feed, labels.get(feed.name) or {}) for code, feed in feeds_of(definition).items()}


def _source(fed: tuple[Feed, dict[str, str]] | None, locale: str) -> str:
    """Where a value came from: the visit's own figure, or the form's question or calculate (which has no
    label unless the author gave it one to show it: then its name)."""
    if fed is None:
        return _("cifra de la visita")
    feed, labels = fed
    label = labels.get(locale) or feed.name
    if feed.type == "calculate":
        return _("cálculo «%(label)s» del formulario", label=label)
    return _("pregunta «%(label)s» del formulario", label=label)


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _shown(indicator: Indicator, value: float) -> str:
    if indicator.kind == "yes_no":
        return _("Sí") if value else _("No")
    return cop(_plain(value)) if indicator.code == "sales_month_cop" else number(_plain(value))


def _change(indicator: Indicator, baseline: float, latest: float) -> tuple[str, str]:
    """Higher is better for every indicator (yes over no), as the results page counts it."""
    direction = "up" if latest > baseline else "down" if latest < baseline else "same"
    if indicator.kind == "yes_no":
        return f"{_shown(indicator, baseline)} → {_shown(indicator, latest)}", direction
    difference = _plain(abs(latest - baseline))
    shown = cop(difference) if indicator.code == "sales_month_cop" else number(difference)
    return {"up": f"▲ {shown}", "down": f"▼ {shown}", "same": _("sin cambio")}[direction], direction
