"""when each user last sent anything: the retention policy purges the long silent

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coach.db.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("last_seen_at", coach.db.base.UTCDateTime(timezone=True)))
    # Nobody was watched until now, so everyone counts as seen at the upgrade: the retention
    # period starts from here for all. (A row's last change would be no sign of life: a user
    # who only ticks reminders never changes their row.)
    op.execute("UPDATE users SET last_seen_at = CURRENT_TIMESTAMP")
    with op.batch_alter_table("users") as batch:
        batch.alter_column(
            "last_seen_at",
            existing_type=coach.db.base.UTCDateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        )
        batch.create_index(batch.f("ix_users_last_seen_at"), ["last_seen_at"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index(batch.f("ix_users_last_seen_at"))
        batch.drop_column("last_seen_at")
