"""Bounds what an uploaded workbook can cost before openpyxl, xlrd or pyxform read it (API.md, forms "Limits").

A .xlsx is a zip of XML parts: 100 KB can inflate to gigabytes, and a small part can ask openpyxl for
millions of objects (styles, or rows padded out to column XFD that pyxform then walks cell by cell).
So the zip's directory is checked first (declared sizes, nothing inflated), then every part is inflated
in chunks and streamed through expat (actual sizes, elements, cells, rows), never held whole. A .xls is
not compressed, so its 5 MB bound bounds xlrd; only its rows and columns are counted, as for a .xlsx.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.parsers import expat

from flask_babel import gettext as _
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.xml.functions import fromstring
from pyxform.constants import SUPPORTED_SHEET_NAMES

from fieldwork.forms.refusals import FormRefused

MAX_BYTES = 5 * 1024 * 1024
MAX_INFLATED = 50 * 1024 * 1024
MAX_PARTS = 1000
#: Elements in all the XML parts: a 2,000-question form with 10,000 choices has some 300,000.
MAX_ELEMENTS = 1_000_000
#: Excel's own limit for one cell; a longer text was not written by a spreadsheet.
MAX_CELL_CHARACTERS = 32_767
#: The .xls format's own width: no XLSForm needs more, and pyxform pads every row to its header's width.
MAX_COLUMNS = 256
#: Cells in the sheets pyxform reads, each parsed by openpyxl and walked by pyxform: a 2,000-question form
#: in three languages with 10,000 choices has about 100,000.
MAX_CELLS = 150_000
MAX_SURVEY_ROWS = 2000
#: Choices and the other sheets pyxform reads; the whole list travels to every phone.
MAX_SHEET_ROWS = 10_000
_CHUNK = 64 * 1024
_CELL = re.compile(r"([A-Za-z]{1,3})[0-9]*$")
#: A cell or a shared string: its text counts whole, however many rich-text runs it is split into.
_VALUES = ("c", "si")
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)


@dataclass
class SheetSize:
    """A worksheet as pyxform will walk it: rows holding a value (the header not counted), widest column, cells."""

    rows: int = 0
    columns: int = 0
    cells: int = 0


def check_workbook(content: bytes, extension: str) -> None:
    """FormRefused, with every reason found, when reading the workbook could cost more than its limits allow."""
    if len(content) > MAX_BYTES:
        raise FormRefused([_("El archivo pasa de 5 MB; un XLSForm pesa mucho menos.")])
    sheets = _xlsx_sheets(content) if extension == ".xlsx" else _xls_sheets(content)
    reasons = []
    for name, size in sheets.items():
        limit = MAX_SURVEY_ROWS if name.lower() == "survey" else MAX_SHEET_ROWS
        if size.rows > limit:
            reasons.append(_("Hoja %(sheet)s: tiene %(count)s filas; el máximo es %(limit)s. Divida el formulario "
                             "en varios.", sheet=name, count=_dotted(size.rows), limit=_dotted(limit)))
        if size.columns > MAX_COLUMNS:
            reasons.append(_("Hoja %(sheet)s: usa %(count)d columnas; un XLSForm no necesita más de 256. Borre las "
                             "columnas que sobran.", sheet=name, count=size.columns))
    cells = sum(size.cells for size in sheets.values())
    if cells > MAX_CELLS:
        reasons.append(_("Las hojas del formulario tienen %(count)s celdas; el máximo es 150.000. Borre las filas "
                         "y columnas que sobran, o divida el formulario.", count=_dotted(cells)))
    if reasons:
        raise FormRefused(reasons)


def _dotted(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _unreadable() -> FormRefused:
    return FormRefused([_("El archivo no se puede leer como hoja de cálculo .xlsx o .xls.")])


def _too_big() -> FormRefused:
    return FormRefused([_("El archivo descomprimido pasa de 50 MB; un XLSForm ocupa mucho menos. Quite las "
                          "hojas, imágenes o datos que no son del formulario.")])


def _xlsx_sheets(content: bytes) -> dict[str, SheetSize]:
    try:
        archive = zipfile.ZipFile(BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _unreadable() from None
    if len(parts) > MAX_PARTS:
        raise FormRefused([_("El archivo tiene más de 1.000 partes internas; un XLSForm tiene unas pocas. "
                             "Guárdelo de nuevo desde Excel, LibreOffice o Google Sheets.")])
    if sum(part.file_size for part in parts) > MAX_INFLATED:
        raise _too_big()  # the declared sizes: refused before anything is inflated
    if any(part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for part in parts):
        raise _unreadable()  # what spreadsheets write; zipfile inflates bzip2 and lzma without a bound per read
    scan = _Scan()
    try:
        for part in parts:
            scan.part(archive, part)
    except FormRefused:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        raise _unreadable() from None  # a CRC that does not match, an encrypted or unknown compression…
    return _by_sheet_name(archive, scan.sizes)


class _Scan:
    """One pass over the parts: inflated bytes and elements for all, rows and columns for worksheets."""

    def __init__(self) -> None:
        self.inflated = self.elements = 0
        self.sizes: dict[str, SheetSize] = {}

    def part(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        parser = _PartParser(self) if _XML_PART.search(info.filename) else None
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                self.inflated += len(chunk)
                if self.inflated > MAX_INFLATED:
                    raise _too_big()  # the actual sizes, should a declared one lie
                if parser is not None:
                    parser.feed(chunk)
        if parser is not None:
            parser.feed(b"", final=True)
            if parser.size.columns:
                self.sizes[info.filename] = parser.size


class _PartParser:
    """expat over one XML part, keeping only counts: no tree, no text kept."""

    def __init__(self, scan: _Scan) -> None:
        self.scan, self.size = scan, SheetSize()
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.StartDoctypeDeclHandler = self.doctype  # entities can expand without bound
        self.row = self.column = self.characters = 0
        self.row_has_value = self.in_value = False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except FormRefused:
            raise  # a handler's own refusal (a ValueError too)
        except (expat.ExpatError, ValueError, LookupError):
            raise _unreadable() from None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.scan.elements += 1
        if self.scan.elements > MAX_ELEMENTS:
            raise FormRefused([_("El libro tiene demasiado contenido para un XLSForm (más de un millón de "
                                 "elementos). Quite las hojas, estilos o datos que no son del formulario.")])
        local = name.rpartition(" ")[2]
        if local in _VALUES:
            self.characters, self.in_value = 0, True
        elif not self.in_value:
            self.characters = 0  # outside a cell or shared string, each element's text counts apart
        if local == "row":
            self.row = int(attributes["r"]) if attributes.get("r", "").isdigit() else self.row + 1
            self.column, self.row_has_value = 0, False
        elif local == "c":
            cell = _CELL.match(attributes.get("r", ""))
            self.column = _column_number(cell.group(1).upper()) if cell else self.column + 1
            self.size.columns = max(self.size.columns, self.column)
            self.size.cells += 1
        elif local in ("v", "is"):
            self.row_has_value = True

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local in _VALUES:
            self.in_value = False
        elif local == "row" and self.row_has_value and self.row > 1:
            self.size.rows += 1

    def text(self, data: str) -> None:
        self.characters += len(data)  # expat hands a long text over in pieces: only its length is kept
        if self.characters > MAX_CELL_CHARACTERS:
            raise FormRefused([_("Una celda pasa de 32.767 caracteres, el máximo de Excel; una etiqueta admite "
                                 "hasta 2.000.")])

    def doctype(self, *_args: Any) -> None:
        raise FormRefused([_("El archivo trae una declaración DOCTYPE, que un libro de Excel no lleva. Guárdelo "
                             "de nuevo desde Excel, LibreOffice o Google Sheets.")])


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _by_sheet_name(archive: zipfile.ZipFile, sizes: dict[str, SheetSize]) -> dict[str, SheetSize]:
    """The sizes of the sheets pyxform reads, by sheet name, found the way openpyxl will find them."""
    try:
        package = Manifest.from_tree(fromstring(archive.read("[Content_Types].xml")))
        workbook = WorkbookParser(archive, _find_workbook_part(package).PartName[1:], keep_links=False)
        workbook.parse()
        sheets = [(sheet.name, rel.target) for sheet, rel in workbook.find_sheets()]
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a package that is not a workbook
        raise _unreadable() from None
    read = [(name, target) for name, target in sheets
            if name.lower() in SUPPORTED_SHEET_NAMES or len(sheets) == 1]
    return {name: sizes.get(target, SheetSize()) for name, target in read}


def _xls_sheets(content: bytes) -> dict[str, SheetSize]:
    import xlrd  # pyxform's own reader for .xls; imported here as only .xls uploads need it

    try:
        book = xlrd.open_workbook(file_contents=content, ragged_rows=True, on_demand=True)
    except Exception:  # noqa: BLE001 - xlrd raises many types for a file that is not a workbook
        raise _unreadable() from None
    names = book.sheet_names()
    sizes = {}
    try:
        for name in names:
            if name.lower() not in SUPPORTED_SHEET_NAMES and len(names) > 1:
                continue
            sheet = book.sheet_by_name(name)
            lengths = [sheet.row_len(row) for row in range(1, sheet.nrows)]
            header = sheet.row_len(0) if sheet.nrows else 0
            sizes[name] = SheetSize(rows=sum(1 for length in lengths if length), columns=max([header, *lengths]),
                                    cells=header + sum(lengths))
            book.unload_sheet(name)
    except Exception:  # noqa: BLE001 - as above, for a sheet that is not what its directory says
        raise _unreadable() from None
    finally:
        book.release_resources()
    return sizes
