"""The 30-question form `sync_bench.py --form` publishes, and the answers its visits carry.

Built from the test fixtures' programme form (relevance on a group, constraints, a calculate, a date,
a select_multiple) plus twenty more questions of the kinds a Mipyme programme asks, so the server's
answer check walks a form of realistic size.
"""
from __future__ import annotations

import time
from datetime import date
from typing import Any

from fieldwork.forms.answers import validate_answers
from fieldwork.forms.definition import localized
from fieldwork.models import FormVersion
from tests.forms.fixtures import CHANNELS, SOURCES, YES_NO, programme_survey, publish
from tests.forms.xlsform import choice, question, xlsform

MARKETS = [choice("mercados", name, label) for name, label in
           (("local", "Local"), ("regional", "Regional"), ("nacional", "Nacional"))]


def bench_survey() -> list[dict]:
    """30 questions (the note and the group markers aside): 9 integers, 5 decimals, 9 selects, 3 texts, 2 dates,
    2 calculates; 4 depend on a relevance, 16 have a constraint."""
    return programme_survey() + [
        question("select_one si_no", "rut", "¿Tiene RUT?", required="yes"),
        question("select_one si_no", "matricula_vigente", "¿Renovó la matrícula mercantil este año?"),
        question("select_one si_no", "seguridad_social", "¿Aporta a seguridad social?"),
        question("select_one si_no", "ventas_en_linea", "¿Vende en línea?"),
        question("decimal", "porcentaje_en_linea", "Porcentaje de ventas en línea",
                 relevant="${ventas_en_linea} = 'si'", constraint=". >= 0 and . <= 100"),
        question("integer", "clientes_mes", "Clientes al mes", constraint=". >= 0"),
        question("integer", "proveedores", "Proveedores"),
        question("integer", "dias_semana", "Días que abre a la semana", constraint=". >= 1 and . <= 7"),
        question("decimal", "horas_dia", "Horas al día", constraint=". > 0 and . <= 24"),
        question("integer", "arriendo_cop", "Arriendo mensual (pesos)", constraint=". >= 0"),
        question("integer", "servicios_cop", "Servicios públicos al mes (pesos)", constraint=". >= 0"),
        question("calculate", "costos_fijos", calculation="${arriendo_cop} + ${servicios_cop}"),
        question("select_one mercados", "mercado", "Mercado principal"),
        question("select_one si_no", "capacitacion", "¿Recibió capacitación?"),
        question("text", "tema_capacitacion", "Tema de la capacitación", relevant="${capacitacion} = 'si'",
                 constraint="string-length(.) <= 200"),
        question("integer", "mujeres", "Mujeres empleadas",
                 constraint=". <= ${empleados_formales} + ${empleados_informales}"),
        question("integer", "jovenes", "Empleados menores de 28 años"),
        question("decimal", "ventas_mes_millones", "Ventas del mes (millones de pesos)", constraint=". >= 0"),
        question("decimal", "inventario_millones", "Inventario (millones de pesos)", constraint=". >= 0"),
        question("text", "producto_principal", "Producto principal", required="yes"),
        question("date", "fecha_ultima_compra", "Fecha de la última compra de insumos",
                 constraint=". <= today()"),
    ]


def publish_bench_form() -> int:
    """Upload and publish the form in the current app context; its version id."""
    content = xlsform(bench_survey(), YES_NO + SOURCES + CHANNELS + MARKETS,
                      {"form_title": "Seguimiento Mipyme (bench)", "form_id": "bench", "version": "1"})
    return publish(content).id


def answers(i: int) -> dict[str, Any]:
    """Every question answered (relevant branches alternate), all valid on any visit day after 2026-02."""
    financed, online, trained = i % 2 == 0, i % 3 == 0, i % 4 == 0
    formal, informal = i % 9, i % 5
    return {
        "recibio_financiacion": "si" if financed else "no",
        **({"monto": 2.5 + i % 7, "fuente": "banco"} if financed else {}),
        "canales": ["redes", "tienda"] if i % 2 else ["feria"],
        "empleados_formales": formal, "empleados_informales": informal,
        "renovo_matricula": "2026-01-20", "observacion": "Todo en orden, con pedidos para diciembre",
        "rut": "si", "matricula_vigente": "si" if i % 2 else "no", "seguridad_social": "no",
        "ventas_en_linea": "si" if online else "no", **({"porcentaje_en_linea": 12.5} if online else {}),
        "clientes_mes": 40 + i % 100, "proveedores": 3, "dias_semana": 6, "horas_dia": 9.5,
        "arriendo_cop": 1_200_000, "servicios_cop": 350_000 + i, "mercado": "local",
        "capacitacion": "si" if trained else "no", **({"tema_capacitacion": "Costos y precios"} if trained else {}),
        "mujeres": min(2, formal + informal), "jovenes": 1, "inventario_millones": 4.75,
        "ventas_mes_millones": 4.5 + i % 10,
        "producto_principal": "Queso costeño", "fecha_ultima_compra": "2026-02-10",
    }


def with_answers(visits: list[dict[str, Any]], version_id: int) -> list[dict[str, Any]]:
    return [{**visit, "form_version_id": version_id, "answers": answers(i)} for i, visit in enumerate(visits)]


def answers_check_us(version_id: int, n: int = 1000) -> float:
    """Microseconds per visit of the server's answer check alone (evaluator, relevance, calculates)."""
    from fieldwork.extensions import db

    stored = db.session.get(FormVersion, version_id).definition
    definition = {"questions": localized(stored, "es")}
    start = time.perf_counter()
    for i in range(n):
        _, errors = validate_answers(definition, answers(i), date(2026, 12, 1))
        assert not errors, errors
    return (time.perf_counter() - start) / n * 1e6
