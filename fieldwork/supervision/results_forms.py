"""The results page's filters (GET, no CSRF): the day seen, which businesses, which cohort. Every wrong value
gets a Spanish message beside its field and is left out of the filters; the page still answers."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, Field, SelectField, ValidationError
from wtforms.validators import Optional

from fieldwork.clock import today
from fieldwork.database import spanish_order
from fieldwork.extensions import db
from fieldwork.models import Neighborhood
from fieldwork.results.service import ResultFilters
from fieldwork.supervision import queries
from fieldwork.supervision.forms import FilterForm
from fieldwork.text.labels import MACRO_SECTOR_LABELS, SECTOR_LABELS, STATUS_LABELS

#: Before this the programme did not exist; a year typed as "0202" is a slip, not a cohort.
EARLIEST = date(2000, 1, 1)
BAD_DATE = _l("Fecha no válida: use el formato AAAA-MM-DD (por ejemplo 2026-06-30).")
BAD_CHOICE = _l("Elija una opción de la lista.")


class _Day(DateField):
    """A date whose unreadable text gets a Spanish message (WTForms' own is English)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_DATE)) from error


def _choice(label: Any) -> SelectField:
    # validate_choice=False: the choice is checked by _in_list, whose message is Spanish.
    return SelectField(label, validate_choice=False, validators=[Optional(), _in_list])


def _in_list(form: Any, field: Field) -> None:
    if str(field.data) not in {str(value) for value, _label in field.choices}:
        raise ValidationError(str(BAD_CHOICE))


def _day(label: Any) -> _Day:
    return _Day(label, validators=[Optional(), _plausible])


def _plausible(form: Any, field: Field) -> None:
    if field.data is not None and not EARLIEST <= field.data <= today():
        raise ValidationError(str(_l("Elija un día entre el %(first)s y hoy.", first=EARLIEST.isoformat())))


class ResultFilterForm(FilterForm):
    as_of = _day(_l("Resultados al día"))
    sector = _choice(_l("Sector"))
    macro_sector = _choice(_l("Macrosector"))
    neighborhood = _choice(_l("Barrio / comuna"))
    officer_id = _choice(_l("Funcionario"))
    enrolled_from = _day(_l("Ingresaron desde"))
    enrolled_to = _day(_l("Ingresaron hasta"))
    status = _choice(_l("Estado"))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        everyone = [("", str(_l("Todos")))]
        self.sector.choices = everyone + [(code, str(text)) for code, text in SECTOR_LABELS.items()]
        self.macro_sector.choices = everyone + [(code, str(text)) for code, text in MACRO_SECTOR_LABELS.items()]
        self.status.choices = everyone + [(code, str(text)) for code, text in STATUS_LABELS.items()]
        self.neighborhood.choices = everyone + [(name, name) for name in _neighborhoods()]
        self.officer_id.choices = everyone + [(str(user.id), user.name) for user in queries.officers()]

    def validate_enrolled_to(self, field: DateField) -> None:
        if field.data and self.enrolled_from.data and field.data < self.enrolled_from.data:
            raise ValidationError(str(_l("La fecha final no puede ser anterior a la inicial.")))

    def result_filters(self) -> ResultFilters:
        """The valid filters as the results service takes them (a wrong one is left out)."""
        filters = self.active_filters()
        if "officer_id" in filters:
            filters["officer_id"] = int(filters["officer_id"])
        return ResultFilters(**filters)


def _neighborhoods() -> list[str]:
    """The programme's managed list of places, as a Spanish reader orders it."""
    return list(db.session.scalars(select(Neighborhood.name).order_by(spanish_order(Neighborhood.name))))
