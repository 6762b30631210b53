"""The results' downloads: the table per indicator and the table per Mipyme, with labels a person reads and
numbers as numbers, through the exports' streaming writers (fieldwork/exports). The XLSX holds a summary,
both tables and the note on what the numbers mean; a CSV holds one table (`?table=indicators` for the
indicators, the Mipymes otherwise), as a CSV can."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Response, stream_with_context
from flask_babel import gettext as _

from fieldwork.clock import today
from fieldwork.exports import XLSX_MIMETYPE, csv_response, xlsx_cell
from fieldwork.exports.xlsx_stream import Sheet, workbook_chunks
from fieldwork.results.catalogue import INDICATORS
from fieldwork.results.service import ResultFilters, mipyme_rows, programme_results
from fieldwork.supervision.results_report import indicator_views
from fieldwork.text.labels import label

Columns = list[tuple[str, Callable[[Any], Any]]]


def plain_number(value: Any) -> Any:
    """A whole float (a median of even count, a total kept as a double) as an int: `4500000`, not
    `4500000.0`; other values as they are."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def indicator_columns() -> Columns:
    """One row per indicator of `programme_results`' answer (as IndicatorView)."""
    return [
        (_("Indicador"), lambda v: v.label),
        (_("Negocios con línea base y última medición"), lambda v: v.businesses),
        (_("Total en la línea base"), lambda v: plain_number(v.row.get("baseline_total"))),
        (_("Total en la última medición"), lambda v: plain_number(v.row.get("latest_total"))),
        (_("Cambio del total (%)"), lambda v: None if v.total_change is None else round(v.total_change * 100, 1)),
        (_("Mediana en la línea base"), lambda v: plain_number(v.row.get("baseline_median"))),
        (_("Mediana en la última medición"), lambda v: plain_number(v.row.get("latest_median"))),
        (_("Responden sí en la línea base"), lambda v: v.row.get("baseline_yes")),
        (_("Responden sí en la última medición"), lambda v: v.row.get("latest_yes")),
        (_("Mejoraron"), lambda v: v.row.get("improved")),
        (_("Sin cambio"), lambda v: v.row.get("unchanged")),
        (_("Empeoraron"), lambda v: v.row.get("worsened")),
    ]


def _indicator_value(code: str, kind: str, end: str) -> Callable[[dict[str, Any]], Any]:
    def get(row: dict[str, Any]) -> Any:
        value = (row["indicators"].get(code) or {}).get(end)
        if kind == "yes_no" and end != "change" and value is not None:
            return bool(value)  # written "sí" / "no"
        return plain_number(value)
    return get


def mipyme_columns() -> Columns:
    """One row per Mipyme of `mipyme_rows`: who it is, then baseline, latest and change per indicator,
    then its size band at the baseline and now."""
    columns: Columns = [
        (_("Id"), lambda r: r["id"]),
        (_("Nombre"), lambda r: r["name"]),
        (_("NIT"), lambda r: r.get("nit")),
        (_("Sector"), lambda r: label("sector", r.get("sector"))),
        (_("CIIU"), lambda r: r.get("ciiu")),
        (_("Macrosector"), lambda r: label("macro_sector", r["macro_sector"]) if r.get("macro_sector") else None),
        (_("Barrio / comuna"), lambda r: r.get("neighborhood")),
        (_("Funcionario"), lambda r: r.get("officer_name")),
        (_("Estado"), lambda r: label("status", r.get("status"))),
        (_("Fecha de ingreso"), lambda r: r.get("enrolled_on")),
    ]
    for indicator in INDICATORS:
        name, code, kind = str(indicator.label), indicator.code, indicator.kind
        columns += [
            (_("%(indicator)s: línea base", indicator=name), _indicator_value(code, kind, "baseline")),
            (_("%(indicator)s: fecha de la línea base", indicator=name), _indicator_value(code, kind, "baseline_on")),
            (_("%(indicator)s: última", indicator=name), _indicator_value(code, kind, "latest")),
            (_("%(indicator)s: fecha de la última", indicator=name), _indicator_value(code, kind, "latest_on")),
            (_("%(indicator)s: cambio", indicator=name), _indicator_value(code, kind, "change")),
        ]
    for end, title in (("baseline", _("línea base")), ("latest", _("ahora"))):
        columns += [
            (_("Tamaño (%(when)s)", when=title), lambda r, end=end: label("size_band", _band(r, end).get("band"))),
            (_("Ingresos anuales, %(when)s (COP)", when=title),
             lambda r, end=end: plain_number(_band(r, end).get("annual_revenue_cop"))),
        ]
    return columns


def _band(row: dict[str, Any], end: str) -> dict[str, Any]:
    return (row.get("size_band") or {}).get(end) or {}


def summary_rows(results: dict[str, Any]) -> list[list[Any]]:
    """(what, value) lines: the day, the businesses, the verification and the note on attribution."""
    b, v, bands = results["businesses"], results["verification"], results["size_bands"]
    rows: list[list[Any]] = [
        [_("Resultados al día"), date.fromisoformat(results["as_of"])],
        [_("Negocios inscritos"), b["enrolled"]], [_("Negocios activos"), b["active"]],
        [_("Negocios visitados"), b["visited"]], [_("Negocios con un cambio medido"), b["with_change"]],
        *[[_("Estado: %(status)s", status=label("status", code)), n] for code, n in b["by_status"].items()],
        [_("Negocios que subieron de tamaño"), bands["moved_up"]],
        [_("Negocios que bajaron de tamaño"), bands["moved_down"]],
        [_("Visitas que cuentan"), v["counting_visits"]],
        [_("Confirmadas por el propietario"), v["owner_confirmed"]],
        [_("Confirmaciones independientes"), v["independent_confirmations"]],
        [_("En disputa"), v["disputed"]],
        [_("Seguimientos a tiempo (%)"), v["follow_ups_on_time_pct"]],
        [_("Nota"), _("Mide el cambio entre los participantes, no el impacto atribuible al programa.")],
    ]
    return rows


def send_results(fmt: str, filters: ResultFilters, table: str | None) -> Response:
    """The download: XLSX with every table, or one CSV table."""
    stamp = today().isoformat()
    if fmt == "csv":
        if table == "indicators":
            views = indicator_views(programme_results(filters))
            return csv_response(f"resultados-indicadores-{stamp}.csv", indicator_columns(), views)
        return csv_response(f"resultados-mipymes-{stamp}.csv", mipyme_columns(), mipyme_rows(filters))
    results = programme_results(filters)
    sheets = [
        Sheet(_("Resumen"), [_("Concepto"), _("Valor")],
              [[xlsx_cell(cell) for cell in row] for row in summary_rows(results)], [40, 60]),
        _sheet(_("Indicadores"), indicator_columns(), indicator_views(results)),
        _sheet(_("Mipymes"), mipyme_columns(), mipyme_rows(filters)),
    ]
    response = Response(stream_with_context(workbook_chunks(sheets)), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="resultados-{stamp}.xlsx"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _sheet(name: str, columns: Columns, items: Any) -> Sheet:
    getters = [get for _title, get in columns]
    rows = ([xlsx_cell(get(item)) for get in getters] for item in items)  # read as the file is sent
    return Sheet(name, [title for title, _get in columns], rows,
                 [max(12, min(40, len(title) + 4)) for title, _get in columns])

