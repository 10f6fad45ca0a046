"""64-bit keys, the last claimed occurrence of each reminder, deliveries by updated_at

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:00:00.000000

- Every table that grows by the day gets a 64-bit key on PostgreSQL (SQLite's rowid is 64-bit
  already): at 2^31 deliveries every claim would fail.
- reminders.last_due_at: the latest occurrence claimed, so that no settings change can move a
  row back onto an occurrence already delivered. Filled from the deliveries kept so far.
- An index on deliveries.updated_at, for /stats and the pruning of old deliveries.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coach.db.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROWING = ("reminders", "deliveries", "checkins", "symptom_scores")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _key_type(sa.Integer(), sa.BigInteger(), "bigint")
    op.add_column(
        "reminders",
        sa.Column("last_due_at", coach.db.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.execute(
        "UPDATE reminders SET last_due_at ="
        " (SELECT max(d.due_at) FROM deliveries d WHERE d.reminder_id = reminders.id)"
    )
    op.create_index(op.f("ix_deliveries_updated_at"), "deliveries", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_deliveries_updated_at"), table_name="deliveries")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("last_due_at")
    if op.get_bind().dialect.name == "postgresql":
        # Fails, keeping every row, if a key has already passed 2^31.
        _key_type(sa.BigInteger(), sa.Integer(), "integer")


def _key_type(old: sa.types.TypeEngine, new: sa.types.TypeEngine, sequence_type: str) -> None:
    """PostgreSQL: the keys (and the one foreign key to a growing table) and their sequences."""
    bind = op.get_bind()
    op.alter_column(
        "deliveries", "reminder_id", type_=new, existing_type=old, existing_nullable=False
    )
    for table in GROWING:
        op.alter_column(table, "id", type_=new, existing_type=old, existing_nullable=False)
        sequence = bind.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
        if sequence is not None:
            op.execute(f"ALTER SEQUENCE {sequence} AS {sequence_type}")
