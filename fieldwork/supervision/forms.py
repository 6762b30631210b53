"""Forms of the supervisor's pages: list filters (GET, no CSRF), review, dispute, reassignment."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from fieldwork.auth.forms import at_most
from fieldwork.mipymes.aggregates import SORTS
from fieldwork.models import MAX_ID, User
from fieldwork.supervision.review import MAX_COMMENT
from fieldwork.supervision.services import MAX_NOTE
from fieldwork.text.labels import CONFIRMATION_LABELS, FLAG_LABELS, REVIEW_LABELS, SECTOR_LABELS
from fieldwork.web.read_revision import ReadRevisionForm

#: Ticked at once in the reassignment (the dashboard shows 200 a page at most); more is not a person's doing.
MAX_REASSIGN = 1000


def _is_id(value: Any) -> bool:
    """A row id as a form sends it: ASCII digits (isdigit() admits "²", which int() refuses), and within
    INTEGER (past it the database refuses the query: a 500)."""
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


def _choices(labels: dict[str, Any], empty: Any) -> dict[str, str]:
    return {"": str(empty), **{code: str(text) for code, text in labels.items()}}


def _officer_choices(officers: list[User], empty: Any) -> dict[str, str]:
    return {"": str(empty), **{str(o.id): o.name for o in officers}}


class FilterForm(FlaskForm):
    """A GET form: reads request.args, no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    def active_filters(self) -> dict[str, Any]:
        """The valid, non-empty filters; an invalid one is dropped (its error shows beside it)."""
        self.validate()
        return {name: f.data for name, f in self._fields.items() if not f.errors and f.data not in (None, "")}


class MipymeFilterForm(FilterForm):
    q = StringField(_l("Nombre"), validators=[Optional(), at_most(160, _l("La búsqueda"))])
    flag = SelectField(_l("Alerta"), validators=[Optional()])
    officer_id = SelectField(_l("Funcionario"), validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    neighborhood = SelectField(_l("Barrio / comuna"), validators=[Optional()])
    sort = SelectField(_l("Ordenar por"), validators=[Optional()])
    order = SelectField(_l("Orden"), validators=[Optional()])

    def __init__(self, officers: list[User], neighborhoods: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flag.choices = _choices(FLAG_LABELS, _l("Todas"))
        self.officer_id.choices = _officer_choices(officers, _l("Todos"))
        self.sector.choices = _choices(SECTOR_LABELS, _l("Todos"))
        self.neighborhood.choices = {"": str(_l("Todos")), **{n: n for n in neighborhoods}}
        self.sort.choices = {s: s for s in SORTS}
        self.order.choices = {"asc": "asc", "desc": "desc"}

    def active_filters(self) -> dict[str, Any]:
        filters = super().active_filters()
        if "officer_id" in filters:
            filters["officer_id"] = int(filters["officer_id"])
        return filters


class VisitFilterForm(FilterForm):
    officer_id = SelectField(_l("Funcionario"), validators=[Optional()])
    mipyme = StringField(_l("Mipyme (nombre)"), validators=[Optional(), at_most(160, _l("La búsqueda"))])
    mipyme_id = HiddenField(validators=[Optional()])
    date_from = DateField(_l("Desde"), validators=[Optional()])
    date_to = DateField(_l("Hasta"), validators=[Optional()])
    review_status = SelectField(_l("Revisión"), validators=[Optional()])
    owner_confirmation = SelectField(_l("Confirmación del propietario"), validators=[Optional()])

    def __init__(self, officers: list[User], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.officer_id.choices = _officer_choices(officers, _l("Todos"))
        self.review_status.choices = _choices(REVIEW_LABELS, _l("Todas"))
        self.owner_confirmation.choices = _choices(CONFIRMATION_LABELS, _l("Todas"))

    def validate_mipyme_id(self, field: HiddenField) -> None:
        if field.data and not _is_id(field.data):
            raise ValidationError(_l("Mipyme no válida."))

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("La fecha final no puede ser anterior a la inicial."))

    def active_filters(self) -> dict[str, Any]:
        filters = super().active_filters()
        for key in ("officer_id", "mipyme_id"):
            if key in filters:
                filters[key] = int(filters[key])
        return filters


class ReviewForm(ReadRevisionForm):
    """Approve or return the revision the supervisor read (hidden `revision`)."""

    decision = RadioField(_l("Decisión"), validators=[InputRequired(_l("Elija aprobar o devolver."))])
    comment = TextAreaField(
        _l("Comentario"),
        validators=[Optional(), Length(max=MAX_COMMENT, message=_l("El comentario admite hasta %(max)d caracteres."))],
        description=_l("Obligatorio al devolver: diga qué debe corregir el funcionario."),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.decision.choices = {"approved": str(_l("Aprobar")), "returned": str(_l("Devolver al funcionario"))}


class DisputeForm(FlaskForm):
    outcome = RadioField(_l("Resultado"), validate_choice=False, validators=[InputRequired(_l(
        "Elija si el propietario tiene razón o si el registro se mantiene."))])
    note = TextAreaField(
        _l("Nota de resolución"),
        validators=[InputRequired(_l("Escriba cómo se resolvió la disputa.")),
                    Length(max=MAX_NOTE, message=_l("La nota admite hasta %(max)d caracteres."))],
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outcome.choices = {
            "owner_right": str(_l("El propietario tiene razón: devolver la visita al funcionario para corregirla")),
            "record_stands": str(_l("El registro se mantiene como está")),
        }


class ReassignForm(FlaskForm):
    # Checked as text, then read as numbers (ids()): coerce=int let 20-digit numbers reach the database.
    mipyme_ids = SelectMultipleField(_l("Mipymes"), validate_choice=False,
                                     validators=[InputRequired(_l("Marque al menos una Mipyme."))])
    # Its own id: the filter form above has an `officer_id` too, and two equal ids left this one unnamed.
    officer_id = SelectField(_l("Asignar a"), id="reassign_officer_id",
                             validators=[InputRequired(_l("Elija un funcionario."))])
    next = HiddenField()

    def __init__(self, officers: list[User], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.officer_id.choices = _officer_choices(officers, _l("— Elija —"))

    def validate_mipyme_ids(self, field: SelectMultipleField) -> None:
        if len(field.data) > MAX_REASSIGN:
            raise ValidationError(_l("Marque como máximo %(max)d Mipymes a la vez.", max=MAX_REASSIGN))
        if not all(_is_id(value) for value in field.data):
            raise ValidationError(_l("Una de las Mipymes marcadas no es válida. Recargue la página y márquelas "
                                     "de nuevo."))

    def ids(self) -> list[int]:
        """The ticked Mipymes' ids (after validation)."""
        return [int(value) for value in self.mipyme_ids.data]
