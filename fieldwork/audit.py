"""Writing to the audit log, from any service function."""
from __future__ import annotations

import json
from typing import Any

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, User


def record(
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: object,
    via: str = "web",
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the current transaction (committed with the change it describes)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        via=via,
        details=json.dumps(details, ensure_ascii=False, default=str, sort_keys=True) if details else None,
    )
    db.session.add(entry)
    return entry
