"""CIIU Rev. 4 A.C. (DANE): a business's main activity, its section and macro-sector, read from the data
files under `data/` (where they come from: data/README.md).

A package of its own that imports nothing of the app but text folding, so that the registry (which
validates a Mipyme's class) and the results (which band a Mipyme's size by its macro-sector) read the one
mapping without importing each other.

The files are read once, at import: they are small (502 classes) and change only with a new revision.
`DIVISION_SECTION` and `SECTION_MACRO_SECTOR` are public so that SQL can be written from them (a CASE
over `mipymes.ciiu`) without a second copy of the mapping.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from fieldwork.text.search import fold

DATA = Path(__file__).parent / "data"
MACRO_SECTORS = ("manufactura", "comercio", "servicios")


@dataclass(frozen=True)
class CiiuClass:
    """One class of the classification: 4 digits, the DANE's Spanish title, its division and section."""

    code: str
    title: str
    division: str
    section: str


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


#: Division (2 digits) → section letter.
DIVISION_SECTION: dict[str, str] = {r["division"]: r["section"] for r in _rows("ciiu_divisions.csv")}
#: Section letter → its Spanish title.
SECTION_TITLES: dict[str, str] = {r["section"]: r["title"] for r in _rows("ciiu_sections.csv")}
#: Section letter → `manufactura`, `comercio` or `servicios` (the one home of this mapping).
SECTION_MACRO_SECTOR: dict[str, str] = {r["section"]: r["macro_sector"] for r in _rows("macro_sectors.csv")}
#: Class code → the class, in code order.
CLASSES: dict[str, CiiuClass] = {
    r["code"]: CiiuClass(r["code"], r["title"], r["division"], r["section"]) for r in _rows("ciiu_classes.csv")
}
#: Macro-sector → its class codes, sorted (a filter on `mipymes.ciiu` is `ciiu IN (...)`).
CODES_BY_MACRO_SECTOR: dict[str, list[str]] = {
    macro: [c.code for c in CLASSES.values() if SECTION_MACRO_SECTOR[c.section] == macro] for macro in MACRO_SECTORS
}
_FOLDED = [(c, fold(f"{c.code} {c.title}")) for c in CLASSES.values()]


#: How spreadsheets and the Cámara de Comercio write a class: "1081", "C1081", "1081 - Elaboración de…",
#: or "111" where Excel dropped the leading zero of 0111.
_WRITTEN = re.compile(r"\s*([A-Za-z]?)\s*(\d{3,4})(?:\s*[-–—:.*]+\s*|\s+|$)")


def lookup(code: str | None) -> CiiuClass | None:
    """The class `code` names, or None when it names no class of CIIU Rev. 4 A.C. (a section letter
    written before the digits must be the class's own)."""
    written = _WRITTEN.match(code or "")
    if written is None:
        return None
    letter, digits = written.groups()
    found = CLASSES.get(digits.zfill(4))
    if found is None or (letter and letter.upper() != found.section):
        return None
    return found


def section_of(code: str | None) -> str | None:
    """The section letter of a class (e.g. "1081" → "C"), or None for an unknown code."""
    found = lookup(code)
    return found.section if found else None


def macro_sector_of(code: str | None) -> str | None:
    """`manufactura`, `comercio` or `servicios` for a class, or None for an unknown code."""
    section = section_of(code)
    return SECTION_MACRO_SECTOR[section] if section else None


def search(text: str | None, limit: int | None = 20) -> list[CiiuClass]:
    """Classes whose code or title holds every word of `text`, ignoring case and accents; codes that
    start with the text come first ("47" lists the retail classes, "panaderia" finds 1081). At most
    `limit` of them (None: all)."""
    words = fold(text).split()
    if not words:
        return []
    hits = [c for c, folded in _FOLDED if all(w in folded for w in words)]
    hits.sort(key=lambda c: (not c.code.startswith(words[0]), c.code))
    return hits[:limit]


def macro_sector_of_division(division: str) -> str | None:
    """The macro-sector of every class of a division (its first two digits), or None for no division."""
    section = DIVISION_SECTION.get(division)
    return SECTION_MACRO_SECTOR[section] if section else None
