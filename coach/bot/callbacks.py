"""Callback data: one typed tap per button scope, at most 64 bytes, checked on the way in.

A button names what it acts on, never whom: the user is always the one who pressed it, so
forged data can at worst act on the presser's own account, and the services check the rest
(step, round, ownership). Anything that does not decode is answered as a stale button.

On the wire a tap is "<scope>:<round>:<action>:<argument>" (the round only for the intake
and its start-over menu). This module is the only place that knows that format: each class
encodes itself, `decode` is the one way back, and handlers get the typed tap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import ClassVar, TypeVar

from coach.config import SUPPORTED_LANGUAGES
from coach.domain.checkins import FOLLOW_UPS
from coach.domain.habits import Habit, Safety, Symptom

SEP = ":"
MAX_ROUND = 10**9
MAX_ROW_ID = 2**63 - 1  # deliveries.id is a 64-bit integer (revision 0008)

# The choices /settings offers for the weekly check-in's and digest's time, and the end of
# the day.
WEEKLY_TIMES = (time(9, 0), time(18, 0), time(19, 0), time(20, 0), time(21, 0))
DAY_ENDS = (time(0), time(1), time(2), time(3), time(4))
# The /settings pages ("" is the menu itself).
SETTINGS_PAGES = (
    "",
    "lang",
    "tz",
    "habits",
    "times",
    "week",
    "digest",
    "dayend",
    "safety",
    "close",
)

_HABITS = frozenset(h.value for h in Habit)
_SYMPTOMS = frozenset(s.value for s in Symptom)
_SAFETY = frozenset(s.value for s in Safety)
_ANSWERS = frozenset(a for answers in FOLLOW_UPS.values() for a in answers)
_Named = TypeVar("_Named", Habit, Safety)
# An announcement's name in messages/ (announcement-NAME): what a button can carry.
ANNOUNCEMENT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,40}")


def _join(scope: str, round_: int | None, action: str, arg: str) -> str:
    data = SEP.join((scope, "" if round_ is None else str(round_), action, arg))
    assert len(data.encode()) <= 64, data
    return data


def _switch(name: str, on: bool) -> str:
    """A toggle names the state it sets ("ibs.1" ticks IBS): a repeated tap changes nothing."""
    return f"{name}.{int(on)}"


def _time_arg(habit: Habit | None, word: str, at: time | None) -> str:
    """ "<habit>-<hhmm>", "<habit>-other", or "<habit>-" (which habit's time to change)."""
    return f"{habit}-{word or (hhmm(at) if at is not None else '')}"


@dataclass(frozen=True)
class IntakeTap:
    """An answer to an intake question, in the intake's round."""

    scope: ClassVar[str] = "i"
    round: int
    action: str  # "lang", "consent", "safety", "habit", "time" or "base"
    language: str = ""  # lang
    agree: bool = False  # consent
    safety: Safety | None = None  # safety: the answer a switch sets
    habit: Habit | None = None  # habit: the habit a switch sets; time: whose time
    on: bool = False  # the state a switch sets
    word: str = ""  # "done" or "none" (closing safety/habits), "other" (a typed time)
    at: time | None = None  # time: a preset
    symptom: Symptom | None = None  # base
    score: int = 0  # base

    def encode(self) -> str:
        match self.action:
            case "lang":
                arg = self.language
            case "consent":
                arg = "yes" if self.agree else "no"
            case "safety":
                arg = self.word or _switch(str(self.safety), self.on)
            case "habit":
                arg = self.word or _switch(str(self.habit), self.on)
            case "time":
                arg = _time_arg(self.habit, self.word, self.at)
            case _:  # "base"
                arg = f"{self.symptom}-{self.score}"
        return _join(self.scope, self.round, self.action, arg)


@dataclass(frozen=True)
class StartOverTap:
    """The /start menu of someone already in (or done with) the intake."""

    scope: ClassVar[str] = "o"
    round: int
    choice: str  # "continue", "over" (asks first), "confirm" (start over) or "keep"

    @property
    def action(self) -> str:
        return "continue" if self.choice == "continue" else "over"

    def encode(self) -> str:
        arg = self.choice if self.choice in ("confirm", "keep") else ""
        return _join(self.scope, self.round, self.action, arg)


@dataclass(frozen=True)
class ReminderTap:
    """A button on a reminder card, keyed by its delivery (the service checks the owner)."""

    scope: ClassVar[str] = "r"
    action: str  # one of REMINDER_ACTIONS, or "ans"
    delivery_id: int
    answer: str = ""  # ans: which fermented food, how much fiber

    def encode(self) -> str:
        arg = str(self.delivery_id) + (f"-{self.answer}" if self.answer else "")
        return _join(self.scope, None, self.action, arg)


# "back": from the snooze choice to the card's own buttons.
REMINDER_ACTIONS = ("done", "skip", "snooze", "snooze30", "snooze60", "back", "undo", "note")


@dataclass(frozen=True)
class TodayTap:
    """A button on the /today checklist: a habit on a day, or (action "day") a day to show."""

    scope: ClassVar[str] = "t"
    action: str  # "done", "undo", "open", "note", "ans" or "day"
    day: date
    habit: Habit | None = None  # None only for "day"
    answer: str = ""  # ans

    def encode(self) -> str:
        if self.habit is None:
            arg = yyyymmdd(self.day)
        else:
            arg = f"{self.habit}-{yyyymmdd(self.day)}" + (f"-{self.answer}" if self.answer else "")
        return _join(self.scope, None, self.action, arg)


@dataclass(frozen=True)
class WeeklyTap:
    """A rating on the weekly check-in of a week of the plan."""

    scope: ClassVar[str] = "w"
    action: ClassVar[str] = "rate"
    week: int
    symptom: Symptom
    score: int

    def encode(self) -> str:
        return _join(self.scope, None, self.action, f"{self.week}-{self.symptom}-{self.score}")


@dataclass(frozen=True)
class WeeklyChangeTap:
    """Changing a rated week's answers: which one (symptom None), that one's question
    again, or (back) the week's result."""

    scope: ClassVar[str] = "w"
    action: ClassVar[str] = "change"
    week: int
    symptom: Symptom | None = None
    back: bool = False

    def encode(self) -> str:
        tail = "-back" if self.back else f"-{self.symptom}" if self.symptom else ""
        return _join(self.scope, None, self.action, f"{self.week}{tail}")


@dataclass(frozen=True)
class FinaleTap:
    """After the plan: carry on in maintenance, or start a new plan (asked once more)."""

    scope: ClassVar[str] = "f"
    choice: str  # "keep", "again" (asks first) or "confirm" (a new plan)

    @property
    def action(self) -> str:
        return "keep" if self.choice == "keep" else "again"

    def encode(self) -> str:
        return _join(self.scope, None, self.action, "confirm" if self.choice == "confirm" else "")


@dataclass(frozen=True)
class DeleteTap:
    """/delete's answer: erase the account created at `key` (µs), or None: cancel."""

    scope: ClassVar[str] = "x"
    action: ClassVar[str] = "delete"
    key: int | None

    def encode(self) -> str:
        arg = "cancel" if self.key is None else f"confirm-{self.key}"
        return _join(self.scope, None, self.action, arg)


@dataclass(frozen=True)
class PauseTap:
    """A choice from /pause."""

    scope: ClassVar[str] = "p"
    action: ClassVar[str] = "pause"
    what: str  # "day", "week" or "resume"

    def encode(self) -> str:
        return _join(self.scope, None, self.action, self.what)


@dataclass(frozen=True)
class SettingsTap:
    """A button in /settings (no round: settings change the finished intake's answers)."""

    scope: ClassVar[str] = "s"
    # "menu", "lang", "habit", "safety", "time", "wday", "wtime", "dday", "dtime", "digest"
    # or "dayend"
    action: str
    page: str = ""  # menu: a page of SETTINGS_PAGES
    language: str = ""  # lang
    habit: Habit | None = None  # habit: the habit a switch sets; time: whose time
    safety: Safety | None = None  # safety: the answer a switch sets
    on: bool = False  # habit, safety: the state a switch sets; digest: on or off
    word: str = ""  # time: "other" (a typed time)
    at: time | None = None  # time (None with no word: pick that habit's time), wtime, dtime, dayend
    weekday: int = 0  # wday, dday (0 is Monday)

    def encode(self) -> str:
        match self.action:
            case "menu":
                arg = self.page
            case "lang":
                arg = self.language
            case "habit":
                arg = _switch(str(self.habit), self.on)
            case "safety":
                arg = _switch(str(self.safety), self.on)
            case "time":
                arg = _time_arg(self.habit, self.word, self.at)
            case "wday" | "dday":
                arg = str(self.weekday)
            case "digest":
                arg = "on" if self.on else "off"
            case _:  # "wtime", "dtime", "dayend"
                assert self.at is not None
                arg = hhmm(self.at)
        return _join(self.scope, None, self.action, arg)


@dataclass(frozen=True)
class AnnounceTap:
    """/announce's answer for admins: send the announcement `name`, or (send=False) cancel."""

    scope: ClassVar[str] = "a"
    action: ClassVar[str] = "announce"
    name: str
    send: bool

    def encode(self) -> str:
        return _join(
            self.scope, None, self.action, f"{'send' if self.send else 'cancel'}-{self.name}"
        )


Tap = (
    AnnounceTap
    | IntakeTap
    | StartOverTap
    | ReminderTap
    | TodayTap
    | WeeklyTap
    | WeeklyChangeTap
    | FinaleTap
    | DeleteTap
    | PauseTap
    | SettingsTap
)


# -- decoding: every check in one place ------------------------------------------------------


def decode(data: str | None) -> Tap | None:
    """The tap this data describes, or None for anything malformed, unknown or out of range."""
    if not data or len(data) > 64:
        return None
    parts = data.split(SEP)
    if len(parts) != 4:
        return None
    scope, round_text, action, arg = parts
    parse = _SCOPES.get(scope)
    if parse is None:
        return None
    if scope in _ROUNDED:
        round_ = _number(round_text, 9)
        if round_ is None or not 1 <= round_ <= MAX_ROUND:
            return None
        return parse(round_, action, arg)
    if round_text:
        return None
    return parse(None, action, arg)


def _number(text: str, digits: int) -> int | None:
    """ASCII digits, 1 to `digits` of them (leading zeros allowed, as they always were)."""
    if not text.isascii() or not text.isdigit() or not 1 <= len(text) <= digits:
        return None
    return int(text)


def _parse_switch(arg: str, kind: type[_Named]) -> tuple[_Named, bool] | None:
    name, _, state = arg.partition(".")
    if name not in {member.value for member in kind} or state not in ("0", "1"):
        return None
    return kind(name), state == "1"


def _parse_time(arg: str, page: bool) -> tuple[Habit, str, time | None] | None:
    """ "<habit>-<hhmm>" or "<habit>-other"; with page=True also "<habit>-" (in /settings)."""
    habit, dash, rest = arg.partition("-")
    if habit not in _HABITS or not dash:
        return None
    if rest == "other":
        return Habit(habit), "other", None
    if page and rest == "":
        return Habit(habit), "", None
    at = parse_hhmm(rest)
    return None if at is None else (Habit(habit), "", at)


def _parse_rating(arg: str) -> tuple[Symptom, int] | None:
    symptom, _, score = arg.partition("-")
    if symptom not in _SYMPTOMS or score not in {"1", "2", "3", "4", "5"}:
        return None
    return Symptom(symptom), int(score)


def _intake(round_: int | None, action: str, arg: str) -> IntakeTap | None:
    assert round_ is not None
    tap = lambda **fields: IntakeTap(round_, action, **fields)  # noqa: E731
    match action:
        case "lang" if arg in SUPPORTED_LANGUAGES:
            return tap(language=arg)
        case "consent" if arg in ("yes", "no"):
            return tap(agree=arg == "yes")
        case "safety" if arg in ("done", "none"):
            return tap(word=arg)
        case "safety":
            switched = _parse_switch(arg, Safety)
            return None if switched is None else tap(safety=switched[0], on=switched[1])
        case "habit" if arg == "done":
            return tap(word=arg)
        case "habit":
            switched = _parse_switch(arg, Habit)
            return None if switched is None else tap(habit=switched[0], on=switched[1])
        case "time":
            chosen = _parse_time(arg, page=False)
            return None if chosen is None else tap(habit=chosen[0], word=chosen[1], at=chosen[2])
        case "base":
            rating = _parse_rating(arg)
            return None if rating is None else tap(symptom=rating[0], score=rating[1])
    return None


def _start_over(round_: int | None, action: str, arg: str) -> StartOverTap | None:
    assert round_ is not None
    if action == "continue" and arg == "":
        return StartOverTap(round_, "continue")
    if action == "over" and arg in ("", "confirm", "keep"):
        return StartOverTap(round_, arg or "over")
    return None


def _delivery(text: str) -> int | None:
    delivery_id = _number(text, 19)
    return delivery_id if delivery_id is not None and delivery_id <= MAX_ROW_ID else None


def _reminder(_round: int | None, action: str, arg: str) -> ReminderTap | None:
    if action == "ans":  # "<delivery id>-<answer>" (the service checks it fits the habit)
        text, _, answer = arg.partition("-")
        delivery_id = _delivery(text)
        if delivery_id is None or answer not in _ANSWERS:
            return None
        return ReminderTap(action, delivery_id, answer)
    if action not in REMINDER_ACTIONS:
        return None
    delivery_id = _delivery(arg)
    return None if delivery_id is None else ReminderTap(action, delivery_id)


def _today(_round: int | None, action: str, arg: str) -> TodayTap | None:
    if action == "day":
        day = parse_day(arg)
        return None if day is None else TodayTap(action, day)
    if action not in ("done", "undo", "open", "note", "ans"):
        return None
    # "<habit>-<yyyymmdd>", and for "ans" "-<answer>" after it
    habit, _, rest = arg.partition("-")
    day_text, dash, answer = rest.partition("-")
    day = parse_day(day_text)
    if habit not in _HABITS or day is None:
        return None
    if action == "ans":
        if answer not in _ANSWERS:
            return None
        return TodayTap(action, day, Habit(habit), answer)
    if dash:
        return None
    return TodayTap(action, day, Habit(habit))


def _weekly(_round: int | None, action: str, arg: str) -> WeeklyTap | WeeklyChangeTap | None:
    week_text, dash, rest = arg.partition("-")  # "<week>-<symptom>-<score>"
    week = _number(week_text, 3)
    if week is None:
        return None
    if action == "change":  # "<week>", "<week>-<symptom>" or "<week>-back"
        if not dash or rest == "back":
            return WeeklyChangeTap(week, back=bool(dash))
        return WeeklyChangeTap(week, Symptom(rest)) if rest in _SYMPTOMS else None
    rating = _parse_rating(rest)
    if action != "rate" or rating is None:
        return None
    return WeeklyTap(week, *rating)


def _finale(_round: int | None, action: str, arg: str) -> FinaleTap | None:
    if action == "keep" and arg == "":
        return FinaleTap("keep")
    if action == "again" and arg in ("", "confirm"):
        return FinaleTap(arg or "again")
    return None


def _delete(_round: int | None, action: str, arg: str) -> DeleteTap | None:
    if action != "delete":
        return None
    if arg == "cancel":
        return DeleteTap(None)
    word, _, key_text = arg.partition("-")  # "confirm-<the account's creation time in µs>"
    key = _number(key_text, 19)
    return DeleteTap(key) if word == "confirm" and key is not None else None


def _announce(_round: int | None, action: str, arg: str) -> AnnounceTap | None:
    """The name is checked against the catalog by the handler (it knows the catalog)."""
    word, _, name = arg.partition("-")
    if (
        action != "announce"
        or word not in ("send", "cancel")
        or not ANNOUNCEMENT_NAME.fullmatch(name)
    ):
        return None
    return AnnounceTap(name, word == "send")


def _pause(_round: int | None, action: str, arg: str) -> PauseTap | None:
    if action == "pause" and arg in ("day", "week", "resume"):
        return PauseTap(arg)
    return None


def _settings(_round: int | None, action: str, arg: str) -> SettingsTap | None:
    match action:
        case "menu" if arg in SETTINGS_PAGES:
            return SettingsTap(action, page=arg)
        case "lang" if arg in SUPPORTED_LANGUAGES:
            return SettingsTap(action, language=arg)
        case "habit":
            switched = _parse_switch(arg, Habit)
            return (
                None if switched is None else SettingsTap(action, habit=switched[0], on=switched[1])
            )
        case "safety":
            switched = _parse_switch(arg, Safety)
            if switched is None:
                return None
            return SettingsTap(action, safety=switched[0], on=switched[1])
        case "time":
            chosen = _parse_time(arg, page=True)
            if chosen is None:
                return None
            return SettingsTap(action, habit=chosen[0], word=chosen[1], at=chosen[2])
        case "wday" | "dday" if arg in tuple("0123456"):
            return SettingsTap(action, weekday=int(arg))
        case "wtime" | "dtime" if parse_hhmm(arg) in WEEKLY_TIMES:
            return SettingsTap(action, at=parse_hhmm(arg))
        case "dayend" if parse_hhmm(arg) in DAY_ENDS:
            return SettingsTap(action, at=parse_hhmm(arg))
        case "digest" if arg in ("on", "off"):
            return SettingsTap(action, on=arg == "on")
    return None


_SCOPES: dict[str, Callable[[int | None, str, str], Tap | None]] = {
    AnnounceTap.scope: _announce,
    IntakeTap.scope: _intake,
    StartOverTap.scope: _start_over,
    ReminderTap.scope: _reminder,
    TodayTap.scope: _today,
    WeeklyTap.scope: _weekly,
    FinaleTap.scope: _finale,
    DeleteTap.scope: _delete,
    PauseTap.scope: _pause,
    SettingsTap.scope: _settings,
}
_ROUNDED = frozenset((IntakeTap.scope, StartOverTap.scope))  # scopes whose taps carry a round


def yyyymmdd(day: date) -> str:
    # Not strftime: "%Y" does not pad years before 1000, which parse_day would then refuse.
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


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
