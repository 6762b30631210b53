"""Importing Mipymes from a spreadsheet: one service for the registry page and `POST /api/v1/mipymes/import`.

Each row goes through the registry's own `create_mipyme` / `update_mipyme`, so an imported Mipyme is
checked exactly as one typed on the page. All rows run inside one savepoint: every row's errors are
collected, and the savepoint is rolled back when any row is wrong or for a dry run, so nothing is
stored unless everything can be. The NIT is the key: a row whose NIT is registered updates that Mipyme,
which makes a second import of the same file change nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from fieldwork.database import lock_for_writing
from fieldwork.extensions import db
from fieldwork.models import SECTORS, Mipyme, User
from fieldwork.registry import services
from fieldwork.registry.import_files import read_table, refused
from fieldwork.registry.nit import normalise_nit
from fieldwork.services import ServiceError
from fieldwork.text.labels import SECTOR_LABELS
from fieldwork.text.search import fold

#: The columns an import reads, in the order of the template, with the name a person reads.
COLUMNS = {
    "name": _l("Nombre"), "nit": _l("NIT"), "ciiu": _l("CIIU"), "sector": _l("Sector"),
    "owner_name": _l("Propietario"), "phone": _l("Teléfono"), "address": _l("Dirección"),
    "neighborhood": _l("Barrio"), "officer": _l("Funcionario"), "enrolled_on": _l("Fecha de ingreso"),
}
#: The downloadable template's header: Spanish whatever the page's language, as the spreadsheets are.
TEMPLATE_HEADER = ("Nombre", "NIT", "CIIU", "Sector", "Propietario", "Teléfono", "Dirección", "Barrio", "Funcionario",
                   "Fecha de ingreso")
#: Headers as the Cámara de Comercio's or a call's spreadsheets write them, folded (no case, accents or
#: punctuation). The English field names of API.md are read too.
_SYNONYMS = {
    "name": ("nombre", "nombre de la mipyme", "mipyme", "razon social", "nombre del negocio", "nombre comercial",
             "negocio", "empresa"),
    "nit": ("nit", "numero de nit", "nit con digito de verificacion", "nit con dv"),
    "ciiu": ("ciiu", "codigo ciiu", "clase ciiu", "actividad ciiu", "actividad economica", "codigo de actividad"),
    "sector": ("sector",),
    "owner_name": ("propietario", "propietaria", "nombre del propietario", "propietario a", "representante legal",
                   "empresario", "owner", "owner name"),
    "phone": ("telefono", "celular", "telefono celular", "movil", "whatsapp"),
    "address": ("direccion", "direccion del negocio"),
    "neighborhood": ("barrio", "comuna", "barrio comuna", "barrio o comuna", "barrio vereda", "corregimiento",
                     "neighbourhood"),
    "officer": ("funcionario", "funcionario asignado", "usuario del funcionario", "gestor", "asesor",
                "equipo de campo"),
    "enrolled_on": ("fecha de ingreso", "fecha de ingreso al programa", "ingreso", "fecha de inscripcion",
                    "enrolled on"),
}
_HEADERS = {alias: key for key, aliases in _SYNONYMS.items() for alias in (*aliases, key.replace("_", " "))}
#: A service's field (its error key) → the import's column.
_FIELD_COLUMN = {"officer_id": "officer"}
#: Texts stored as written, bounded by their columns; the others (NIT, CIIU, sector, officer) are read
#: into a code by the service or here, and only need a bound on what is read.
_STORED_LENGTHS = {key: Mipyme.__table__.columns[key].type.length
                   for key in ("name", "owner_name", "phone", "address", "neighborhood")}
_READ_LENGTH = 200
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$|(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class RowPreview:
    """What one row does: `created`, `updated` (with the fields that change) or `unchanged`."""

    row: int
    action: str
    nit: str
    name: str
    changes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: dict[int, list[str]] = field(default_factory=dict)
    rows: list[RowPreview] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stored: bool = False


def folded_header(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def import_mipymes(content: bytes, filename: str, actor: User, dry_run: bool, via: str = "web") -> ImportResult:
    """Create or update the file's Mipymes by NIT; nothing stored on any error or for a dry run.

    A file that cannot be read at all raises ServiceError under `file`; wrong rows are in `errors`."""
    table = read_table(content, filename)
    columns, warnings = _columns(table.header)
    result = ImportResult(warnings=warnings)
    parsed = [(number, {key: cells[i] if i < len(cells) else None for i, key in columns.items()})
              for number, cells in table.rows]
    nits = {number: normalise_nit(str(_text(values["nit"]))) if values.get("nit") else None
            for number, values in parsed}
    lock_for_writing()  # before the lookups: what is read here is what the rows write over
    existing = {m.nit: m for m in db.session.scalars(select(Mipyme).where(Mipyme.nit.in_(
        {nit for nit in nits.values() if nit})))}
    usernames = {str(_text(values["officer"])).lower() for _n, values in parsed if values.get("officer")}
    officers = db.session.scalars(select(User).where(or_(  # the file's and those the updates replace
        User.username.in_(usernames), User.id.in_({m.officer_id for m in existing.values() if m.officer_id}))))
    by_username = {user.username: user for user in officers}
    names = {user.id: user.username for user in by_username.values()}
    seen: dict[str, int] = {}
    savepoint = db.session.begin_nested()
    try:
        for number, values in parsed:
            errors: list[str] = []
            data = _service_data(values, by_username, errors)
            nit = nits[number]
            if nit in seen:
                errors.append(_("NIT: el NIT %(nit)s ya está en la fila %(row)d.", nit=nit, row=seen[nit]))
            elif nit:
                seen[nit] = number
            elif "nit" not in data:
                errors.append(_("NIT: falta. La importación reconoce cada Mipyme por su NIT; una Mipyme sin NIT "
                                "se registra en «Registrar Mipyme»."))
            if not errors:
                try:
                    preview = _apply_row(number, data, existing.get(nit), actor, via=via, names=names)
                except ServiceError as error:
                    errors.extend(_labelled(error.errors))
                else:
                    setattr(result, preview.action, getattr(result, preview.action) + 1)
                    result.rows.append(preview)
            if errors:
                result.errors[number] = errors
    except BaseException:
        savepoint.rollback()
        raise
    if result.errors or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
        result.stored = True
    return result


def _columns(header: list[str]) -> tuple[dict[int, str], list[str]]:
    """The column index of each field the header names; unknown headers as warnings."""
    columns: dict[int, str] = {}
    warnings = []
    for index, title in enumerate(header):
        key = _HEADERS.get(folded_header(title))
        if key is None:
            if title:
                warnings.append(_("Columna «%(title)s» ignorada: no es un dato del registro.", title=title[:80]))
        elif key in columns.values():
            raise refused(_("Dos columnas dicen «%(column)s»; deje solo una.", column=COLUMNS[key]))
        else:
            columns[index] = key
    if "nit" not in columns.values():
        raise refused(_("Falta la columna «NIT»: la importación reconoce cada Mipyme por su NIT. Columnas que se "
                        "leen: %(names)s.", names=", ".join(str(label) for label in COLUMNS.values())))
    return columns, warnings


def _text(value: Any) -> Any:
    """A cell as text: a number Excel stored (a NIT, a phone) without its `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


def _service_data(values: dict[str, Any], officers: dict[str, User], errors: list[str]) -> dict[str, Any]:
    """The registry service's fields of one row; an empty cell is not given (it erases nothing)."""
    data: dict[str, Any] = {}
    for key, raw in values.items():
        value = _text(raw)
        if value is None or value == "":
            continue
        label = COLUMNS[key]
        if key == "enrolled_on":
            day = _day(value)
            if day is None:
                errors.append(_("%(column)s: «%(value)s» no es una fecha; use AAAA-MM-DD o DD/MM/AAAA.",
                                column=label, value=str(value)[:40]))
            else:
                data[key] = day
            continue
        value = str(value)
        limit = _STORED_LENGTHS.get(key, _READ_LENGTH)
        if len(value) > limit:
            errors.append(_("%(column)s: admite hasta %(limit)d caracteres.", column=label, limit=limit))
        elif key == "officer":
            officer = officers.get(value.lower())
            if officer is None:
                errors.append(_("%(column)s: no hay un usuario «%(value)s».", column=label, value=value))
            else:
                data["officer_id"] = officer.id
        elif key == "sector":
            data[key] = _sector(value)
        else:
            data[key] = value
    return data


def _sector(value: str) -> str:
    """A sector's code from its code or its Spanish label ("Artesanías" → artesanias)."""
    folded = folded_header(value)
    for code in SECTORS:
        if folded in (code, folded_header(str(SECTOR_LABELS.get(code, code)))):
            return code
    return value  # the service refuses it with its own message


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DAY.match(str(value).strip())
    if match is None:
        return None
    year, month, day = (match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _apply_row(number: int, data: dict[str, Any], mipyme: Mipyme | None, actor: User, *, via: str,
               names: dict[int, str]) -> RowPreview:
    """Create or update through the registry service (which raises ServiceError for a wrong row)."""
    before = dict.fromkeys(data) if mipyme is None else {key: getattr(mipyme, key) for key in data}
    if mipyme is None:
        action, mipyme = "created", services.create_mipyme(data, actor, via=via)
    else:
        services.update_mipyme(mipyme, data, actor, via=via)
        action = ""
    changes = {_FIELD_COLUMN.get(key, key): (_shown(key, before[key], names), _shown(key, getattr(mipyme, key), names))
               for key in data if before[key] != getattr(mipyme, key)}
    return RowPreview(number, action or ("updated" if changes else "unchanged"), mipyme.nit or "", mipyme.name,
                      changes)


def _labelled(errors: dict[str, list[str]]) -> list[str]:
    """The service's messages per field, each after the name of the column it comes from."""
    messages = []
    for key, texts in errors.items():
        column = COLUMNS.get(_FIELD_COLUMN.get(key, key))
        messages.extend(f"{column}: {text}" if column else str(text) for text in texts)
    return messages


def _shown(key: str, value: Any, officer_names: dict[int, str]) -> str | None:
    """A value as the preview shows it: a day as AAAA-MM-DD, an officer by username."""
    if value is None or value == "":
        return None
    if key == "officer_id":
        return officer_names.get(value, str(value))
    return value.isoformat() if isinstance(value, date) else str(value)
