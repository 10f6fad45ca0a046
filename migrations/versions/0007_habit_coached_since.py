"""when a habit switched on or off mid-plan counts from

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 15:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("coached_since", sa.Date(), nullable=True))
        batch.add_column(sa.Column("off_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("off_since")
        batch.drop_column("coached_since")
