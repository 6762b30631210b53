"""XLSForm fixtures written as the spreadsheets they stand for (shared by the upload, sync and page tests)."""
from __future__ import annotations

from tests.forms.xlsform import choice, question, xlsform

YES_NO = [choice("si_no", "si", "Sí", label__en="Yes"), choice("si_no", "no", "No", label__en="No")]
SOURCES = [choice("fuentes", name, label) for name, label in (
    ("banco", "Banco"), ("cooperativa", "Cooperativa"), ("fondo_publico", "Fondo público"),
    ("familiar", "Familiar"), ("otro", "Otro"))]
CHANNELS = [choice("canales", name, label) for name, label in (
    ("tienda", "Tienda propia"), ("feria", "Ferias"), ("redes", "Redes sociales"), ("web", "Página web"),
    ("mayorista", "Mayoristas"))]


def programme_survey() -> list[dict]:
    """A small Mipyme follow-up: relevance, a constraint with its message, a calculate, a group, a date."""
    return [
        question("select_one si_no", "recibio_financiacion", "¿Recibió financiación desde la última visita?",
                 label__en="Did it receive financing since the last visit?", required="yes"),
        question("begin_group", "financiacion", "Financiación", relevant="${recibio_financiacion} = 'si'"),
        question("decimal", "monto", "Monto recibido (millones de pesos)", required="yes",
                 constraint=". > 0", constraint_message="El monto debe ser mayor que cero."),
        question("select_one fuentes", "fuente", "Fuente de la financiación"),
        question("end_group", ""),
        question("select_multiple canales", "canales", "Canales de venta", constraint="count-selected(.) <= 3",
                 constraint_message="Elija como máximo tres canales."),
        question("integer", "empleados_formales", "Empleados formales", constraint=". >= 0"),
        question("integer", "empleados_informales", "Empleados informales", constraint=". >= 0"),
        question("calculate", "empleados_total", calculation="${empleados_formales} + ${empleados_informales}"),
        question("note", "resumen", "Empleados en total: ${empleados_total}"),
        question("date", "renovo_matricula", "Fecha de renovación de la matrícula mercantil",
                 constraint=". <= today()", constraint_message="La fecha no puede ser posterior a la visita."),
        question("text", "observacion", "Observación", hint="Opcional"),
    ]


def programme_form(version: str = "2026030201", **settings: str) -> bytes:
    return xlsform(programme_survey(), YES_NO + SOURCES + CHANNELS,
                   {"form_title": "Seguimiento Mipyme", "form_id": "seguimiento_mipyme", "version": version,
                    **settings})


def complete_form() -> bytes:
    """Every supported type and column, in both languages, with nested groups."""
    survey = [
        question("text", "nombre", label__es="Nombre del negocio", label__en="Business name",
                 hint__es="Como aparece en el letrero", hint__en="As on the sign", required="yes",
                 required_message__es="Escriba el nombre.", required_message__en="Write the name.",
                 appearance="multiline"),
        question("integer", "edad", label__es="Años de funcionamiento", label__en="Years running",
                 constraint=". >= 0 and . < 200", constraint_message__es="Entre 0 y 199.",
                 constraint_message__en="Between 0 and 199.", default="1"),
        question("decimal", "ventas", label__es="Ventas (millones)", label__en="Sales (millions)", default="2.5"),
        question("date", "fecha", label__es="Fecha de registro", label__en="Registration date",
                 default="2026-01-15", constraint=". <= today()"),
        question("select_one si_no", "formal", label__es="¿Tiene RUT?", label__en="Has a RUT?", default="no"),
        question("select_multiple canales", "canales", label__es="Canales", label__en="Channels",
                 default="tienda redes", relevant="${formal} = 'si'"),
        question("begin_group", "empleo", label__es="Empleo", label__en="Employment", relevant="${edad} > 0"),
        question("begin_group", "detalle", label__es="Detalle", label__en="Detail"),
        question("integer", "formales", label__es="Formales", label__en="Formal"),
        question("end_group", "detalle"),
        question("calculate", "doble", calculation="${formales} * 2"),
        question("end_group", "empleo"),
        question("note", "aviso", label__es="Doble: ${doble}", label__en="Twice: ${doble}"),
    ]
    return xlsform(survey, YES_NO + CHANNELS,
                   {"form_title": "Completo", "form_id": "completo", "version": "1", "default_language": "es"})


def publish(content: bytes | None = None, supervisor=None, filename: str = "seguimiento.xlsx"):
    """Upload and publish a form (the programme's by default); returns the FormVersion."""
    from fieldwork.extensions import db
    from fieldwork.forms import services
    from tests.builders import make_user

    supervisor = supervisor or make_user("supervisor")
    version = services.upload_form(supervisor, content or programme_form(), filename)
    services.publish_form(supervisor, version)
    db.session.commit()
    return version
