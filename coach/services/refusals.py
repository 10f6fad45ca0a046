"""A request a service turns down: why, and in which language to say so.

Each service call returns its view or a Refusal (the intake's and /settings' answers keep
their own outcomes, coach/services/answers.py, and say STALE as a Refusal too). The bot
renders every refusal in one place, `refuse` in coach/bot/handlers/common.py, in the
language the refusal carries: the service has read the user's row anyway, so finding the
language costs no second read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from coach.db.models import User


class Why(StrEnum):
    NOT_SET_UP = "not_set_up"  # the intake is not done: no schedule, no plan yet
    NO_PROGRESS = "no_progress"  # /progress before the plan has begun
    STALE = "stale"  # a button from an earlier question, someone else's, or made up
    TOO_OLD = "too_old"  # a reminder or a day no longer within reach
    NOTHING_TO_EXPORT = "nothing_to_export"  # no row about the user
    NOTHING_TO_DELETE = "nothing_to_delete"


@dataclass(frozen=True)
class Refusal:
    why: Why
    language: str | None  # the user's saved language; None: someone the bot has no row for


def refused(why: Why, user: User | None) -> Refusal:
    """A refusal in the user's language (or none known, for someone without a row)."""
    return Refusal(why, user.language if user is not None else None)
