"""group chats told once

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 12:10:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coach.db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_chats",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("told_at", coach.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_group_chats")),
    )


def downgrade() -> None:
    op.drop_table("group_chats")
