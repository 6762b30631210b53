"""The supervisors' page of the programme's list of places: the list and a form to add one."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import Mipyme
from fieldwork.registry import bp, neighborhoods
from fieldwork.registry.forms import NeighborhoodForm
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.form_errors import show_service_errors
from fieldwork.web.security import roles_required


@bp.route("/neighborhoods", methods=["GET", "POST"])
@roles_required("supervisor", "admin")
def neighborhood_list() -> Any:
    """The list of barrios, comunas, corregimientos and veredas, with how many Mipymes each has."""
    form = NeighborhoodForm()
    if form.validate_on_submit():
        try:
            place = commit_with_retry(lambda: neighborhoods.add_neighborhood(form.name.data, form.kind.data,
                                                                             current_user, via="web"),
                                      "neighborhood")
            flash(_("«%(name)s» agregado a la lista.", name=place.name), "success")
            return redirect(url_for("registry.neighborhood_list"))
        except ServiceError as error:
            show_service_errors(form, error.errors)
    counts = dict(db.session.execute(select(Mipyme.neighborhood, func.count()).group_by(Mipyme.neighborhood)).all())
    status = 400 if form.is_submitted() else 200
    return render_template("registry/neighborhoods.html", form=form, places=neighborhoods.neighborhoods()[0],
                           counts=counts), status
