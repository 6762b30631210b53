"""Programme results (issue 17): a Mipyme's CIIU class and status (with its history), the programme's
neighbourhood list (seeded from the names already in use), the UVT of each year, the kept per-Mipyme
results rows and personal access tokens for the OData feed.

Revision ID: 0013_programme_results
Revises: 0012_search_name_one_fold
"""
from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0013_programme_results"
down_revision = "0012_search_name_one_fold"
branch_labels = None
depends_on = None

SEARCH_NAME_LENGTH = 640
# Resolución DIAN of each year (the UVT in pesos): 000193/2023, 000187/2024, 000238/2025.
UVT = {2024: 47065, 2025: 49799, 2026: 52374}


def _fold(name: str) -> str:
    # fieldwork/text/search.py fold as of this revision, written out so that it does not follow tomorrow's code.
    decomposed = unicodedata.normalize("NFKD", name.upper().lower())
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))[:SEARCH_NAME_LENGTH]


def upgrade() -> None:
    op.add_column("mipymes", sa.Column("ciiu", sa.String(4), nullable=True))
    op.add_column("mipymes", sa.Column("status", sa.String(16), nullable=False, server_default="active"))
    op.add_column("mipymes", sa.Column("exited_on", sa.Date(), nullable=True))
    op.create_index("ix_mipymes_ciiu", "mipymes", ["ciiu"])
    op.create_index("ix_mipymes_status", "mipymes", ["status"])

    neighborhoods = op.create_table(
        "neighborhoods",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("search_name", sa.String(SEARCH_NAME_LENGTH), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "mipyme_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mipyme_id", sa.Integer(), sa.ForeignKey("mipymes.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_mipyme_status_changes_mipyme", "mipyme_status_changes", ["mipyme_id", "effective_on"])
    uvt = op.create_table(
        "uvt_values",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("value_cop", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "mipyme_results",
        sa.Column("mipyme_id", sa.Integer(), sa.ForeignKey("mipymes.id"), primary_key=True),
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("baseline_visit_id", sa.String(36), nullable=False),
        sa.Column("baseline_at", sa.DateTime(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=False),
        sa.Column("latest_visit_id", sa.String(36), nullable=False),
        sa.Column("latest_at", sa.DateTime(), nullable=False),
        sa.Column("latest_value", sa.Float(), nullable=False),
    )
    op.create_index("ix_mipyme_results_code", "mipyme_results", ["code", "mipyme_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("lookup", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_index("ix_api_tokens_lookup", "api_tokens", ["lookup"])

    connection = op.get_bind()
    recorded = datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as models.types.UTCDateTime stores it
    op.bulk_insert(uvt, [{"year": y, "value_cop": v, "recorded_at": recorded} for y, v in UVT.items()])
    # The names already typed become the list; names that differ only in case or accents are one place.
    names = connection.execute(sa.text(
        "SELECT DISTINCT neighborhood FROM mipymes WHERE neighborhood <> '' ORDER BY neighborhood")).scalars()
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(_fold(name.strip()), name.strip())
    op.bulk_insert(neighborhoods, [{"name": n, "search_name": f, "kind": "barrio", "created_at": recorded}
                                   for f, n in seen.items() if f])


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("mipyme_results")
    op.drop_table("uvt_values")
    op.drop_table("mipyme_status_changes")
    op.drop_table("neighborhoods")
    op.drop_index("ix_mipymes_status", "mipymes")
    op.drop_index("ix_mipymes_ciiu", "mipymes")
    with op.batch_alter_table("mipymes") as batch:
        batch.drop_column("exited_on")
        batch.drop_column("status")
        batch.drop_column("ciiu")
