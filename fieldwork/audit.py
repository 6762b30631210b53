"""Writing to the audit log, from any service function."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, User


def entry_values(
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: object,
    via: str = "web",
    **details: Any,
) -> dict[str, Any]:
    """An audit entry's columns (for `record_all`)."""
    return {
        "actor_id": actor.id if actor is not None else None,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "via": via,
        "details": json.dumps(details, ensure_ascii=False, default=str, sort_keys=True) if details else None,
    }


def record_all(entries: list[dict[str, Any]]) -> None:
    """Add many entries (`entry_values`) with one INSERT: a sync batch's hundred entries cost one
    statement instead of a hundred ORM objects to build and flush."""
    if entries:
        db.session.execute(insert(AuditEntry), entries)


def record(
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: object,
    via: str = "web",
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the current transaction (committed with the change it describes)."""
    entry = AuditEntry(**entry_values(actor, action, entity_type, entity_id, via, **details))
    db.session.add(entry)
    return entry
