"""What to do with a reminder that has come due: send it, or record why not."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from coach.domain.habits import HABITS, Habit


class Status(StrEnum):
    """A delivery's state; every due occurrence ends in one of the final ones."""

    CLAIMED = "claimed"  # taken by a dispatcher, not yet handed to the Bot API
    SENDING = "sending"  # the request is (or was) in flight
    SENT = "sent"
    SKIPPED = "skipped"  # already logged that day, paused, or the plan has ended
    SNOOZED = "snoozed"
    MISSED = "missed"  # came due too long ago (the bot was down past the grace period)
    FAILED = "failed"  # retries exhausted
    BLOCKED = "blocked"  # the user blocked the bot, or the chat is gone
    UNCERTAIN = "uncertain"  # in flight when a process died: it may or may not have arrived


def is_paused(paused: bool, paused_until: datetime | None, at: datetime) -> bool:
    """Whether /pause holds at this instant: paused with no end (until /resume), or until a
    time still ahead. A pause that has run out is over, whatever the flag still says."""
    return paused and (paused_until is None or paused_until > at)


def coached(kinds_on: Iterable[str]) -> tuple[Habit, ...]:
    """The habits a user coaches, in the plan's order, from the kinds of their reminder
    rows that are switched on (the weekly kinds are not habits)."""
    on = set(kinds_on)
    return tuple(h for h in HABITS if h in on)


def triage(
    due_at: datetime,
    now: datetime,
    grace: timedelta,
    *,
    paused: bool,
    plan_ended: bool,
    logged: bool,
) -> tuple[Status, str]:
    """Send (CLAIMED), or the final status and the reason, for an occurrence due at `due_at`."""
    if now - due_at > grace:
        return Status.MISSED, "late"
    if paused:
        return Status.SKIPPED, "paused"
    if plan_ended:
        return Status.SKIPPED, "plan_ended"
    if logged:
        return Status.SKIPPED, "logged"
    return Status.CLAIMED, ""


class Kind(StrEnum):
    """Reminder rows that are not a habit (coach.domain.habits.Habit names those)."""

    CHECKIN = "checkin"  # the weekly symptom check-in, on one weekday
    FINALE = "finale"  # once, the morning after the plan's last day: the end and what next
    DIGEST = "digest"  # the weekly progress summary, on one weekday
