"""Collects the reasons an uploaded XLSForm is refused, each naming its sheet and row."""
from __future__ import annotations

from flask_babel import gettext as _

#: Past this many reasons the list stops helping; the author fixes these and uploads again.
MAX_REASONS = 30


class FormRefused(ValueError):
    """The upload is refused; `messages` are Spanish and name the sheet and the row."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


SHEET_ORDER = {"survey": 1, "choices": 2, "settings": 3}
#: Media files (CSV) come after the workbook's sheets.
FILE_ORDER = 9


class Refusals:
    """Reasons in the order the author reads the workbook: by sheet, then by row (whatever pass found them)."""

    def __init__(self) -> None:
        self._found: list[tuple[tuple[int, int], str]] = []

    @property
    def messages(self) -> list[str]:
        return [message for _where, message in sorted(self._found, key=lambda found: found[0])]

    def fail(self, message: str, sheet: str = "", row: int | None = None, order: int | None = None) -> None:
        if len(self._found) < MAX_REASONS:
            self._found.append(((SHEET_ORDER.get(sheet, 0) if order is None else order, row or 0), message))

    def at(self, sheet: str, row: int | None, column: str | None = None) -> _Place:
        return _Place(self, sheet, row, column)

    def in_file(self, filename: str, row: int | None = None) -> _FilePlace:
        """A media file uploaded with the form (a CSV), named as the author named it."""
        return _FilePlace(self, filename, row)

    def raise_if_any(self) -> None:
        if self._found:
            raise FormRefused(self.messages)


class _Place:
    def __init__(self, refusals: Refusals, sheet: str, row: int | None, column: str | None):
        self.refusals, self.sheet, self.row, self.column = refusals, sheet, row, column

    def fail(self, reason: str) -> None:
        if self.row is None:
            place = _("Hoja %(sheet)s", sheet=self.sheet)
        elif self.column:
            place = _("Hoja %(sheet)s, fila %(row)d, columna %(column)s",
                      sheet=self.sheet, row=self.row, column=self.column)
        else:
            place = _("Hoja %(sheet)s, fila %(row)d", sheet=self.sheet, row=self.row)
        self.refusals.fail(f"{place}: {reason}", self.sheet, self.row)


class _FilePlace:
    def __init__(self, refusals: Refusals, filename: str, row: int | None):
        self.refusals, self.filename, self.row = refusals, filename, row

    def fail(self, reason: str) -> None:
        place = (_("Archivo %(file)s", file=self.filename) if self.row is None
                 else _("Archivo %(file)s, fila %(row)d", file=self.filename, row=self.row))
        self.refusals.fail(f"{place}: {reason}", row=self.row, order=FILE_ORDER)


class Warnings:
    """What the upload ignored (settings, columns) or accepted though it will not do what it seems to, each said
    once, in the order found (API.md: `warnings`)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def ignored(self, sheet: str, column: str, reason: str | None = None) -> None:
        message = (_("Hoja %(sheet)s, columna %(column)s: %(reason)s; se ignoró.", sheet=sheet, column=column,
                     reason=reason) if reason else
                   _("Hoja %(sheet)s, columna %(column)s: Fieldwork no usa esta columna; se ignoró.",
                     sheet=sheet, column=column))
        self._say(message)

    def at_row(self, sheet: str, row: int, column: str, reason: str) -> None:
        """Something of a row that is accepted but worth the author's eye."""
        self._say(_("Hoja %(sheet)s, fila %(row)d, columna %(column)s: %(reason)s", sheet=sheet, row=row,
                    column=column, reason=reason))

    def _say(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)
