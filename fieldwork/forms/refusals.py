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


class Refusals:
    """Reasons in the order the author reads the workbook: by sheet, then by row (whatever pass found them)."""

    def __init__(self) -> None:
        self._found: list[tuple[tuple[int, int], str]] = []

    @property
    def messages(self) -> list[str]:
        return [message for _where, message in sorted(self._found, key=lambda found: found[0])]

    def fail(self, message: str, sheet: str = "", row: int | None = None) -> None:
        if len(self._found) < MAX_REASONS:
            self._found.append(((SHEET_ORDER.get(sheet, 0), row or 0), message))

    def at(self, sheet: str, row: int | None, column: str | None = None) -> _Place:
        return _Place(self, sheet, row, column)

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
