"""A programme form for the browser tests, built as the server ships it: questions in form order, groups as
markers, and the AST the server's parser made for each expression (the contract in fieldwork/forms/expressions.py)"""
from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image

from fieldwork.forms.expressions import parse

CHOICES = {
    "yes_no": [{"name": "si", "label": "Sí"}, {"name": "no", "label": "No"}],
    "channels": [{"name": "tienda", "label": "Tienda propia"}, {"name": "feria", "label": "Ferias"},
                 {"name": "redes", "label": "Redes sociales"}, {"name": "whatsapp", "label": "WhatsApp"},
                 {"name": "mayorista", "label": "Mayoristas"}],
}


def question(name: str, type_: str, label: str, **extra: Any) -> dict[str, Any]:
    """One question with the AST of each expression it carries."""
    found = {"name": name, "type": type_, "label": label, "required": extra.pop("required", False), **extra}
    ast = {key: parse(found[column]) for key, column in
           (("relevant", "relevant"), ("constraint", "constraint"), ("calculation", "calculation")) if column in found}
    if ast:
        found["ast"] = ast
    return found


def financing_questions() -> list[dict[str, Any]]:
    """Relevance through a group, a constraint with its message, a calculate, a note, a default."""
    return [
        {"type": "begin_group", "name": "finance", "label": "Financiación"},
        question("financing", "select_one", "¿Recibió financiación desde la última visita?", required=True,
                 choices=CHOICES["yes_no"]),
        question("amount", "integer", "Monto recibido (COP)", hint="En pesos, sin centavos.", required=True,
                 relevant="${financing} = 'si'", constraint=". > 0",
                 constraint_message="El monto debe ser mayor que cero."),
        question("rate", "decimal", "Tasa de interés mensual (%)", relevant="${financing} = 'si'",
                 constraint=". < 10"),
        {"type": "end_group", "name": "finance"},
        question("channels", "select_multiple", "Canales de venta", choices=CHOICES["channels"],
                 constraint="count-selected(.) <= 3", constraint_message="Elija como máximo tres canales."),
        question("formal", "integer", "Empleados formales", default="0"),
        question("informal", "integer", "Empleados informales", default="0"),
        question("total", "calculate", "", calculation="${formal} + ${informal}"),
        question("total_note", "note", "Total de empleados: ${total}"),
        question("rut_date", "date", "Fecha del RUT", constraint=". <= today()",
                 constraint_message="La fecha no puede ser posterior a la visita."),
    ]


def definition(questions: list[dict[str, Any]], version_id: int = 1, title: str = "Seguimiento Mipyme") -> dict:
    return {"id": version_id, "form_id": "seguimiento", "version": str(version_id), "title": title,
            "published": True, "questions": questions}


# Draws a definition into a blank page; `window.questions` is the controller the visit form uses.
MOUNT = """async ([definition, today]) => {
  const main = document.querySelector('main');
  main.innerHTML = '<form class="visit-form"><section class="form-questions" data-form-questions></section></form>';
  const { prepareForm, renderForm } = await import('/static/js/forms/render.js');
  await prepareForm(definition);
  const container = main.querySelector('[data-form-questions]');
  window.questions = renderForm(container, definition, { today: () => today });
  container.dataset.ready = 'true';
}"""


def mount(page: Any, base_url: str, form: dict[str, Any], today: str = "2026-03-02") -> None:
    """Open a blank page of the app (it has the Spanish message table) and draw `form` in it."""
    page.goto(base_url + "/offline", wait_until="domcontentloaded")
    page.add_style_tag(url="/static/css/forms.css")
    page.evaluate(MOUNT, [json.loads(json.dumps(form)), today])
    page.wait_for_selector("[data-form-questions][data-ready=true]")


def field(path: str) -> str:
    """The input of the answer at `path` (`nota`, `productos[2].unidades`), as render.js names it."""
    return f"[name='answers.{path}']"


def png(width: int = 1200, height: int = 900) -> bytes:
    """A plain photo of that size, as the phone's camera would hand it over."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (11, 93, 59)).save(out, format="PNG")
    return out.getvalue()
