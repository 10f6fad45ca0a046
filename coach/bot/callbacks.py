"""Callback data: short typed codes, at most 64 bytes, checked on the way in.

A button names what it acts on, never whom: the user is always the one who pressed it, so
forged data can at worst act on the presser's own account, and the services check the rest
(step, round, ownership). Anything that does not decode is answered as a stale button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from coach.config import SUPPORTED_LANGUAGES
from coach.domain.checkins import FOLLOW_UPS
from coach.domain.habits import Habit, Safety, Symptom

SEP = ":"
MAX_ROUND = 10**9


@dataclass(frozen=True)
class Tap:
    """A decoded button: scope ("i" intake with its round, "s" settings, "o" start-over menu),
    an action, and its argument."""

    scope: str
    round: int | None
    action: str
    arg: str = ""

    def encode(self) -> str:
        round_ = "" if self.round is None else str(self.round)
        data = SEP.join((self.scope, round_, self.action, self.arg))
        assert len(data.encode()) <= 64, data
        return data


# action -> how to check its argument
def _one_of(*values: str):  # type: ignore[no-untyped-def]
    allowed = frozenset(values)
    return lambda arg: arg in allowed


def _is_hhmm(arg: str) -> bool:
    return parse_hhmm(arg) is not None


def _habit_and(rest_ok):  # type: ignore[no-untyped-def]
    def check(arg: str) -> bool:
        habit, _, rest = arg.partition("-")
        return habit in _HABITS and rest_ok(rest)

    return check


def _symptom_score(arg: str) -> bool:
    symptom, _, score = arg.partition("-")
    return symptom in _SYMPTOMS and score in {"1", "2", "3", "4", "5"}


def _week_symptom_score(arg: str) -> bool:
    week, _, rest = arg.partition("-")
    return week.isascii() and week.isdigit() and 1 <= len(week) <= 3 and _symptom_score(rest)


def _switch(arg: str, names: frozenset[str]) -> bool:
    """A toggle names the state it sets ("ibs.1" ticks IBS): a repeated tap changes nothing."""
    name, _, state = arg.partition(".")
    return name in names and state in {"0", "1"}


def switch(name: str, on: bool) -> str:
    return f"{name}.{int(on)}"


def parse_switch(arg: str) -> tuple[str, bool]:
    name, _, state = arg.partition(".")
    return name, state == "1"


MAX_ROW_ID = 2**63 - 1  # deliveries.id is a 64-bit integer (revision 0008)


def _delivery(arg: str) -> bool:
    return arg.isascii() and arg.isdigit() and 1 <= len(arg) <= 19 and int(arg) <= MAX_ROW_ID


def _deletion_key(arg: str) -> bool:
    """ "confirm-<the account's creation time in µs>"."""
    word, _, key = arg.partition("-")
    return word == "confirm" and key.isascii() and key.isdigit() and 1 <= len(key) <= 19


def _yyyymmdd(arg: str) -> bool:
    return parse_day(arg) is not None


def _delivery_and_answer(arg: str) -> bool:
    """ "<delivery id>-<follow-up answer>" (the service checks the answer fits the habit)."""
    delivery, _, answer = arg.partition("-")
    return _delivery(delivery) and answer in _ANSWERS


def _habit_day(arg: str, with_answer: bool = False) -> bool:
    """ "<habit>-<yyyymmdd>", or with "-<follow-up answer>" after it."""
    habit, _, rest = arg.partition("-")
    day, _, answer = rest.partition("-")
    if habit not in _HABITS or not _yyyymmdd(day):
        return False
    return answer in _ANSWERS if with_answer else answer == "" and "-" not in rest


# The choices /settings offers for the weekly check-in's and digest's time, and the end of
# the day.
WEEKLY_TIMES = (time(9, 0), time(18, 0), time(19, 0), time(20, 0), time(21, 0))
DAY_ENDS = (time(0), time(1), time(2), time(3), time(4))

_HABITS = frozenset(h.value for h in Habit)
_SYMPTOMS = frozenset(s.value for s in Symptom)
_SAFETY = frozenset(s.value for s in Safety)
_ANSWERS = frozenset(a for answers in FOLLOW_UPS.values() for a in answers)

ACTIONS = {
    # intake, scope "i" (round required)
    ("i", "lang"): _one_of(*SUPPORTED_LANGUAGES),
    ("i", "consent"): _one_of("yes", "no"),
    ("i", "safety"): lambda a: _switch(a, _SAFETY) or a in {"done", "none"},
    ("i", "habit"): lambda a: _switch(a, _HABITS) or a == "done",
    ("i", "time"): _habit_and(lambda rest: rest == "other" or _is_hhmm(rest)),
    ("i", "base"): _symptom_score,
    # /start during or after the intake, scope "o" (round required)
    ("o", "continue"): _one_of(""),
    ("o", "over"): _one_of("", "confirm", "keep"),
    # a reminder's buttons, scope "r": the argument is the delivery id (checked for ownership)
    ("r", "done"): _delivery,
    ("r", "skip"): _delivery,
    ("r", "snooze"): _delivery,
    ("r", "snooze30"): _delivery,
    ("r", "snooze60"): _delivery,
    ("r", "undo"): _delivery,
    ("r", "ans"): _delivery_and_answer,  # which fermented food, how much fiber
    ("r", "note"): _delivery,
    # /today, scope "t": a habit on a day ("fiber-20260302"), or a day to show
    ("t", "done"): _habit_day,
    ("t", "undo"): _habit_day,
    ("t", "open"): _habit_day,
    ("t", "note"): _habit_day,
    ("t", "ans"): lambda a: _habit_day(a, with_answer=True),
    ("t", "day"): _yyyymmdd,
    # the weekly check-in, scope "w": "<week>-<symptom>-<score>"
    ("w", "rate"): _week_symptom_score,
    # the plan's finale, scope "f": carry on in maintenance, or start a new plan
    ("f", "keep"): _one_of(""),
    ("f", "again"): _one_of("", "confirm"),
    # /delete's confirmation, scope "x"
    ("x", "delete"): lambda a: a == "cancel" or _deletion_key(a),
    # /pause, scope "p"
    ("p", "pause"): _one_of("day", "week", "resume"),
    # /settings, scope "s" (no round)
    ("s", "menu"): _one_of(
        "", "lang", "tz", "habits", "times", "week", "digest", "dayend", "safety", "close"
    ),
    ("s", "lang"): _one_of(*SUPPORTED_LANGUAGES),
    ("s", "habit"): lambda a: _switch(a, _HABITS),
    ("s", "safety"): lambda a: _switch(a, _SAFETY),
    ("s", "time"): _habit_and(lambda rest: rest in {"", "other"} or _is_hhmm(rest)),
    ("s", "wday"): _one_of(*"0123456"),
    ("s", "wtime"): lambda a: parse_hhmm(a) in WEEKLY_TIMES,
    ("s", "dday"): _one_of(*"0123456"),
    ("s", "dtime"): lambda a: parse_hhmm(a) in WEEKLY_TIMES,
    ("s", "digest"): _one_of("on", "off"),
    ("s", "dayend"): lambda a: parse_hhmm(a) in DAY_ENDS,
}


def decode(data: str | None) -> Tap | None:
    """The tap this data describes, or None for anything malformed, unknown or out of range."""
    if not data or len(data) > 64:
        return None
    parts = data.split(SEP)
    if len(parts) != 4:
        return None
    scope, round_text, action, arg = parts
    check = ACTIONS.get((scope, action))
    if check is None or not check(arg):
        return None
    needs_round = scope in {"i", "o"}
    if needs_round != bool(round_text):
        return None
    round_ = None
    if needs_round:
        if not round_text.isascii() or not round_text.isdigit() or len(round_text) > 9:
            return None
        round_ = int(round_text)
        if not 1 <= round_ <= MAX_ROUND:
            return None
    return Tap(scope, round_, action, arg)


def yyyymmdd(day: date) -> str:
    return f"{day:%Y%m%d}"


def parse_day(text: str) -> date | None:
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def hhmm(at: time) -> str:
    return f"{at.hour:02d}{at.minute:02d}"


def parse_hhmm(text: str) -> time | None:
    if len(text) != 4 or not text.isascii() or not text.isdigit():
        return None
    hour, minute = int(text[:2]), int(text[2:])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
