"""What every service function raises when a request cannot be carried out, and the two rules every
decision shares: it is bound to the revision the person read, and a busy database is retried."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from fieldwork.extensions import db

T = TypeVar("T")

#: A deadlock between two writers (PostgreSQL) or a lock wait that ran out (SQLite) is retried: every
#: change run through `commit_with_retry` decides again against what is stored, so a rerun is safe.
LOCK_RETRIES = 3


class ServiceError(Exception):
    """A refused action, with Spanish messages per field (`{"field": ["message"]}`).

    Pages show the messages beside the fields; the API answers them as `errors` with `status`.
    """

    def __init__(self, errors: dict[str, list[str]], status: int = 400) -> None:
        super().__init__(errors)
        self.errors = errors
        self.status = status


def stale_revision_error() -> ServiceError:
    """The visit changed after the person read it: they must read it again (409, nothing changes)."""
    return ServiceError({"revision": [_("La visita cambió mientras la leía; revísela de nuevo.")]}, status=409)


def check_read_revision(current: int, read: int | None) -> None:
    """Refuse a decision taken on another revision than the stored one (`read` None: not sent, API only)."""
    if read is not None and read != current:
        raise stale_revision_error()


def commit_with_retry(change: Callable[[], T], what: str = "change", busy_message: str | None = None) -> T:
    """Run `change` and commit; on a lock conflict roll back and run it again, up to LOCK_RETRIES times.

    `change` must read what it needs inside (it runs again on a fresh transaction). After the last try:
    ServiceError 503, nothing stored. A ServiceError from `change` rolls back and propagates.
    """
    for attempt in range(1, LOCK_RETRIES + 1):
        try:
            result = change()
            db.session.commit()
            return result
        except ServiceError:
            db.session.rollback()
            raise
        except OperationalError:
            db.session.rollback()
            current_app.logger.warning("%s: lock conflict, attempt %d", what, attempt, exc_info=True)
    message = busy_message or _("El servidor está ocupado. Nada se guardó; intente de nuevo en un momento.")
    raise ServiceError({"_schema": [message]}, status=503)
