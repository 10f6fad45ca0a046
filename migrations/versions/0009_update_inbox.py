"""the update inbox: updates not handled at once, stored before they are acknowledged

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coach.db.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_key", sa.BigInteger(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", coach.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("handled_at", coach.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("lease_until", coach.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_updates")),
    )
    op.create_index("ix_updates_chat_key_update_id", "updates", ["chat_key", "update_id"])
    op.create_index(op.f("ix_updates_handled_at"), "updates", ["handled_at"])


def downgrade() -> None:
    op.drop_table("updates")
