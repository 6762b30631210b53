"""The admin's page of the UVT table: every stored year, and a form to add next year's."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, ValidationError

from fieldwork.registry import bp, uvt
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.text.numbers import NumberError, parse_integer
from fieldwork.web.form_errors import show_service_errors
from fieldwork.web.security import roles_required


class UvtForm(FlaskForm):
    """A year's UVT; the pesos typed as in Colombia (52.374)."""

    year = IntegerField(_l("Año"), validators=[InputRequired(_l("Escriba el año."))],
                        render_kw={"inputmode": "numeric"})
    value_cop = StringField(_l("Valor de la UVT (pesos)"),
                            validators=[InputRequired(_l("Escriba el valor de la UVT en pesos."))],
                            render_kw={"inputmode": "numeric", "placeholder": "52.374"})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.year.raw_data and self.year.data is None and self.year.raw_data[0]:
            self.year.process_errors = [str(_l("Escriba el año con cuatro cifras (p. ej. 2027)."))]

    def validate_value_cop(self, field: StringField) -> None:
        try:
            parse_integer(field.data, maximum=uvt.MAX_VALUE_COP * 10)
        except NumberError as error:
            raise ValidationError(error.message) from None


@bp.route("/admin/uvt", methods=["GET", "POST"])
@roles_required("admin")
def uvt_table() -> Any:
    """The UVT of each year; an admin adds next year's when the DIAN publishes it."""
    form = UvtForm()
    if form.validate_on_submit():
        value = parse_integer(form.value_cop.data, maximum=uvt.MAX_VALUE_COP * 10)
        try:
            row = commit_with_retry(lambda: uvt.add_uvt(form.year.data, value, current_user, via="web"), "UVT")
            flash(_("UVT de %(year)d guardada.", year=row.year), "success")
            return redirect(url_for("registry.uvt_table"))
        except ServiceError as error:
            show_service_errors(form, error.errors)
    status = 400 if form.is_submitted() else 200
    return render_template("registry/uvt.html", form=form, values=uvt.uvt_values()[0]), status
