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


#: The CSV uploaded with kobo_form(): the neighbourhoods of two comunas, with the code pulldata() looks up.
BARRIOS_CSV = (b"codigo,nombre,comuna,estrato\n101,Centro,1,3\n102,Novalito,1,2\n"
               b"201,Los Mayales,2,4\n202,Villa Castro,2,2\n")


def kobo_form(version: str = "v3-1") -> tuple[bytes, list[tuple[str, bytes]]]:
    """The Kobo-style production form of issue 18, bilingual, as its partners write it: a repeat per product
    (units, price, sales, a nested repeat of sizes), a place, a photo, a time, cascading comuna → barrio
    (choice_filter), a barrio from a CSV with pulldata(), or_other, range, rank, acknowledge, metadata rows and
    instance_name. Returns the workbook and its `media` files."""
    def q(type_, name, es=None, en=None, **columns):
        texts = {"label__es": es, "label__en": en} if es is not None else {}
        return question(type_, name, **{k: v for k, v in texts.items() if v is not None}, **columns)

    survey = [
        q("start", "start"), q("end", "end"), q("today", "today"), q("username", "username"),
        q("deviceid", "deviceid"),
        q("text", "negocio", "Nombre del negocio", "Business name", required="yes"),
        q("select_one comunas", "comuna", "Comuna", "Comuna"),
        q("select_one barrios", "barrio", "Barrio", "Neighbourhood", choice_filter="comuna = ${comuna}"),
        q("select_one_from_file barrios.csv", "barrio_csv", "Barrio (lista oficial)", "Neighbourhood (official)",
          parameters="value=codigo label=nombre"),
        q("calculate", "estrato", calculation="pulldata('barrios', 'estrato', 'codigo', ${barrio_csv})"),
        q("geopoint", "lugar", "Ubicación del taller", "Workshop location"),
        q("image", "foto", "Foto del producto principal", "Photo of the main product"),
        q("time", "hora_apertura", "Hora de apertura", "Opening time"),
        q("dateTime", "ultima_venta", "Última venta", "Last sale"),
        q("integer", "num_productos", "¿Cuántos productos fabrica?", "How many products?",
          constraint=". >= 0 and . <= 20"),
        q("begin_repeat", "producto", "Producto", "Product", repeat_count="${num_productos}"),
        q("text", "nombre_producto", "Nombre del producto", "Product name", required="yes"),
        q("integer", "unidades", "Unidades al mes", "Units a month", constraint=". >= 0"),
        q("decimal", "precio", "Precio unitario (COP)", "Unit price (COP)", constraint=". > 0"),
        q("calculate", "ventas", calculation="${unidades} * ${precio}"),
        q("begin_repeat", "talla", "Talla", "Size"),
        q("select_one tallas", "talla_nombre", "Talla", "Size"),
        q("end_repeat", "talla"),
        q("note", "orden", "Producto número ${posicion}", "Product number ${posicion}"),
        q("calculate", "posicion", calculation="position(..)"),
        q("end_repeat", "producto"),
        q("calculate", "ventas_total", calculation="sum(${ventas})"),
        q("select_one canales or_other", "canal", "Canal principal", "Main channel"),
        q("rank canales", "prioridad", "Ordene los canales", "Rank the channels"),
        q("range", "satisfaccion", "Satisfacción con el programa", "Satisfaction", parameters="start=1 end=5 step=1"),
        q("acknowledge", "consentimiento", "El propietario acepta la visita", "The owner agrees to the visit"),
    ]
    choices = [
        choice("comunas", "1", "Comuna 1", label__en="Comuna 1"),
        choice("comunas", "2", "Comuna 2", label__en="Comuna 2"),
        choice("barrios", "centro", "Centro", label__en="Centre", comuna="1"),
        choice("barrios", "novalito", "Novalito", label__en="Novalito", comuna="1"),
        choice("barrios", "mayales", "Los Mayales", label__en="Los Mayales", comuna="2"),
        choice("tallas", "s", "Pequeña", label__en="Small"), choice("tallas", "l", "Grande", label__en="Large"),
        choice("canales", "tienda", "Tienda propia", label__en="Own shop"),
        choice("canales", "feria", "Ferias", label__en="Fairs"),
        choice("canales", "redes", "Redes sociales", label__en="Social media"),
    ]
    for row in choices:
        row["label::es"] = row.pop("label")
    settings = {"form_title": "Producción del taller", "id_string": "produccion_taller", "version": version,
                "default_language": "es", "instance_name": "concat(${negocio}, ' – ', ${today})", "style": "pages"}
    return xlsform(survey, choices, settings), [("barrios.csv", BARRIOS_CSV)]
