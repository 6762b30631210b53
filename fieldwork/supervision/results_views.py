"""Programme results for the office (API.md, "Programme results"): the report page the director hands to
the mayor, and its downloads. The numbers are the results service's; these views only choose the page."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, render_template, request

from fieldwork.results.service import ResultFilters, mipyme_rows, programme_results
from fieldwork.supervision import OFFICE, bp
from fieldwork.supervision.results_export import send_results
from fieldwork.supervision.results_forms import ResultFilterForm
from fieldwork.supervision.results_report import (
    TABLE_INDICATORS,
    YES_NO_CODES,
    percent,
    points,
    report,
    signed_percent,
    value_format,
)
from fieldwork.text.i18n import day
from fieldwork.web.security import roles_required

#: Mipymes a page of the table shows: a page costs the same whatever the size of the programme.
PER_PAGE = 50
#: Ids beyond this are not ours (INTEGER's range): a hand-edited link shows the first page.
MAX_ID = 2**31 - 1


def results_args() -> tuple[ResultFilterForm, ResultFilters]:
    """The filter form bound to the query string, and its valid filters."""
    form = ResultFilterForm(formdata=request.args)
    return form, form.result_filters()


def _after_id() -> int | None:
    """The last Mipyme of the previous page (keyset: the next page starts after it)."""
    after = request.args.get("after", type=int)
    return after if after is not None and 0 < after <= MAX_ID else None


@bp.get("/results")
@roles_required(*OFFICE)
def results_page() -> Any:
    """Headline numbers, a chart per indicator, the per-Mipyme table (by pages), verification."""
    form, filters = results_args()
    results = programme_results(filters)
    after = _after_id()
    rows = list(mipyme_rows(filters, after_id=after, limit=PER_PAGE + 1))
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 1_000_000)) if after else 1
    return render_template(
        "supervision/results.html", form=form, report=report(results), as_of=date.fromisoformat(results["as_of"]),
        applied=_applied(form), rows=rows[:PER_PAGE], page=page, per_page=PER_PAGE,
        next_after=rows[PER_PAGE - 1]["id"] if len(rows) > PER_PAGE else None,
        table_indicators=[(code, str(title)) for code, title in TABLE_INDICATORS], yes_no_codes=YES_NO_CODES,
        percent=percent, signed_percent=signed_percent, points=points, value_format=value_format,
    )


def _applied(form: ResultFilterForm) -> list[tuple[str, str]]:
    """The filters in force, as the report's heading names them (a printout has no form to show them)."""
    applied = []
    for field in form:
        if field.name == "as_of" or field.errors or field.data in (None, ""):
            continue
        text = day(field.data) if isinstance(field.data, date) else dict(field.choices).get(field.data, field.data)
        applied.append((str(field.label.text), str(text)))
    return applied


@bp.get("/results.<fmt>")
@roles_required(*OFFICE)
def export_results(fmt: str) -> Any:
    """The indicator table and the per-Mipyme table for the page's filters, as XLSX or CSV."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    _form, filters = results_args()
    return send_results(fmt, filters, request.args.get("table"))
