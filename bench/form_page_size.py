"""How many bytes an officer's phone downloads for /visits/new with a 30-question programme form.

    python bench/form_page_size.py

Builds a realistic 30-question XLSForm (groups, selects with their choices, relevance and constraints on
about half, hints, a calculate and a note), uploads and publishes it, logs an officer in and fetches the
page through the whole app (Flask's test client). Prints the page's size raw and gzipped (level 6, what
nginx and most servers use), the embedded definition's share, and the page plus the form modules and
stylesheet it loads (static/js/forms/*.js, css/forms.css). The aim (issue 10): the page under 60 KB gzipped.
"""
from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from fieldwork import create_app  # noqa: E402
from fieldwork.config import TESTING  # noqa: E402
from fieldwork.extensions import db  # noqa: E402
from fieldwork.forms.services import publish_form, upload_form  # noqa: E402
from tests.builders import PASSWORD, make_mipyme, make_user  # noqa: E402
from tests.forms.xlsform import choice, question, xlsform  # noqa: E402


def thirty_questions() -> bytes:
    lists = {"si_no": ["si", "no"], "fuente": ["banco", "cooperativa", "fondo_publico", "familiar", "otro"],
             "canal": ["tienda", "feria", "redes", "web", "mayorista"], "nivel": ["bajo", "medio", "alto"]}
    choices = [choice(name, value, value.replace("_", " ").capitalize(), label__en=value) for name, values in
               lists.items() for value in values]
    survey = []
    for block in range(3):  # three groups of ten questions
        survey.append(question("begin_group", f"bloque{block}", f"Bloque {block + 1} del seguimiento de la Mipyme",
                               label__en=f"Block {block + 1}"))
        survey += [
            question("select_one si_no", f"recibio{block}", "¿Recibió financiación desde la última visita?",
                     label__en="Financing since the last visit?", required="yes"),
            question("integer", f"monto{block}", "Monto recibido en pesos colombianos", label__en="Amount",
                     hint="Sin centavos; use puntos para los miles.", relevant=f"${{recibio{block}}} = 'si'",
                     constraint=". > 0", constraint_message="El monto debe ser mayor que cero.", required="yes"),
            question("select_one fuente", f"fuente{block}", "Fuente principal de la financiación",
                     relevant=f"${{recibio{block}}} = 'si'"),
            question("select_multiple canal", f"canales{block}", "Canales de venta que usa hoy",
                     constraint="count-selected(.) <= 3", constraint_message="Elija como máximo tres canales."),
            question("integer", f"formales{block}", "Empleados formales (con seguridad social)",
                     constraint=". >= 0"),
            question("integer", f"informales{block}", "Empleados informales", constraint=". >= 0"),
            question("decimal", f"ventas{block}", "Ventas del último mes en millones de pesos",
                     hint="Con coma decimal: 35,5", constraint=". >= 0 and . < 100000"),
            question("select_one nivel", f"nivel{block}", "Nivel de formalización que observa"),
            question("date", f"fecha{block}", "Fecha de renovación de la matrícula mercantil",
                     constraint=". <= today()", constraint_message="La fecha no puede ser posterior a la visita."),
            question("text", f"nota{block}", "Observación sobre este bloque", hint="Opcional"),
        ]
        survey.append(question("end_group", f"bloque{block}"))
    survey.append(question("calculate", "total", calculation="${formales0} + ${informales0}"))
    survey.append(question("note", "resumen", "Empleados en total: ${total}"))
    return xlsform(survey, choices, {"form_title": "Seguimiento Mipyme Valledupar", "form_id": "bench",
                                     "version": "1"})


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = "sqlite:///" + os.path.join(folder, "bench.sqlite")
        app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
            officer = make_user("officer", username="bench_officer")
            make_mipyme(officer)
            supervisor = make_user("supervisor")
            version = publish_form(supervisor, upload_form(supervisor, thirty_questions(), "bench.xlsx"))
            db.session.commit()
            answered = sum(q["type"] not in ("begin_group", "end_group") for q in version.definition["questions"])
            client = app.test_client()
            client.post("/login", data={"username": "bench_officer", "password": PASSWORD})
            page = client.get("/visits/new").get_data()
            assets = b"".join((ROOT / "static" / path).read_bytes() for path in
                              [*(f"js/forms/{p.name}" for p in sorted((ROOT / "static/js/forms").glob("*.js"))),
                               "css/forms.css"])
    definition = re.search(rb'<script type="application/json" id="form-definition">(.*?)</script>', page, re.S)
    size = lambda data: len(gzip.compress(data, compresslevel=6))  # noqa: E731
    print(f"questions (not counting group markers): {answered}")
    print(f"/visits/new: {len(page):,} bytes raw, {size(page):,} bytes gzipped")
    print(f"  of which the definition: {len(definition.group(1)):,} raw, {size(definition.group(1)):,} gzipped alone")
    print(f"page + static/js/forms/*.js + css/forms.css: {size(page) + size(assets):,} bytes gzipped "
          f"(assets {len(assets):,} raw, cached by the worker after the first visit)")


if __name__ == "__main__":
    main()
