"""0010_owner_code recounts the stored per-officer answer rows with the new rule: an unverified link
answer stops counting as independent on an existing database, not only for answers given after it."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, text

from fieldwork.extensions import db
from fieldwork.mipymes.summary import ANSWER_COLUMNS, answer_rows
from fieldwork.models import OfficerAnswerRow
from tests.builders import load_migration, make_mipyme, make_user, make_visit


def _stored() -> list[tuple[Any, ...]]:
    table = OfficerAnswerRow.__table__
    return [tuple(r) for r in db.session.execute(
        select(*(table.c[c] for c in ANSWER_COLUMNS)).order_by(table.c.mipyme_id, table.c.officer_id))]


def _app_would_write() -> list[tuple[Any, ...]]:
    query = answer_rows().subquery()
    return [tuple(r) for r in db.session.execute(select(query).order_by(query.c.mipyme_id, query.c.officer_id))]


def test_the_owner_code_migration_recounts_what_0008_counted_as_independent(app):
    officer, other = make_user("officer"), make_user("officer")
    mipyme = make_mipyme(officer)
    phone = "a" * 64
    make_visit(mipyme, owner_confirmation="confirmed", confirmed_via="link", link_device=phone, sync_device=phone)
    make_visit(mipyme, owner_confirmation="confirmed", confirmed_via="link", link_device="b" * 64, sync_device=phone)
    make_visit(mipyme, owner_confirmation="confirmed", confirmed_via="link_code", link_device=phone,
               sync_device=phone)
    make_visit(mipyme, owner_confirmation="confirmed", confirmed_via="account")
    make_visit(mipyme, owner_confirmation="confirmed", confirmed_via=None)
    make_visit(mipyme, owner_confirmation="disputed", officer=other)
    # (mipyme, officer, visits, independent, same device, disputed, pending): the account and the code
    # count; the link from another phone and the row without a channel no longer do.
    expected = [(mipyme.id, officer.id, 5, 2, 2, 0, 0), (mipyme.id, other.id, 1, 0, 0, 1, 0)]
    assert _app_would_write() == expected
    db.session.execute(delete(OfficerAnswerRow))
    db.session.execute(text(load_migration("0008_officer_answer_counts").BACKFILL))  # the rows as 0008 left them
    db.session.commit()
    before = _stored()
    assert before[0][3] == 4  # 0008 counted every confirmation but the link from the officer's phone
    owner_code = load_migration("0010_owner_code")
    db.session.execute(text(owner_code.recount(owner_code.INDEPENDENT, owner_code.SAME_DEVICE)))
    db.session.commit()
    assert _stored() == expected
    db.session.execute(text(owner_code.recount(owner_code.OLD_INDEPENDENT, owner_code.OLD_SAME_DEVICE)))
    db.session.commit()
    assert _stored() == before  # the downgrade gives 0008's counts back
