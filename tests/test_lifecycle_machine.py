"""Issue 16 item 3: a visit's life cycle tested as one. Hypothesis runs sequences of what every role does
to one visit (the officer's sync creates and edits it and adds photos, supervisors approve, return and
resolve disputes either way, the owner confirms or disputes with their account or through a link, each
decision on the revision read or on a stale one) and after every step compares the database with the
table of fieldwork/visits/lifecycle.py's docstring, written here again as plainly as possible:

- an approved visit takes no edit and no photo until its owner's dispute reopens it;
- a decision on a stale revision changes nothing (409);
- every transition leaves exactly one audit entry, a refused one none (nor a repeated answer);
- what the pages ask (may it be edited, answered through a link, reviewed) agrees with the table.

`FIELDWORK_LIFECYCLE_EXAMPLES` raises the number of sequences (default 20, about 20 s).
"""
from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from PIL import Image
from sqlalchemy import func, select, text

from fieldwork.clock import utcnow
from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Visit
from fieldwork.owners.confirmation import confirm_visit
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.supervision.review import review_visit
from fieldwork.supervision.services import resolve_dispute
from fieldwork.visits import lifecycle
from fieldwork.visits.photos import store_photo
from fieldwork.visits.sync import sync_batch
from tests.builders import make_mipyme, make_user

EXAMPLES = int(os.environ.get("FIELDWORK_LIFECYCLE_EXAMPLES", "20"))
COMMENTS = {"confirmed": None, "disputed": "No vinieron ese día."}
# The revision a person read: the current one, one behind (an edit came after they read) or one ahead.
READS = st.sampled_from([0, 0, 0, -1, 1])


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 40)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class Expected:
    """The visit as the table says it must be."""

    review: str = "submitted"
    owner: str = "pending"
    answered_via: str | None = None  # how the owner's answer came (account, link, link_code)
    resolved: bool = False
    outcome: str | None = None
    revision: int = 1


class LifeCycle(RuleBasedStateMachine):
    def __init__(self, world: dict[str, Any]) -> None:
        super().__init__()
        self.world = world
        self.expected = Expected()
        self.visit_id = str(uuid.uuid4())
        self.employees = 1

    # --- helpers --------------------------------------------------------------------------------
    def audit_count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0

    def visit(self) -> Visit:
        db.session.expire_all()
        return db.session.get(Visit, self.visit_id)

    def attempt(self, change: Any, allowed: bool, *, stale: bool = False, logs: bool = True) -> bool:
        """Run one person's action as the pages do; it must succeed exactly when the table allows it
        (and the revision read is current), leaving one audit entry when it changed something."""
        before = self.audit_count()
        try:
            commit_with_retry(change)
        except ServiceError as refused:
            assert not allowed or stale, refused.errors
            assert refused.status in (403, 409), refused.errors
            assert self.audit_count() == before
            return False
        assert allowed and not stale, "the table refuses this, the code allowed it"
        assert self.audit_count() == before + (1 if logs else 0)
        return True

    def sync(self, revision: int) -> str:
        payload = {"id": self.visit_id, "mipyme_id": self.world["mipyme"].id, "employees": self.employees,
                   "visited_at": (utcnow() - timedelta(hours=1)).isoformat(), "topics": ["produccion"],
                   "revision": revision}
        results = commit_with_retry(lambda: sync_batch(self.world["officer"], [payload], utcnow()))
        return results[0].status

    # --- the officer ----------------------------------------------------------------------------
    @initialize()
    def created(self) -> None:
        before = self.audit_count()
        assert self.sync(1) == "created"
        assert self.audit_count() == before + 1

    @rule()
    def officer_edits(self) -> None:
        e = self.expected
        self.employees += 1
        before = self.audit_count()
        status = self.sync(e.revision + 1)
        if e.review == "approved":
            assert status == "rejected" and self.audit_count() == before
            self.employees -= 1
            return
        assert status == "updated" and self.audit_count() == before + 1
        e.revision += 1
        e.review = "submitted"
        if e.owner == "confirmed" or (e.owner == "disputed" and e.outcome == "owner_right"):
            e.owner, e.answered_via = "pending", None

    @rule()
    def officer_replays_an_older_revision(self) -> None:
        if self.expected.revision > 1:
            before = self.audit_count()
            assert self.sync(self.expected.revision - 1) == "duplicate"
            assert self.audit_count() == before

    @rule()
    def officer_adds_a_photo(self) -> None:
        e = self.expected
        allowed = e.review != "approved"
        if self.attempt(lambda: store_photo(self.visit(), str(uuid.uuid4()), io.BytesIO(_png()),
                                            self.world["officer"]), allowed) and e.owner == "confirmed":
            e.owner, e.answered_via = "pending", None

    # --- supervisors ----------------------------------------------------------------------------
    @rule(decision=st.sampled_from(["approved", "returned"]), off=READS)
    def supervisor_reviews(self, decision: str, off: int) -> None:
        e = self.expected
        read = e.revision + off
        if self.attempt(lambda: review_visit(self.world["supervisor"], self.visit(), decision, "Revise.",
                                             revision=read), e.review != "approved", stale=off != 0):
            e.review = decision

    @rule(outcome=st.sampled_from(["owner_right", "record_stands"]), off=READS)
    def supervisor_resolves(self, outcome: str, off: int) -> None:
        e = self.expected
        read = e.revision + off
        allowed = e.owner == "disputed" and not e.resolved
        if self.attempt(lambda: resolve_dispute(self.world["supervisor"], self.visit(), "Hablé con el dueño.",
                                                outcome, revision=read), allowed, stale=off != 0):
            e.resolved, e.outcome = True, outcome
            if outcome == "owner_right":
                e.review = "returned"

    # --- the owner ------------------------------------------------------------------------------
    @rule(decision=st.sampled_from(["confirmed", "disputed"]),
          answered_via=st.sampled_from(["account", "link", "link_code"]), off=READS)
    def owner_answers(self, decision: str, answered_via: str, off: int) -> None:
        e = self.expected
        actor = self.world["owner"] if answered_via == "account" else None
        # A link answers once; with the owner's code it may also replace an answer given by link without it.
        allowed = answered_via == "account" or e.owner == "pending" or (
            answered_via == "link_code" and e.answered_via == "link")
        repeated = answered_via == "account" and e.owner == decision and not (decision == "disputed" and e.resolved)
        read = e.revision + off
        if self.attempt(lambda: confirm_visit(self.visit(), decision, COMMENTS[decision], actor=actor,
                                              answered_via=answered_via, revision=read),
                        allowed, stale=off != 0, logs=not repeated) and (
                not repeated):  # the same answer again changes nothing, even on a visit approved meanwhile
            e.owner, e.answered_via = decision, answered_via
            if decision == "disputed":
                e.resolved, e.outcome = False, None
                if e.review == "approved":
                    e.review = "submitted"  # the owner's dispute reopens it for the supervisor

    # --- what must always hold ------------------------------------------------------------------
    @invariant()
    def the_database_says_what_the_table_says(self) -> None:
        visit, e = self.visit(), self.expected
        stored = (visit.review_status, visit.owner_confirmation, visit.confirmed_via,
                  visit.dispute_resolved_at is not None, visit.dispute_outcome, visit.revision)
        assert stored == (e.review, e.owner, e.answered_via, e.resolved, e.outcome, e.revision)

    @invariant()
    def the_pages_questions_agree_with_the_table(self) -> None:
        visit, e = self.visit(), self.expected
        assert lifecycle.may_edit(visit) == lifecycle.may_review(visit) == (e.review != "approved")
        assert lifecycle.can_owner_answer(visit, "link") == (e.owner == "pending")
        assert lifecycle.can_owner_answer(visit, "link_code") == (e.owner == "pending" or e.answered_via == "link")
        assert lifecycle.can_owner_answer(visit, "account")
        assert lifecycle.dispute_open(visit) == (e.owner == "disputed" and not e.resolved)


def test_every_sequence_of_actions_follows_the_table(app):
    # Many commits: durability on power loss is not what this test checks (as tests/test_sync_model.py).
    db.session.execute(text("PRAGMA synchronous=OFF" if db.engine.dialect.name == "sqlite"
                            else "SET synchronous_commit TO OFF"))
    officer = make_user("officer")
    mipyme = make_mipyme(officer, enrolled_on=date(2025, 1, 1))
    world = {"officer": officer, "mipyme": mipyme, "supervisor": make_user("supervisor"),
             "owner": make_user("owner", mipyme=mipyme)}
    run_state_machine_as_test(
        lambda: LifeCycle(world),
        settings=settings(max_examples=EXAMPLES, stateful_step_count=20, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )
