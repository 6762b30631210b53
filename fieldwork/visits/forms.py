"""The visit form: rendered by the server (names equal to API.md's visit fields), enhanced offline by
static/js/visit-form.js, and validated here only when a browser without JavaScript posts it."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from fieldwork.clock import programme_zone, utcnow
from fieldwork.models import TOPICS, Mipyme
from fieldwork.text.labels import TOPIC_LABELS
from fieldwork.text.numbers import NumberError, parse_integer
from fieldwork.visits.schemas import MAX_COUNT, MAX_SALES_COP, REASON_MAX, TEXT_MAX

NUMERIC = {"inputmode": "numeric", "autocomplete": "off", "enterkeyhint": "next"}


class WholeNumber:
    """A whole number ≥ 0 as Colombians type it ("4.500.000"), read by fieldwork.text.numbers: anything else is
    refused with its Spanish message, never cleaned up into another number."""

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum

    def __call__(self, form: FlaskForm, field: Any) -> None:
        try:
            parse_integer(field.data, maximum=self.maximum)
        except NumberError as error:
            raise ValidationError(error.message) from None


class VisitForm(FlaskForm):
    id = HiddenField()
    revision = HiddenField(default="1", validators=[Regexp(r"^[1-9][0-9]{0,8}$", message=_l(
        "El formulario llegó incompleto. Recargue la página e intente de nuevo."))])
    mipyme_id = SelectField(_l("Mipyme visitada"), validators=[InputRequired(_l("Elija la Mipyme visitada."))])
    visited_at = DateTimeLocalField(
        _l("Fecha y hora de la visita"), format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Indique la fecha y la hora de la visita."))],
    )
    topics = SelectMultipleField(
        _l("Temas tratados"), choices=[SelectChoice(t, TOPIC_LABELS[t]) for t in TOPICS],
        validators=[InputRequired(_l("Marque al menos un tema tratado."))],
    )
    production_units = StringField(_l("Unidades producidas al mes"), validators=[WholeNumber(MAX_COUNT)],
                                   render_kw=NUMERIC)
    monthly_sales_cop = StringField(_l("Ventas del mes (pesos)"), validators=[WholeNumber(MAX_SALES_COP)],
                                    render_kw=NUMERIC)
    employees = StringField(_l("Empleados"), validators=[WholeNumber(MAX_COUNT)], render_kw=NUMERIC)
    needs = TextAreaField(_l("Necesidades de la Mipyme"), validators=[Optional(), Length(max=TEXT_MAX)],
                          render_kw={"rows": 3, "maxlength": TEXT_MAX})
    notes = TextAreaField(_l("Observaciones"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("Las observaciones admiten hasta %(max)s caracteres."))],
        render_kw={"rows": 4, "maxlength": TEXT_MAX})
    follow_up_due = DateField(_l("Fecha del próximo seguimiento"), validators=[Optional()])
    follow_up_reason = StringField(_l("Motivo del seguimiento"), validators=[Optional(), Length(max=REASON_MAX)],
                                   render_kw={"maxlength": REASON_MAX})
    location_lat = HiddenField(validators=[Optional(), Regexp(r"^-?\d+(\.\d+)?$")])
    location_lon = HiddenField(validators=[Optional(), Regexp(r"^-?\d+(\.\d+)?$")])
    location_accuracy_m = HiddenField(validators=[Optional(), Regexp(r"^\d+(\.\d+)?$")])

    def __init__(self, mipymes: list[Mipyme], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # SelectChoice: WTForms 3.3 deprecates tuples and dicts.
        self.mipyme_id.choices = [SelectChoice("", str(_l("— Elija la Mipyme —")))] + [
            SelectChoice(str(m.id), m.name) for m in mipymes]
        if not self.id.data:
            self.id.data = str(uuid.uuid4())
        if not self.visited_at.data and not self.is_submitted():
            self.visited_at.data = utcnow().astimezone(programme_zone()).replace(second=0, microsecond=0,
                                                                                  tzinfo=None)

    def payload(self) -> dict[str, Any]:
        """The visit as the API takes it (a browser without JavaScript types local programme time)."""
        visited: datetime = self.visited_at.data.replace(tzinfo=programme_zone())
        body: dict[str, Any] = {
            "id": self.id.data,
            "revision": int(self.revision.data or 1),
            "mipyme_id": int(self.mipyme_id.data),
            "visited_at": visited.isoformat(),
            "topics": list(self.topics.data or []),
            "production_units": parse_integer(self.production_units.data),
            "monthly_sales_cop": parse_integer(self.monthly_sales_cop.data),
            "employees": parse_integer(self.employees.data),
            "needs": (self.needs.data or "").strip() or None,
            "notes": (self.notes.data or "").strip() or None,
            "follow_up_due": self.follow_up_due.data.isoformat() if self.follow_up_due.data else None,
            "follow_up_reason": (self.follow_up_reason.data or "").strip() or None,
        }
        if self.location_lat.data and self.location_lon.data:
            body["location"] = {"lat": float(self.location_lat.data), "lon": float(self.location_lon.data),
                                "accuracy_m": float(self.location_accuracy_m.data or 0) or None}
        return body
