"""Supervisors' dashboard, a Mipyme's page and the bulk reassignment."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from fieldwork import ciiu
from fieldwork.clock import programme_zone
from fieldwork.forms import indicators
from fieldwork.forms.indicator_values import mipyme_indicators
from fieldwork.mipymes import timeline
from fieldwork.mipymes.aggregates import all_flag_counts, summarise, summarise_one
from fieldwork.mipymes.flags import flag_day
from fieldwork.owners.confirmation import open_disputes
from fieldwork.registry.history import history_entries
from fieldwork.registry.services import reassign
from fieldwork.registry.status import status_entries
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.supervision import OFFICE, bp, queries
from fieldwork.supervision.forms import DisputeForm, ReassignForm
from fieldwork.supervision.tables import Paging, mipyme_base, mipyme_table_args, paging_args
from fieldwork.text.i18n import cop, number
from fieldwork.web import charts
from fieldwork.web.form_errors import flash_service_errors
from fieldwork.web.keyset import page_request
from fieldwork.web.security import is_safe_next, roles_required


def _weekly_chart(day: Any) -> dict[str, Any]:
    weekly = queries.weekly_visits(day, programme_zone())
    labels = [format_date(monday, "d MMM") for monday in weekly.weeks]
    series = [charts.Series(name, weekly.series(officer_id)) for officer_id, name in weekly.officers]
    svg = charts.stacked_bars(
        labels, series,
        title=_("Visitas por semana y funcionario, últimas 12 semanas"),
        desc=_("Barras apiladas: una por semana (desde el lunes), un color por funcionario. "
               "La tabla siguiente tiene las mismas cifras."),
    )
    return {"svg": svg, "weekly": weekly, "labels": labels,
            "legend": charts.legend([name for _id, name in weekly.officers])}


@bp.get("/")
@roles_required(*OFFICE)
def dashboard() -> Any:
    """Headline counts, the Mipyme table (filters, sort, pages, reassignment), chart, workload, disputes."""
    day = flag_day()
    form, filters = mipyme_table_args()
    paging = paging_args()
    sort = filters.get("sort", "name")
    summaries, total = summarise(mipyme_base(filters), day, flag=filters.get("flag"), page=paging.page,
                                 per_page=paging.per_page, sort=sort, descending=filters.get("order") == "desc")
    officers = queries.officers()
    headline = queries.headline(day, programme_zone())
    return render_template(
        "supervision/dashboard.html",
        day=day,
        headline=headline,
        flag_counts=all_flag_counts(mipyme_base({}), day),
        form=form,
        filters=filters,
        summaries=summaries,
        paging=paging_args(total),
        sort=sort,
        descending=filters.get("order") == "desc",
        chart=_weekly_chart(day),
        workload=queries.workload(day),
        disputes=_open_disputes(headline.open_disputes),
        form_choices=indicators.choice_counts(day),
        reassign_form=ReassignForm(officers, next=request.full_path),
        dispute_form=DisputeForm(),
    )


DISPUTES_PER_PAGE = 20


def _open_disputes(total: int) -> tuple[list[Any], Paging]:
    """A page of the dispute queue (oldest first) and where it sits; `total` is the headline's count.
    OFFSET is bounded here by the open disputes, not by the visits."""
    pages = max(1, -(-total // DISPUTES_PER_PAGE))
    page = max(1, min(request.args.get("disputes_page", 1, type=int) or 1, pages))
    paging = Paging(page, DISPUTES_PER_PAGE, total)
    return open_disputes(limit=DISPUTES_PER_PAGE, offset=paging.offset), paging


@bp.post("/reassign")
@roles_required(*OFFICE)
def reassign_mipymes() -> Any:
    """Move the ticked Mipymes to one officer (the registry's service, audit-logged)."""
    form = ReassignForm(queries.officers())
    # A page address is short: a long `next` would only make a huge Location header.
    next_url = form.next.data if len(form.next.data or "") <= 2000 else None
    target = next_url if is_safe_next(next_url) else url_for("supervision.dashboard")
    if not form.validate_on_submit():
        flash_service_errors(form.errors)
        return redirect(target)
    try:
        changed = commit_with_retry(lambda: reassign(form.ids(), int(form.officer_id.data), current_user, via="web"),
                                    "reassignment")
    except ServiceError as error:
        flash_service_errors(error.errors)
        return redirect(target)
    flash(ngettext("%(num)d Mipyme reasignada.", "%(num)d Mipymes reasignadas.", changed), "success")
    return redirect(target)


@bp.get("/mipymes/<int:mipyme_id>")
@roles_required(*OFFICE)
def mipyme_page(mipyme_id: int) -> Any:
    """One Mipyme: details, flags, follow-up, visits as a timeline, trends, photos, owner answers."""
    day = flag_day()
    summary = summarise_one(mipyme_id, day)
    if summary is None:
        abort(404)
    visits = timeline.visit_page(mipyme_id, page_request(request.args, timeline.PER_PAGE, timeline.MAX_PER_PAGE),
                                 total=summary.visit_count)
    titles = {"production_units": _("Unidades producidas"), "monthly_sales_cop": _("Ventas mensuales"),
              "employees": _("Empleados")}
    formats = {"production_units": number, "monthly_sales_cop": cop, "employees": number}
    return render_template("supervision/mipyme.html", s=summary, m=summary.mipyme, day=day, visits=visits,
                           trends=timeline.trends(mipyme_id, titles, formats), history=history_entries(summary.mipyme),
                           form_trends=indicators.numeric_trends(mipyme_id),
                           indicator_values=mipyme_indicators(mipyme_id),
                           status_history=status_entries(summary.mipyme), activity=ciiu.lookup(summary.mipyme.ciiu))


@bp.app_context_processor  # the owner's home pages its visits with the same links
def table_helpers() -> dict[str, Any]:
    return {"url_with": url_with, "fmt_cop": cop}


def url_with(endpoint: str | None = None, **changes: Any) -> str:
    """The current page's URL (or `endpoint`'s) with its query string changed; None drops a key."""
    # url_for reads `endpoint` and `_anchor`, `_method`, `_scheme`, `_external` itself: from a query
    # string they were a 500 (TypeError, BuildError). No filter of ours is named so.
    args = {k: v for k, v in request.args.to_dict(flat=False).items()
            if k not in changes and k != "endpoint" and not k.startswith("_")}
    args.update({k: v for k, v in changes.items() if v not in (None, "")})
    view_args = (request.view_args or {}) if endpoint is None else {}
    return url_for(endpoint or request.endpoint, **view_args, **args)
