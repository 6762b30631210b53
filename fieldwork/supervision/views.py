"""Supervisors' dashboard, a Mipyme's page and the bulk reassignment."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fieldwork.aggregates import FIGURES, all_flag_counts, summarise, summarise_one
from fieldwork.clock import flag_day, programme_zone
from fieldwork.extensions import db
from fieldwork.i18n import cop, number
from fieldwork.models import Visit
from fieldwork.registry.history import history_entries
from fieldwork.registry.services import reassign
from fieldwork.security import is_safe_next, roles_required
from fieldwork.services import ServiceError
from fieldwork.supervision import bp, charts, queries
from fieldwork.supervision.forms import DisputeForm, ReassignForm
from fieldwork.supervision.tables import mipyme_base, mipyme_table_args, paging_args

OFFICE = ("supervisor", "admin")


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
    return render_template(
        "supervision/dashboard.html",
        day=day,
        headline=queries.headline(day, programme_zone()),
        flag_counts=all_flag_counts(mipyme_base({}), day),
        form=form,
        filters=filters,
        summaries=summaries,
        paging=paging_args(total),
        sort=sort,
        descending=filters.get("order") == "desc",
        chart=_weekly_chart(day),
        workload=queries.workload(day),
        disputes=_open_disputes(),
        reassign_form=ReassignForm(officers, next=request.full_path),
        dispute_form=DisputeForm(),
    )


def _open_disputes() -> list[Any]:
    try:
        from fieldwork.owners.confirmation import open_disputes  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the owners' feature ships with this one
        return []
    return open_disputes(limit=50)


@bp.post("/reassign")
@roles_required(*OFFICE)
def reassign_mipymes() -> Any:
    """Move the ticked Mipymes to one officer (the registry's service, audit-logged)."""
    form = ReassignForm(queries.officers())
    target = form.next.data if is_safe_next(form.next.data) else url_for("supervision.dashboard")
    if not form.validate_on_submit():
        for messages in form.errors.values():
            flash(" ".join(str(m) for m in messages), "error")
        return redirect(target)
    try:
        changed = reassign(form.mipyme_ids.data, int(form.officer_id.data), current_user, via="web")
    except ServiceError as error:
        db.session.rollback()
        flash(" ".join(m for ms in error.errors.values() for m in ms), "error")
        return redirect(target)
    db.session.commit()
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
    visits = list(db.session.scalars(
        select(Visit).where(Visit.mipyme_id == mipyme_id).options(selectinload(Visit.photos),
                                                                  selectinload(Visit.officer))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
    ))
    return render_template("supervision/mipyme.html", s=summary, m=summary.mipyme, day=day, visits=visits,
                           trends=_trends(visits), has_photo_route=_has_photo_route(),
                           history=history_entries(summary.mipyme))


def _trends(visits: list[Visit]) -> list[dict[str, Any]]:
    """A small line chart per figure, oldest visit first, with the numbers for a text table."""
    zone = programme_zone()
    titles = {"production_units": _("Unidades producidas"), "monthly_sales_cop": _("Ventas mensuales"),
              "employees": _("Empleados")}
    formats = {"production_units": number, "monthly_sales_cop": cop, "employees": number}
    trends = []
    for name in FIGURES:
        points = [(format_date(v.visited_at.astimezone(zone).date(), "d MMM yy"), getattr(v, name))
                  for v in reversed(visits) if getattr(v, name) is not None]
        svg = charts.line(points, title=titles[name],
                          desc=_("Valor registrado en cada visita, de la más antigua a la más reciente."),
                          fmt=formats[name])
        trends.append({"name": name, "title": titles[name], "svg": svg, "points": points, "fmt": formats[name]})
    return trends


def _has_photo_route() -> bool:
    return "api.get_photo" in current_app.view_functions


@bp.context_processor
def table_helpers() -> dict[str, Any]:
    return {"url_with": url_with, "fmt_cop": cop, "fmt_number": number}


def url_with(endpoint: str | None = None, **changes: Any) -> str:
    """The current page's URL (or `endpoint`'s) with its query string changed; None drops a key."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in changes}
    args.update({k: v for k, v in changes.items() if v not in (None, "")})
    view_args = (request.view_args or {}) if endpoint is None else {}
    return url_for(endpoint or request.endpoint, **view_args, **args)
