"""A Mipyme's assignment and active history: written by the registry service, read by sync and the page.

Sync judges each visit at its `visited_at` (API.md): the officer who made a visit before a reassignment
may still send it, the one who takes over may not send visits dated before they took over, and a
Mipyme deactivated after a visit still accepts that visit.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from fieldwork.extensions import db
from fieldwork.models import Mipyme, MipymeHistory, User

_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Standing:
    """Who had the Mipyme and whether it was active, from `since` on (None: since its enrolment)."""

    officer_id: int | None
    active: bool
    since: datetime | None = None


def record_enrolment(mipyme: Mipyme, actor: User | None) -> None:
    """The first state of a newly registered Mipyme; it counts from `enrolled_on`."""
    db.session.add(MipymeHistory(mipyme_id=mipyme.id, effective_at=None, officer_id=mipyme.officer_id,
                                 active=mipyme.active, actor_id=actor.id if actor else None))


def record_change(mipyme: Mipyme, before: Standing, actor: User | None, now: datetime) -> None:
    """Keep the Mipyme's new officer or active state, in effect from `now`.

    A Mipyme written straight to the table (demo, bench, an older import) has no history yet: its
    state before this change is then recorded first as its state since enrolment.
    """
    has_history = db.session.scalar(select(MipymeHistory.id).where(MipymeHistory.mipyme_id == mipyme.id).limit(1))
    if has_history is None:
        db.session.add(MipymeHistory(mipyme_id=mipyme.id, effective_at=None, officer_id=before.officer_id,
                                     active=before.active, actor_id=None))
    db.session.add(MipymeHistory(mipyme_id=mipyme.id, effective_at=now, officer_id=mipyme.officer_id,
                                 active=mipyme.active, actor_id=actor.id if actor else None))


def standings(mipyme_ids: Iterable[int]) -> dict[int, list[Standing]]:
    """Every Mipyme's history, oldest first, in one query (sync loads a whole batch's at once)."""
    rows = db.session.execute(
        select(MipymeHistory.mipyme_id, MipymeHistory.officer_id, MipymeHistory.active, MipymeHistory.effective_at,
               MipymeHistory.id)
        .where(MipymeHistory.mipyme_id.in_(set(mipyme_ids)))
    ).all()
    by_mipyme: dict[int, list[tuple[Standing, int]]] = defaultdict(list)
    for mipyme_id, officer_id, active, since, row_id in rows:
        by_mipyme[mipyme_id].append((Standing(officer_id, active, since), row_id))
    # Sorted here rather than in SQL: SQLite and PostgreSQL put NULLs (the enrolment row) at opposite ends.
    return {key: [standing for standing, _ in sorted(items, key=lambda item: _order(item[0].since, item[1]))]
            for key, items in by_mipyme.items()}


def _order(since: datetime | None, row_id: int) -> tuple[datetime, int]:
    """Oldest first, the enrolment row (no `effective_at`) before all; ties in the order written."""
    return (since or _EARLIEST, row_id)


def assignment_error(officer: User, mipyme: Mipyme, history: list[Standing], visited_at: datetime,
                     zone: ZoneInfo) -> str | None:
    """Why `officer` may not record a visit made at `visited_at` (Spanish), or None: judged at that moment."""
    standing = standing_at(mipyme, history, visited_at)
    if not standing.active:
        return _("La Mipyme estaba inactiva en la fecha de la visita; no se pueden registrar visitas.")
    if standing.officer_id == officer.id:
        return None
    taken_over = next((s.since for s in history if s.since is not None and s.since > visited_at
                       and s.officer_id == officer.id), None)
    if taken_over is not None:  # the officer took over later: tell them from when
        return _("Usted recibió esta Mipyme el %(day)s; no puede registrar visitas anteriores.",
                 day=taken_over.astimezone(zone).date().isoformat())
    return _("Esta Mipyme no estaba asignada a usted en la fecha de la visita.")


def standing_at(mipyme: Mipyme, history: list[Standing], moment: datetime) -> Standing:
    """The Mipyme's state at `moment`: the latest change at or before it, else its state since enrolment.

    A Mipyme without history (written straight to the table) has had its current state all along.
    """
    if not history:
        return Standing(mipyme.officer_id, mipyme.active)
    current = history[0]
    for standing in history[1:]:
        if standing.since is not None and standing.since <= moment:
            current = standing
    return current


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the supervisor's "who was assigned when" list."""

    since: datetime | None
    enrolled_on: date
    officer_name: str | None
    active: bool
    officer_changed: bool
    active_changed: bool
    actor_name: str | None


def history_entries(mipyme: Mipyme) -> list[HistoryEntry]:
    """The Mipyme's history for its page, oldest first, with the officers' and authors' names (one query)."""
    officer, actor = aliased(User), aliased(User)
    rows = db.session.execute(
        select(MipymeHistory, officer.name, actor.name)
        .outerjoin(officer, officer.id == MipymeHistory.officer_id)
        .outerjoin(actor, actor.id == MipymeHistory.actor_id)
        .where(MipymeHistory.mipyme_id == mipyme.id)
    ).all()
    rows.sort(key=lambda row: _order(row[0].effective_at, row[0].id))
    if not rows:
        name = db.session.scalar(select(User.name).where(User.id == mipyme.officer_id)) if mipyme.officer_id else None
        return [HistoryEntry(None, mipyme.enrolled_on, name, mipyme.active, True, False, None)]
    entries, previous = [], None
    for row, officer_name, actor_name in rows:
        entries.append(HistoryEntry(
            since=row.effective_at, enrolled_on=mipyme.enrolled_on, officer_name=officer_name, active=row.active,
            officer_changed=previous is None or previous.officer_id != row.officer_id,
            active_changed=previous is not None and previous.active != row.active, actor_name=actor_name))
        previous = row
    return entries
