"""A streaming XLSX writer: the workbook's parts written by hand into a zip that is sent as it grows.

openpyxl (and XlsxWriter) can only save a finished workbook, so the first byte of a 250,000-row
export left after minutes. Here the small parts go first, then the sheet is compressed row by row
into stdlib `zipfile` writing to a sink that cannot seek: zipfile then puts each entry's CRC and
sizes in a data descriptor after its data instead of seeking back, and the generator hands out
what the sink holds after every chunk of rows. Memory is one chunk of rows plus zlib's window,
whatever the number of rows.

Cells are inline strings (no shared-string table to keep in memory), numbers, and dates as serial
numbers with a date style, as Excel stores them. Only what the exports need: a bold, frozen header
row, column widths, and one style each for dates and datetimes.
"""
from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

#: What XML 1.0 cannot hold (most C0 controls, lone surrogates, U+FFFE/FFFF): a document with one is
#: not well-formed and Excel refuses the whole file.
ILLEGAL_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Rows compressed between two chunks sent: about 1 MB of XML for the visit log's ~35 columns.
ROWS_PER_CHUNK = 1000
MAX_SHEET_NAME = 31  # Excel's limit
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # Excel refuses these in sheet names
# Excel's day 0 is 1899-12-30 for every date after 1 March 1900 (it counts a 29 February 1900 that
# never was); earlier dates would be a day off, and before 1900 Excel has no dates at all: those go as text.
_EPOCH = datetime(1899, 12, 30)
_FIRST_SERIAL_DATE = date(1900, 3, 1)
# cellXfs indexes in STYLES.
_BOLD, _DATE, _DATETIME = 1, 2, 3

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

STYLES = _XML_HEAD + (
    f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    # Excel expects these two fills first, whether or not a cell uses them.
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_FROZEN_HEADER = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                  'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>')


@dataclass
class Sheet:
    """One worksheet: a bold header row frozen at the top, then `rows`, read only while the file is sent."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] = ()


class _Sink:
    """A write-only file with no tell() or seek(): zipfile streams into it and we take the bytes out."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def workbook_chunks(sheets: Sequence[Sheet]) -> Iterator[bytes]:
    """The bytes of an .xlsx holding `sheets`, in chunks, each sent before the next rows are read."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, text in _package_parts(unique_sheet_names([sheet.name for sheet in sheets])):
            package.writestr(name, text)
        for number, sheet in enumerate(sheets, start=1):
            # No force_zip64, on purpose: streamed, zipfile would mark the entry Zip64 in its local header
            # (sizes 0xFFFFFFFF, zeros in the extra field), a layout Excel is reported to "repair" and
            # LibreOffice to refuse. Plain 32-bit entries with data descriptors are what Excel has always
            # opened. The price: zipfile refuses a sheet past 2 GiB of XML (ZIP64_LIMIT) when it closes it,
            # at 1-2 kB a row some 1-2 million visits, about the 1,048,576 rows an Excel sheet holds at all.
            with package.open(f"xl/worksheets/sheet{number}.xml", "w") as entry:
                entry.write(_sheet_head(sheet).encode())
                yield sink.drain()  # the first bytes leave before the first row is read
                for rows in _chunks(sheet.rows, start=2):
                    entry.write(rows.encode())
                    if data := sink.drain():  # zlib may hold a chunk back until its block fills
                        yield data
                entry.write(b"</sheetData></worksheet>")
    yield sink.drain()


def sheet_name(name: str) -> str:
    """`name` as Excel accepts it: no []:*?/\\, at most 31 characters, not empty."""
    return _SHEET_NAME_FORBIDDEN.sub("", name)[:MAX_SHEET_NAME].strip("'") or "Hoja"


def unique_sheet_names(names: Sequence[str]) -> list[str]:
    """Each name as Excel accepts it (`sheet_name`), unique as Excel compares them (ignoring case): a
    name already taken gets " (2)", " (3)", … within the 31 characters. "History" is Excel's own (its
    change-tracking sheet): a sheet of that name is refused, so it counts as taken."""
    taken: set[str] = {"history"}
    out = []
    for name in names:
        base = candidate = sheet_name(name)
        number = 1
        while candidate.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = base[:MAX_SHEET_NAME - len(suffix)] + suffix
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def _package_parts(names: list[str]) -> list[tuple[str, str]]:
    count = len(names)
    sheet_overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
                              for n in range(1, count + 1))
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheet_overrides}</Types>")
    root_rels = (f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                 f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    sheets = "".join(f'<sheet name="{_escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
                     for n, name in enumerate(names, start=1))
    workbook = (f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
                f"<sheets>{sheets}</sheets></workbook>")
    sheet_rels = "".join(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                         for n in range(1, count + 1))
    workbook_rels = (f'<Relationships xmlns="{_PKG_REL}">{sheet_rels}'
                     f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
    return [("[Content_Types].xml", _XML_HEAD + content_types), ("_rels/.rels", _XML_HEAD + root_rels),
            ("xl/workbook.xml", _XML_HEAD + workbook), ("xl/_rels/workbook.xml.rels", _XML_HEAD + workbook_rels),
            ("xl/styles.xml", STYLES)]


def _sheet_head(sheet: Sheet) -> str:
    """Everything before the data rows, the header row included (elements in the schema's order)."""
    cols = "".join(f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
                   for n, width in enumerate(sheet.widths, start=1))
    header = "".join(f'<c r="{column_letter(n)}1" s="{_BOLD}" t="inlineStr"><is><t xml:space="preserve">'
                     f"{_escape(str(title))}</t></is></c>" for n, title in enumerate(sheet.header, start=1))
    return (f'{_XML_HEAD}<worksheet xmlns="{_MAIN}">{_FROZEN_HEADER}<sheetFormatPr defaultRowHeight="15"/>'
            f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData><row r="1">{header}</row>')


def _chunks(rows: Iterable[Sequence[Any]], start: int) -> Iterator[str]:
    """The rows' XML, ROWS_PER_CHUNK rows to a string, numbered from `start`."""
    letters: list[str] = []
    parts: list[str] = []
    for number, values in enumerate(rows, start=start):
        while len(letters) < len(values):
            letters.append(column_letter(len(letters) + 1))
        cells = "".join(_cell(f"{letter}{number}", value) for letter, value in zip(letters, values, strict=False)
                        if value is not None and value != "")
        parts.append(f'<row r="{number}">{cells}</row>')
        if len(parts) == ROWS_PER_CHUNK:
            yield "".join(parts)
            parts.clear()
    if parts:
        yield "".join(parts)


def _cell(ref: str, value: Any) -> str:
    """One <c> element: a number, a boolean, a date with its style, or an inline string."""
    if isinstance(value, bool):  # before int, which bool is
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)) or (
            isinstance(value, Decimal) and value.is_finite()):
        return f'<c r="{ref}"><v>{value}</v></c>'  # str() of a float round-trips, as Excel's doubles need
    if isinstance(value, datetime):
        if value.date() >= _FIRST_SERIAL_DATE:
            delta = value.replace(tzinfo=None) - _EPOCH  # wall time: Excel has no time zones
            serial = delta.days + (delta.seconds + delta.microseconds / 1_000_000) / 86_400
            return f'<c r="{ref}" s="{_DATETIME}"><v>{serial!r}</v></c>'
        value = value.isoformat(sep=" ")
    elif isinstance(value, date):
        if value >= _FIRST_SERIAL_DATE:
            return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EPOCH.date()).days}</v></c>'
        value = value.isoformat()
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_escape(str(value))}</t></is></c>'


def _escape(text: str) -> str:
    """Text as XML element or attribute content; \\r as a reference, else a parser would make it \\n."""
    text = ILLEGAL_XML.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\r", "&#13;"))


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA: the column part of a cell reference."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
