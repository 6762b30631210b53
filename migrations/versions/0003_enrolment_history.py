"""mipymes.enrolled_on and mipyme_history: the programme's history (issue 9 item 4).

Existing Mipymes enrol on the day they were registered (their `created_at` in the programme's zone),
and their current officer and active state become their state since enrolment.

Revision ID: 0003_enrolment_history
Revises: 0002
"""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = "0003_enrolment_history"
down_revision = "0002"
branch_labels = None
depends_on = None


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["FIELDWORK_TIMEZONE"] if has_app_context() else "America/Bogota")


def upgrade() -> None:
    with op.batch_alter_table("mipymes") as batch:
        batch.add_column(sa.Column("enrolled_on", sa.Date(), nullable=True))
    connection = op.get_bind()
    mipymes = sa.table("mipymes", sa.column("id", sa.Integer), sa.column("created_at", sa.DateTime),
                       sa.column("enrolled_on", sa.Date))
    zone = _zone()
    rows = connection.execute(sa.select(mipymes.c.id, mipymes.c.created_at)).all()
    if rows:  # created_at is stored as naive UTC (fieldwork/models/types.py)
        days = [{"row_id": row_id, "day": created.replace(tzinfo=UTC).astimezone(zone).date()}
                for row_id, created in rows]
        connection.execute(
            mipymes.update().where(mipymes.c.id == sa.bindparam("row_id")).values(enrolled_on=sa.bindparam("day")),
            days,
        )
    with op.batch_alter_table("mipymes") as batch:
        batch.alter_column("enrolled_on", existing_type=sa.Date(), nullable=False)

    op.create_table(
        "mipyme_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mipyme_id", sa.Integer(), nullable=False),
        sa.Column("effective_at", sa.DateTime(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_mipyme_history_actor_id_users")),
        sa.ForeignKeyConstraint(["mipyme_id"], ["mipymes.id"], name=op.f("fk_mipyme_history_mipyme_id_mipymes")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_mipyme_history_officer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mipyme_history")),
    )
    op.create_index("ix_mipyme_history_mipyme", "mipyme_history", ["mipyme_id", "effective_at"], unique=False)
    now = datetime.now(UTC).replace(tzinfo=None)
    op.execute(
        sa.text("INSERT INTO mipyme_history (mipyme_id, effective_at, officer_id, active, actor_id, recorded_at) "
                "SELECT id, NULL, officer_id, active, NULL, :now FROM mipymes").bindparams(now=now)
    )


def downgrade() -> None:
    op.drop_index("ix_mipyme_history_mipyme", table_name="mipyme_history")
    op.drop_table("mipyme_history")
    with op.batch_alter_table("mipymes") as batch:
        batch.drop_column("enrolled_on")
