"""Reads the spreadsheet a Mipyme import starts from (CSV or XLSX) into a header and rows, bounded.

CSV comes as Excel writes it: UTF-8 with or without a BOM, or the Windows code page (cp1252, Latin-1's
superset) that Excel in Spanish still saves; separated by `;` (Spanish Excel) or `,`; fields quoted.
An XLSX is first checked by the forms' workbook limits (a zip that inflates without bound, a part that
asks for millions of objects) and then read streaming with openpyxl, only its first sheet.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook

from fieldwork.forms.refusals import FormRefused
from fieldwork.forms.workbook_limits import MAX_BYTES, check_workbook
from fieldwork.services import ServiceError

#: A programme's call or the Cámara de Comercio's list has a few hundred businesses. Each row is written
#: through the registry service (about six statements): 1,000 rows took 7 s on SQLite and 14 s on a busy
#: PostgreSQL, so 2,000 keeps one request within half a minute.
MAX_ROWS = 2000
#: Columns read; a registry spreadsheet has about ten, the rest are ignored with a warning.
MAX_COLUMNS = 64
MAX_MB = MAX_BYTES // (1024 * 1024)
_OLE2 = b"\xd0\xcf\x11\xe0"  # an .xls (Excel 97-2003) or other Office binary file
_ZIP = b"PK\x03\x04"


@dataclass
class Table:
    """What the file holds: the header row's cells as written, and each row with its spreadsheet number."""

    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def read_upload(upload: Any) -> bytes:
    """An uploaded file's bytes, at most one past the bound (enough to refuse it), its temporary file closed."""
    try:
        return upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()


def refused(*messages: str) -> ServiceError:
    """The file itself cannot be imported (as opposed to some of its rows)."""
    return ServiceError({"file": list(messages)})


def read_table(content: bytes, filename: str) -> Table:
    """The file's header and rows; ServiceError under `file`, in Spanish, when it cannot be read."""
    if len(content) > MAX_BYTES:
        raise refused(_("El archivo pasa de %(mb)d MB. Divida la lista en varios archivos.", mb=MAX_MB))
    if not content.strip():
        raise refused(_("El archivo está vacío."))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("xlsm", "xlsb", "xltm") or content.startswith(_OLE2) or extension in ("xls", "ods", "numbers"):
        raise refused(_("Use un libro .xlsx sin macros o un archivo CSV. Guárdelo desde Excel con «Guardar "
                        "como» → «Libro de Excel (.xlsx)» o «CSV (delimitado por comas)»."))
    if content.startswith(_ZIP):
        return _limited(_xlsx_rows(content))
    if extension in ("xlsx", "xltx"):
        raise refused(_("El archivo no se puede leer como libro .xlsx."))
    return _limited(_csv_rows(content))


def _limited(rows: Any) -> Table:
    """Header and the non-empty rows, refusing past MAX_ROWS; `rows` yields (number, cells)."""
    table: Table | None = None
    for number, cells in rows:
        values = [_plain(cell) for cell in cells[:MAX_COLUMNS]]
        if table is None:
            if number != 1 or not any(values):
                raise refused(_("La primera fila debe tener los nombres de las columnas (Nombre, NIT, …)."))
            table = Table(header=[str(v).strip() if v is not None else "" for v in values])
            continue
        if not any(v not in (None, "") for v in values):
            continue
        if len(table.rows) == MAX_ROWS:
            raise refused(_("El archivo tiene más de %(limit)s filas de Mipymes. Divídalo en varios archivos.",
                            limit=f"{MAX_ROWS:,}".replace(",", ".")))
        table.rows.append((number, values))
    if table is None:
        raise refused(_("El archivo está vacío."))
    return table


def _plain(cell: Any) -> Any:
    """Text stripped; numbers, dates and empty cells as they are."""
    return cell.strip() if isinstance(cell, str) else cell


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")  # Excel's "CSV" on a Spanish Windows
    except UnicodeDecodeError:
        return content.decode("latin-1")  # the five bytes cp1252 leaves undefined


def _csv_rows(content: bytes) -> Any:
    text = _decode(content)
    if "\x00" in text:
        raise refused(_("El archivo no es un CSV ni un libro .xlsx."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if "\t" in first_line and first_line.count("\t") > first_line.count(delimiter):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Rows as the spreadsheet shows them: one per record, however many lines a quoted cell spans.
        yield from enumerate(reader, start=1)
    except csv.Error:
        raise refused(_("El CSV está mal formado (una comilla sin cerrar o una celda enorme). Guárdelo de "
                        "nuevo desde Excel o LibreOffice.")) from None


def _xlsx_rows(content: bytes) -> Any:
    try:
        check_workbook(content, ".xlsx")
    except FormRefused as refusal:
        raise refused(*refusal.messages) from None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if any(name.lower().endswith("vbaproject.bin") for name in archive.namelist()):
                raise refused(_("El libro trae macros. Guárdelo como «Libro de Excel (.xlsx)» o como CSV."))
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ServiceError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a package that is not a workbook
        raise refused(_("El archivo no se puede leer como libro .xlsx.")) from None
    try:
        sheet = book.worksheets[0]
        # `_limited` stops at the first row past MAX_ROWS; empty rows between come as one shared tuple.
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            yield number, list(cells)
    except ServiceError:
        raise
    except Exception:  # noqa: BLE001 - as above, for a sheet that is not what its directory says
        raise refused(_("El archivo no se puede leer como libro .xlsx.")) from None
    finally:
        book.close()
