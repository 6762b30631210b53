"""The CSV files uploaded with a form (API.md, "Forms": select_*_from_file and pulldata()), read and bounded.

Each file becomes a table `{"columns": [...], "rows": [[...], ...]}` kept in the definition under its stem
(`barrios.csv` → `barrios`, the name pulldata() uses), so a version never needs its files again and the
phone gets them with the form. Spreadsheets save CSV in UTF-8 (with or without BOM) or, Excel in Spanish,
Windows-1252 with `;`: both are read.
"""
from __future__ import annotations

import csv
from io import StringIO
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _

from fieldwork.forms.refusals import Refusals

MAX_FILE_BYTES = 1024 * 1024
MAX_FILES = 20
#: Rows in all the files together: every one travels to every phone with the form.
MAX_ROWS = 10_000
MAX_COLUMNS = 256

Table = dict[str, Any]


def read_media(files: list[tuple[str, bytes]], refusals: Refusals) -> tuple[dict[str, Table], set[str]]:
    """The tables of the uploaded files by file name (`barrios.csv`), and the names of every file received
    (a refused one included: the survey then need not say it is missing); each problem goes to `refusals`."""
    received = {PurePath((original or "").replace("\\", "/")).name for original, _content in files}
    if len(files) > MAX_FILES:
        refusals.fail(_("Se subieron %(count)d archivos con el formulario; el máximo es %(limit)d.",
                        count=len(files), limit=MAX_FILES))
        return {}, received
    tables: dict[str, Table] = {}
    stems: dict[str, str] = {}
    rows = 0
    for original, content in files:
        filename = PurePath((original or "").replace("\\", "/")).name
        where = refusals.in_file(filename or "?")
        stem = PurePath(filename).stem
        if PurePath(filename).suffix.lower() != ".csv" or not stem:
            where.fail(_("solo se suben con el formulario archivos CSV (.csv), para select_one_from_file, "
                         "select_multiple_from_file y pulldata()."))
        elif stem in stems:
            where.fail(_("ya se subió un archivo llamado «%(other)s»; cada archivo necesita un nombre propio.",
                         other=stems[stem]))
        elif len(content) > MAX_FILE_BYTES:
            where.fail(_("el archivo pasa de 1 MB; divida los datos o quite las columnas que el formulario no usa."))
        else:
            stems[stem] = filename
            table = _table(content, filename, refusals)
            if table is not None:
                tables[filename] = table
                rows += len(table["rows"])
    if rows > MAX_ROWS:
        refusals.fail(_("Los archivos CSV suman %(count)s filas; el máximo es %(limit)s (todas viajan a cada "
                        "teléfono con el formulario).", count=_dotted(rows), limit=_dotted(MAX_ROWS)))
    return tables, received


def _dotted(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _text(content: bytes) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _table(content: bytes, filename: str, refusals: Refusals) -> Table | None:
    text = _text(content)
    where = refusals.in_file(filename)
    if text is None or "\x00" in text:
        where.fail(_("no se puede leer como texto; guárdelo como «CSV UTF-8» desde Excel o LibreOffice."))
        return None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        lines = [row for row in csv.reader(StringIO(text, newline=""), delimiter=delimiter, strict=True)
                 if any(c.strip() for c in row)]
    except csv.Error:  # a quote never closed, a cell past csv's field limit
        where.fail(_("no se puede leer como CSV; revise las comillas o guárdelo de nuevo como CSV."))
        return None
    if not lines:
        where.fail(_("está vacío; la primera fila lleva los nombres de las columnas."))
        return None
    columns = [c.strip() for c in lines[0]]
    problems = len(refusals.messages)
    if len(columns) > MAX_COLUMNS:
        where.fail(_("tiene %(count)d columnas; el máximo es %(limit)d.", count=len(columns), limit=MAX_COLUMNS))
    for number, column in enumerate(columns, start=1):
        if not column:
            refusals.in_file(filename, 1).fail(_("la columna %(number)d no tiene nombre.", number=number))
        elif columns.index(column) != number - 1:
            refusals.in_file(filename, 1).fail(_("la columna «%(column)s» está dos veces.", column=column))
    rows = []
    for number, row in enumerate(lines[1:], start=2):
        if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns):]):
            refusals.in_file(filename, number).fail(_("tiene más valores que columnas hay en el encabezado."))
        rows.append([cell.strip() for cell in row[:len(columns)]] + [""] * (len(columns) - len(row)))
    return {"columns": columns, "rows": rows} if len(refusals.messages) == problems else None


def file_choices(table: Table, value: str, label: str) -> list[dict[str, Any]]:
    """A file's rows as pyxform's choices: `name` from the value column, `label` from the label column (or its
    `label::<language>` columns), every other column kept beside them for choice_filter."""
    columns = table["columns"]
    labels = {c.split("::", 1)[1]: c for c in columns if c.startswith(f"{label}::")}
    choices = []
    for row in table["rows"]:
        cells = dict(zip(columns, row, strict=True))
        text: Any = {language: cells[column] for language, column in labels.items()} if labels else cells.get(label)
        extra = {c: cells[c] for c in columns if c not in (value, label) and c not in labels.values()}
        choices.append({"name": cells[value], "label": text, **extra})
    return choices


def check_file_choices(choices: list[dict[str, Any]], filename: str, refusals: Refusals,
                       allow_duplicates: bool) -> None:
    """A file's choices as the choices sheet's: a name, without spaces, once (unless duplicates are allowed)."""
    seen: dict[str, int] = {}
    for number, item in enumerate(choices, start=2):
        name, where = item["name"], refusals.in_file(filename, number)
        if not name:
            where.fail(_("la opción no tiene valor (name)."))
        elif " " in name:
            where.fail(_("el valor «%(name)s» tiene espacios; las respuestas de selección múltiple se separan con "
                         "espacios.", name=name))
        elif name in seen and not allow_duplicates:
            where.fail(_("el valor «%(name)s» ya está en la fila %(other)d.", name=name, other=seen[name]))
        else:
            seen[name] = number
