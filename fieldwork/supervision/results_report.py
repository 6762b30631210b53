"""The results page as a report: the service's numbers (fieldwork/results/service.py) put in the order a
director reads them, with the shares, the changes in per cent and a chart per indicator. Nothing here
counts: every figure comes from `programme_results`, so the page, the API and the exports agree."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from fieldwork.results.catalogue import BY_CODE, INDICATORS
from fieldwork.text.i18n import cop, number
from fieldwork.text.labels import SIZE_BAND_LABELS
from fieldwork.web import charts

#: The headline's figures, in the order the issue asks for them.
MONEY = ("sales_month_cop",)
JOBS = ("jobs_total", "jobs_formal", "jobs_women")
FORMALITY = ("has_rut", "matricula_renewed", "social_security")
BANDS = ("micro", "pequena", "mediana", "grande")
#: The per-Mipyme table's columns on the page, with short titles (the downloads have every indicator).
TABLE_INDICATORS = (("sales_month_cop", _l("Ventas del mes")), ("jobs_total", _l("Personas que trabajan")),
                    ("jobs_formal", _l("Empleos formales")), ("has_rut", _l("RUT")),
                    ("matricula_renewed", _l("Matrícula renovada")), ("social_security", _l("Seguridad social")))
YES_NO_CODES = frozenset(indicator.code for indicator in INDICATORS if indicator.kind == "yes_no")


def percent(share: float | None) -> str:
    """A share (0.125) as Colombians write it: `12,5 %` (a space that never breaks before the sign)."""
    if share is None:
        return "—"
    return format_percent(share, format="#,##0.0 %").replace(" ", "\u00a0")


def signed_percent(share: float | None) -> str:
    """A change in per cent with its sign: `+12,5 %`, `−3,0 %`."""
    if share is None:
        return "—"
    return format_percent(share, format="+#,##0.0 %;−#,##0.0 %").replace(" ", "\u00a0")


def points(difference: float | None) -> str:
    """The change of a share in percentage points: `+15,0 puntos` (0.15)."""
    if difference is None:
        return "—"
    return _("%(points)s puntos", points=format_decimal(difference * 100, format="+#,##0.0;−#,##0.0"))


def relative_change(before: float | None, after: float | None) -> float | None:
    """(after − before) / before, or None when there is no baseline to divide by."""
    if before is None or after is None or before == 0:
        return None
    return (after - before) / before


def share(part: int | None, whole: int | None) -> float | None:
    return None if part is None or not whole else part / whole


def value_format(code: str) -> Any:
    """How an indicator's values read: pesos for sales, numbers for the rest."""
    return cop if code == "sales_month_cop" else number


@dataclass
class IndicatorView:
    """One indicator's row of the report: its numbers, their changes and its charts."""

    code: str
    label: str
    yes_no: bool
    row: dict[str, Any]
    fmt: Any

    @property
    def businesses(self) -> int:
        return int(self.row.get("businesses_with_change") or 0)

    @property
    def baseline_share(self) -> float | None:
        return share(self.row.get("baseline_yes"), self.businesses)

    @property
    def latest_share(self) -> float | None:
        return share(self.row.get("latest_yes"), self.businesses)

    @property
    def total_change(self) -> float | None:
        return relative_change(self.row.get("baseline_total"), self.row.get("latest_total"))

    @property
    def share_points(self) -> float | None:
        """The change of a yes/no share, in percentage points (as a fraction: 0.1 is 10 points)."""
        if self.baseline_share is None or self.latest_share is None:
            return None
        return self.latest_share - self.baseline_share

    def pair_chart(self) -> Markup | None:
        """Baseline against latest: the share that says yes, or the total over the same businesses."""
        before, after = _("Línea base"), _("Última")
        if self.yes_no:
            return charts.paired_bars(
                [(before, self.baseline_share), (after, self.latest_share)], fmt=percent, top=1,
                title=_("%(label)s: proporción de negocios que responden sí", label=self.label),
                desc=_("Dos barras: en la línea base y en la última medición, sobre los mismos %(n)s negocios.",
                       n=number(self.businesses)))
        return charts.paired_bars(
            [(before, self.row.get("baseline_total")), (after, self.row.get("latest_total"))], fmt=self.fmt,
            title=_("%(label)s: total en la línea base y en la última medición", label=self.label),
            desc=_("Dos barras: la suma sobre los mismos %(n)s negocios en su primera y en su última medición.",
                   n=number(self.businesses)))

    def outcome_chart(self) -> Markup | None:
        return charts.share_bar(self.outcomes(), fmt=number,
                                title=_("%(label)s: negocios que mejoraron, siguieron igual o empeoraron",
                                        label=self.label),
                                desc=_("Una barra dividida según cuántos negocios mejoraron, no cambiaron o "
                                       "empeoraron entre su línea base y su última medición."))

    def outcomes(self) -> list[tuple[str, int]]:
        return [(_("Mejoraron"), int(self.row.get("improved") or 0)),
                (_("Sin cambio"), int(self.row.get("unchanged") or 0)),
                (_("Empeoraron"), int(self.row.get("worsened") or 0))]


def indicator_views(results: dict[str, Any]) -> list[IndicatorView]:
    """Every catalogue indicator the service lists, in its order."""
    views = []
    for row in results["indicators"]:
        indicator = BY_CODE.get(row["code"])
        yes_no = indicator is not None and indicator.kind == "yes_no"
        views.append(IndicatorView(row["code"], str(row.get("label") or row["code"]), yes_no, row,
                                   value_format(row["code"])))
    return views


def band_view(results: dict[str, Any]) -> dict[str, Any]:
    """Size bands before and now (known at both days), with their chart."""
    bands = results["size_bands"]
    rows = [(code, str(SIZE_BAND_LABELS[code]), int(bands["baseline"].get(code, 0)),
             int(bands["latest"].get(code, 0))) for code in BANDS]
    counted = sum(before for _code, _label, before, _after in rows)
    series = [charts.Series(label_, [before, after]) for _code, label_, before, after in rows]
    svg = charts.stacked_bars([_("Línea base"), _("Ahora")], series, fmt=number,
                              title=_("Tamaño de los negocios (Decreto 957 de 2019), antes y ahora"),
                              desc=_("Dos barras apiladas, línea base y ahora, un color por tamaño; la tabla "
                                     "siguiente tiene las mismas cifras.")) if counted else None
    return {"rows": rows, "counted": counted, "moved_up": int(bands.get("moved_up") or 0),
            "moved_down": int(bands.get("moved_down") or 0), "svg": svg,
            "legend": charts.legend([label_ for _code, label_, _b, _a in rows])}


def verification_view(results: dict[str, Any]) -> dict[str, Any]:
    """The verification block: each count with its share of the counting visits."""
    v = results["verification"]
    visits = int(v.get("counting_visits") or 0)
    on_time = v.get("follow_ups_on_time_pct")
    return {"counting_visits": visits,
            "owner_confirmed": (v.get("owner_confirmed") or 0, share(v.get("owner_confirmed"), visits)),
            "independent": (v.get("independent_confirmations") or 0,
                            share(v.get("independent_confirmations"), visits)),
            "disputed": (v.get("disputed") or 0, share(v.get("disputed"), visits)),
            "open_disputes": int(v.get("open_disputes") or 0),
            "on_time": None if on_time is None else on_time / 100}


def report(results: dict[str, Any]) -> dict[str, Any]:
    """Everything the page shows, from the service's answer."""
    indicators = indicator_views(results)
    by_code = {view.code: view for view in indicators}
    return {"businesses": results["businesses"], "indicators": indicators,
            "money": [by_code[c] for c in MONEY if c in by_code], "jobs": [by_code[c] for c in JOBS if c in by_code],
            "formality": [by_code[c] for c in FORMALITY if c in by_code],
            "bands": band_view(results), "verification": verification_view(results)}
