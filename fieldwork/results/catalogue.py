"""The indicator catalogue of API.md: what the programme measures, each fed by a built-in visit figure
or by one question of the programme's form (the XLSForm's `indicator` column), across its versions."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

#: A yes/no indicator's answer means yes when its choice has one of these names (any other choice: no).
YES_CHOICES = frozenset({"si", "sí", "yes", "true", "1"})


@dataclass(frozen=True)
class Indicator:
    code: str
    #: "number" (integer or decimal), "integer" or "yes_no"
    kind: str
    label: object  # a lazy translation
    #: The visit's own figure that feeds it when no question of the visit's form version does.
    builtin: str | None = None

    @property
    def question_types(self) -> tuple[str, ...]:
        """The XLSForm types a question feeding this indicator may have (checked at upload): a figure may
        come from a calculate (the sum of a repeat's units), read as the number it writes."""
        return {"number": ("integer", "decimal", "calculate"), "integer": ("integer", "calculate"),
                "yes_no": ("select_one", "acknowledge")}[self.kind]


INDICATORS = (
    Indicator("sales_month_cop", "number", _l("Ventas del mes (pesos)"), "monthly_sales_cop"),
    Indicator("units_month", "number", _l("Unidades producidas en el mes"), "production_units"),
    Indicator("jobs_total", "integer", _l("Personas que trabajan (con el propietario)"), "employees"),
    Indicator("jobs_formal", "integer", _l("Empleos formales (contrato y seguridad social)")),
    Indicator("jobs_women", "integer", _l("Mujeres que trabajan")),
    Indicator("has_rut", "yes_no", _l("Tiene RUT")),
    Indicator("matricula_renewed", "yes_no", _l("Matrícula mercantil renovada")),
    Indicator("social_security", "yes_no", _l("Paga seguridad social")),
    Indicator("credit_obtained", "yes_no", _l("Obtuvo crédito desde la visita anterior")),
    Indicator("sells_online", "yes_no", _l("Vende en línea o por mensajería")),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
CODES = tuple(BY_CODE)
#: Built-in figure -> the indicator it feeds (the form stops asking the figure when a question feeds it).
BUILTIN_FEEDS = {i.builtin: i.code for i in INDICATORS if i.builtin}
