"""The typed taps against the decoder they replaced: the same strings accepted, each with the
same meaning, and a typed tap's encoding decodes back to it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from coach.bot import callbacks
from coach.bot.callbacks import decode, parse_day, parse_hhmm
from coach.config import SUPPORTED_LANGUAGES
from coach.domain.checkins import FOLLOW_UPS
from coach.domain.habits import Habit, Safety, Symptom

# -- the reference: coach/bot/callbacks.py's decode before the typed taps, copied verbatim --

SEP = ":"
MAX_ROUND = 10**9


@dataclass(frozen=True)
class OldTap:
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


def _number_and(arg: str, rest_ok) -> bool:  # type: ignore[no-untyped-def]
    """ "<1-3 digits>" then, after a "-" (or nothing), what rest_ok accepts."""
    number, dash, rest = arg.partition("-")
    if dash and not rest:
        return False
    return number.isascii() and number.isdigit() and 1 <= len(number) <= 3 and rest_ok(rest)


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
    ("r", "back"): _delivery,
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
    # changing a rated week: "<week>", "<week>-<symptom>" or "<week>-back"
    ("w", "change"): lambda a: _number_and(a, lambda rest: rest in _SYMPTOMS | {"", "back"}),
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


def old_decode(data: str | None) -> OldTap | None:
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
    return OldTap(scope, round_, action, arg)


# -- strings to try: near misses of real taps, built from the pieces the format uses --------

WORDS = sorted(
    {
        *"iortwfxps",
        *(action for _scope, action in ACTIONS),
        *SUPPORTED_LANGUAGES,
        *(h.value for h in Habit),
        *(s.value for s in Symptom),
        *(s.value for s in Safety),
        *(a for answers in FOLLOW_UPS.values() for a in answers),
        *("yes", "no", "done", "none", "other", "confirm", "keep", "cancel", "on", "off"),
        *("day", "week", "resume", "lang", "tz", "habits", "times", "digest", "dayend"),
        *("0", "1", "00", "01", "007", "5", "6", "7", "12", "999", "1000", "0900", "1800"),
        *("2100", "0000", "0100", "0400", "0730", "2360", "2400", "20260302", "20260230"),
        *("00010101", "99991231", "123456789", "1000000000", "9223372036854775807"),
        *("9223372036854775808", "99999999999999999999", "٣", "-", ".", ":", " ", ""),
    }
)
token = st.one_of(st.sampled_from(WORDS), st.text(max_size=3))
arg = st.lists(st.one_of(token, st.sampled_from(["-", "."])), max_size=6).map("".join)
scope = st.one_of(st.sampled_from(sorted({s for s, _ in ACTIONS})), st.text(max_size=2))
round_text = st.one_of(st.sampled_from(["", "1", "7", "01", "0", "999999999", "1000000000"]), token)
action = st.one_of(st.sampled_from(sorted({a for _, a in ACTIONS})), token)
near_miss = st.tuples(scope, round_text, action, arg).map(":".join)
# the right scope and action, an argument of real words joined the way real ones are
shaped = st.tuples(
    st.sampled_from(sorted(ACTIONS)),
    st.sampled_from(["", "1", "7", "01", "0", "999999999", "1000000000", "x"]),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    st.lists(st.sampled_from(["-", "-", "-", "."]), min_size=2, max_size=2),
).map(
    lambda p: ":".join(
        (
            p[0][0],
            p[1] if p[0][0] in "io" else p[1][:0],
            p[0][1],
            "".join(w + sep for w, sep in zip(p[2], [*p[3], ""], strict=False)),
        )
    )
)


def canonical(tap: OldTap) -> tuple[object, ...]:
    """An old tap's meaning: numbers compared as numbers (leading zeros were accepted)."""
    pieces = re.split(r"([-.])", tap.arg)
    return (
        tap.scope,
        tap.round,
        tap.action,
        tuple(int(p) if p.isascii() and p.isdigit() else p for p in pieces),
    )


def refused_now(data: str) -> bool:
    """The one string the typed taps refuse on purpose: "s::time:<habit>" without its dash,
    which no button ever carried and which crashed /settings (no time to parse)."""
    scope, _round, action, arg = data.split(":")
    return (scope, action) == ("s", "time") and arg in {h.value for h in Habit}


# -- every typed tap the screens can build encodes to a string that decodes back to it --------

habits, symptoms, safety = st.sampled_from(Habit), st.sampled_from(Symptom), st.sampled_from(Safety)
rounds = st.integers(1, 10**9 - 1)  # nine digits at most: MAX_ROUND itself never decoded
days = st.dates(date(1, 1, 1), date(9999, 12, 31))
clock = st.times().map(lambda t: time(t.hour, t.minute))
rows_ = st.integers(1, MAX_ROW_ID)
answers = st.sampled_from(sorted(callbacks._ANSWERS))
languages = st.sampled_from(SUPPORTED_LANGUAGES)
IT = callbacks.IntakeTap
ST = callbacks.SettingsTap
taps = st.one_of(
    st.builds(lambda r, lang: IT(r, "lang", language=lang), rounds, languages),
    st.builds(lambda r, yes: IT(r, "consent", agree=yes), rounds, st.booleans()),
    st.builds(lambda r, f, on: IT(r, "safety", safety=f, on=on), rounds, safety, st.booleans()),
    st.builds(lambda r, w: IT(r, "safety", word=w), rounds, st.sampled_from(["done", "none"])),
    st.builds(lambda r, h, on: IT(r, "habit", habit=h, on=on), rounds, habits, st.booleans()),
    st.builds(lambda r: IT(r, "habit", word="done"), rounds),
    st.builds(lambda r, h, at: IT(r, "time", habit=h, at=at), rounds, habits, clock),
    st.builds(lambda r, h: IT(r, "time", habit=h, word="other"), rounds, habits),
    st.builds(
        lambda r, s, n: IT(r, "base", symptom=s, score=n), rounds, symptoms, st.integers(1, 5)
    ),
    st.builds(
        callbacks.StartOverTap, rounds, st.sampled_from(["continue", "over", "confirm", "keep"])
    ),
    st.builds(
        callbacks.ReminderTap,
        st.sampled_from(callbacks.REMINDER_ACTIONS),
        rows_,
    ),
    st.builds(lambda d, a: callbacks.ReminderTap("ans", d, a), rows_, answers),
    st.builds(callbacks.TodayTap, st.sampled_from(["done", "undo", "open", "note"]), days, habits),
    st.builds(lambda d, h, a: callbacks.TodayTap("ans", d, h, a), days, habits, answers),
    st.builds(lambda d: callbacks.TodayTap("day", d), days),
    st.builds(callbacks.WeeklyTap, st.integers(1, 999), symptoms, st.integers(1, 5)),
    st.builds(callbacks.WeeklyChangeTap, st.integers(1, 999), st.none() | symptoms),
    st.builds(lambda w: callbacks.WeeklyChangeTap(w, back=True), st.integers(1, 999)),
    st.builds(callbacks.FinaleTap, st.sampled_from(["keep", "again", "confirm"])),
    st.builds(callbacks.DeleteTap, st.one_of(st.none(), st.integers(0, 10**19 - 1))),
    st.builds(callbacks.PauseTap, st.sampled_from(["day", "week", "resume"])),
    st.builds(lambda p: ST("menu", page=p), st.sampled_from(callbacks.SETTINGS_PAGES)),
    st.builds(lambda lang: ST("lang", language=lang), languages),
    st.builds(lambda h, on: ST("habit", habit=h, on=on), habits, st.booleans()),
    st.builds(lambda f, on: ST("safety", safety=f, on=on), safety, st.booleans()),
    st.builds(lambda h: ST("time", habit=h), habits),
    st.builds(lambda h: ST("time", habit=h, word="other"), habits),
    st.builds(lambda h, at: ST("time", habit=h, at=at), habits, clock),
    st.builds(lambda a, d: ST(a, weekday=d), st.sampled_from(["wday", "dday"]), st.integers(0, 6)),
    st.builds(
        lambda a, at: ST(a, at=at),
        st.sampled_from(["wtime", "dtime"]),
        st.sampled_from(WEEKLY_TIMES),
    ),
    st.builds(lambda at: ST("dayend", at=at), st.sampled_from(DAY_ENDS)),
    st.builds(lambda on: ST("digest", on=on), st.booleans()),
)


@settings(max_examples=2000, deadline=None)
@given(tap=taps)
def test_a_typed_tap_encodes_to_what_decodes_back_to_it(tap: callbacks.Tap) -> None:
    data = tap.encode()
    assert len(data.encode()) <= 64
    assert decode(data) == tap
    assert decode(data).encode() == data  # type: ignore[union-attr]
    old = old_decode(data)
    assert old is not None and old.encode() == data  # the old decoder took it too


EDIT_CHARS = "0123456789-.:_ a٣"
edits = st.lists(
    st.tuples(st.integers(0, 70), st.sampled_from(["insert", "delete", "replace"])),
    max_size=3,
)


def mutate(data: str, ops: list[tuple[int, str]], chars: str) -> str:
    for n, ((at, op), char) in enumerate(zip(ops, chars * 3, strict=False)):
        at %= len(data) + 1
        if op == "insert":
            data = data[:at] + char + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + 1 :]
        else:
            data = data[:at] + EDIT_CHARS[(n + at) % len(EDIT_CHARS)] + data[at + 1 :]
    return data


mutated = st.builds(
    mutate,
    taps.map(lambda tap: tap.encode()),
    edits,
    st.text(alphabet=EDIT_CHARS, min_size=1, max_size=3),
)
anything = st.one_of(mutated, shaped, near_miss, st.text(max_size=70), st.none())


@settings(max_examples=3000, deadline=None)
@given(data=anything)
@example("r::done:007")
@example("i:01:lang:en")
@example("o:000000001:continue:")
@example("w::rate:003-mood-4")
@example("x::delete:confirm-0001")
@example("t::day:00010101")
@example("s::time:fiber")
@example("s::time:fiber-")
@example("w::change:3-")
@example("i:1:time:fiber")
def test_the_typed_decoder_accepts_what_the_old_one_did_with_the_same_meaning(
    data: str | None,
) -> None:
    old, new = old_decode(data), decode(data)
    if old is None:
        assert new is None, data
        return
    assert data is not None
    if refused_now(data):
        assert new is None
        return
    assert new is not None, data
    encoded = new.encode()
    assert decode(encoded) == new
    again = old_decode(encoded)
    assert again is not None, encoded
    assert canonical(again) == canonical(old), data
    # Byte for byte, but for the leading zeros the old decoder let through in a round, a
    # week, a delivery id or a deletion key (no button ever carried them).
    if encoded != data:
        assert len(encoded) < len(data) and _unpadded(encoded) == _unpadded(data), data


def _unpadded(data: str) -> str:
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", data)


def test_the_wire_format_is_unchanged() -> None:
    """Buttons already sent keep working: a few, byte for byte."""
    assert IT(7, "habit", habit=Habit.FIBER, on=True).encode() == "i:7:habit:fiber.1"
    assert IT(7, "time", habit=Habit.B12, at=time(7, 30)).encode() == "i:7:time:b12-0730"
    assert callbacks.StartOverTap(3, "continue").encode() == "o:3:continue:"
    assert callbacks.ReminderTap("ans", 42, "too_much").encode() == "r::ans:42-too_much"
    day = date(2026, 3, 2)
    assert callbacks.TodayTap("done", day, Habit.FIBER).encode() == "t::done:fiber-20260302"
    assert callbacks.TodayTap("day", day).encode() == "t::day:20260302"
    assert callbacks.WeeklyTap(3, Symptom.MOOD, 4).encode() == "w::rate:3-mood-4"
    assert callbacks.FinaleTap("confirm").encode() == "f::again:confirm"
    assert callbacks.FinaleTap("keep").encode() == "f::keep:"
    assert callbacks.DeleteTap(None).encode() == "x::delete:cancel"
    assert callbacks.PauseTap("week").encode() == "p::pause:week"
    assert ST("time", habit=Habit.FIBER).encode() == "s::time:fiber-"
    assert ST("menu").encode() == "s::menu:"
    assert ST("dtime", at=time(18)).encode() == "s::dtime:1800"


@settings(max_examples=300, deadline=None)
@given(name=st.from_regex(r"[a-z0-9][a-z0-9-]{0,40}", fullmatch=True), send=st.booleans())
def test_an_announce_tap_encodes_to_what_decodes_back_to_it(name: str, send: bool) -> None:
    tap = callbacks.AnnounceTap(name, send)
    assert len(tap.encode().encode()) <= 64
    assert decode(tap.encode()) == tap


@pytest.mark.parametrize(
    "data",
    [
        "a::announce:send-",
        "a::announce:send-Maintenance",
        "a::announce:go-maintenance",
        "a:1:announce:send-maintenance",
        "a::announce:send-" + "x" * 42,
        "a::announce:send-../core",
        "a::stats:send-maintenance",
    ],
)
def test_a_forged_announce_tap_does_not_decode(data: str) -> None:
    assert decode(data) is None
