"""the weekly digest

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 11:40:00.000000

"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import coach.db.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIGEST_TIME, SUNDAY, WEEKS = time(19, 0), 1 << 6, 12
LATER = time(20, 0)  # when the check-in 0004 gave them is at that very time


def upgrade() -> None:
    """Users whose plan started before this revision get the weekly digest that new users get
    when their plan starts (coach/reminders/fire_times.py), on Sunday at 19:00; at 20:00
    when their weekly check-in (19:00 on the plan week's last day, from 0004) is on Sunday
    too, so the digest comes after it, with its ratings, as for new users."""
    from coach.domain.schedule import next_fire

    now = datetime.now(UTC)
    reminders = sa.table(
        "reminders",
        sa.column("user_id", sa.BigInteger),
        sa.column("kind", sa.String),
        sa.column("local_time", sa.Time),
        sa.column("days", sa.SmallInteger),
        sa.column("next_fire_at", coach.db.base.UTCDateTime),
    )
    users = op.get_bind().execute(
        sa.text(
            "SELECT id, timezone, plan_started_on, active FROM users"
            " WHERE intake_step = 'done' AND plan_started_on IS NOT NULL"
            " AND id NOT IN (SELECT user_id FROM reminders WHERE kind = 'digest')"
        )
    )
    checkins = {
        user_id: (days, at if isinstance(at, time) else time.fromisoformat(at))
        for user_id, days, at in op.get_bind().execute(
            sa.text("SELECT user_id, days, local_time FROM reminders WHERE kind = 'checkin'")
        )
        if at is not None
    }
    rows = []
    for user_id, zone, started, active in users.all():
        started = date.fromisoformat(started) if isinstance(started, str) else started
        at = LATER if checkins.get(user_id) == (SUNDAY, DIGEST_TIME) else DIGEST_TIME
        first = next_fire(at, zone or "UTC", now, SUNDAY)
        local_day = first.astimezone(ZoneInfo(zone or "UTC")).date()  # the plan's days are local
        over = local_day >= started + timedelta(weeks=WEEKS)
        scheduled = bool(active) and zone is not None and not over
        rows.append(
            {
                "user_id": user_id,
                "kind": "digest",
                "local_time": at,
                "days": SUNDAY,
                "next_fire_at": first if scheduled else None,
            }
        )
    if rows:
        op.bulk_insert(reminders, rows)


def downgrade() -> None:
    op.execute("DELETE FROM deliveries WHERE kind = 'digest'")
    op.execute("DELETE FROM reminders WHERE kind = 'digest'")
