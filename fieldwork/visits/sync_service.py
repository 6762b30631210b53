"""One way in for a batch of visits, for the phones' API and the no-JavaScript form alike: sync (with
the device that sent it), commit, and retry on a busy database (503 after the last try)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from fieldwork.clock import utcnow
from fieldwork.models import User
from fieldwork.services import commit_with_retry
from fieldwork.visits.sync import SyncResult, sync_batch


def sync_and_commit(officer: User, raw_visits: list[Any], via: str, device: str | None = None) -> list[SyncResult]:
    """`sync_batch` committed; the whole batch is idempotent, so a retry after a lock conflict is safe."""

    def change() -> list[SyncResult]:
        return sync_batch(officer, raw_visits, utcnow(), via=via, device=device)

    return commit_with_retry(change, "sync", busy_message=_(
        "El servidor está ocupado. Sus visitas siguen en el teléfono; se enviarán de nuevo en un momento."))
