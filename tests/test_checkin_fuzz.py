"""Check-ins under bad input, fuzzed: any note text, and forged buttons in every check-in
scope. The bot always answers; nothing is written across users; stored data survives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coach.db.models import CheckIn, SymptomScore, User
from coach.domain.checkins import NOTE_LIMIT, clean_note
from tests.fakebot import FakeUser
from tests.support.bot import RunningBot, handled
from tests.support.flows import enrolled

fuzz = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
any_text = st.one_of(
    st.text(min_size=1, max_size=4096),
    st.text(alphabet=st.characters(categories=["So", "Zs", "Cc"]), min_size=1, max_size=300),
    st.sampled_from(["<b>kimchi</b>", "a" * NOTE_LIMIT, "a" * (NOTE_LIMIT + 1), " \u200b "]),
).filter(lambda s: not s.startswith("/"))

# Check-in buttons as a forger would write them: real actions, arbitrary arguments.
numbers = st.integers(min_value=-5, max_value=10**16).map(str)
days = st.sampled_from(["20260302", "20260301", "20260229", "99999999", "2026030", "20260303"])
habits = st.sampled_from(["fermented", "fiber", "b12", "kefir", ""])
answers = st.sampled_from(["kimchi", "natto", "too_much", "target", "x", ""])
forged = st.one_of(
    st.builds(
        lambda a, n: f"r::{a}:{n}", st.sampled_from(["done", "skip", "undo", "note"]), numbers
    ),
    st.builds(lambda n, a: f"r::ans:{n}-{a}", numbers, answers),
    st.builds(
        lambda a, h, d: f"t::{a}:{h}-{d}",
        st.sampled_from(["done", "undo", "open", "note"]),
        habits,
        days,
    ),
    st.builds(lambda h, d, a: f"t::ans:{h}-{d}-{a}", habits, days, answers),
    st.builds(lambda d: f"t::day:{d}", days),
    st.builds(
        lambda w, s, n: f"w::rate:{w}-{s}-{n}",
        numbers,
        st.sampled_from(["energy", "mood", "pain"]),
        numbers,
    ),
    st.sampled_from(["f::keep:", "f::again:", "f::again:confirm"]),
    st.text(max_size=64),
    st.binary(min_size=64, max_size=64).map(lambda b: b.hex()[:64]),
)


async def owner_rows(sessionmaker, user_id: int) -> tuple[list, list]:
    async with sessionmaker() as session:
        checkins = await session.scalars(select(CheckIn).where(CheckIn.user_id == user_id))
        scores = await session.scalars(select(SymptomScore).where(SymptomScore.user_id == user_id))
        return (
            sorted((c.habit, c.day, c.status, c.detail, c.note) for c in checkins),
            sorted((s.week, s.symptom, s.score) for s in scores),
        )


# Hypothesis runs many examples on one bot: what is set up once per bot is kept here.
_enrolled: dict[tuple[int, object], FakeUser] = {}


def key(bot: RunningBot, what: object) -> tuple[int, object]:
    return id(bot), what


async def once_enrolled(bot: RunningBot, user_id: int) -> FakeUser:
    if key(bot, user_id) not in _enrolled:
        _enrolled[key(bot, user_id)] = await enrolled(bot, user_id)
    return _enrolled[key(bot, user_id)]


@fuzz
@given(text=any_text)
async def test_a_note_takes_any_text(bot: RunningBot, sessionmaker, text: str) -> None:
    user = await once_enrolled(bot, 8001)
    if key(bot, "logged") not in _enrolled:  # the first example logs the day
        await user.ask("/today")
        await user.tap("○ B12")
        await user.edit()
        _enrolled[key(bot, "logged")] = user
    await user.press("t::note:b12-20260302")  # the note button of that day
    assert "Write a short note" in (await user.reply()).text
    reply = await user.ask(text)
    note = clean_note(text)  # unit-tested in tests/domain/test_checkins.py
    async with sessionmaker() as session:
        row = await session.scalar(select(CheckIn).where(CheckIn.user_id == 8001))
        awaiting = (await session.get(User, 8001)).awaiting
    if note and len(note) <= NOTE_LIMIT:
        assert "Saved your note" in reply.text and row.note == note and awaiting is None
    else:
        assert f"{NOTE_LIMIT} characters or fewer" in reply.text
        assert awaiting is not None and awaiting.startswith("note:")
        await user.ask("/today")  # moving on closes the question


@fuzz
@given(data=forged)
async def test_forged_check_in_buttons_are_answered_and_cross_no_user(
    bot: RunningBot, sessionmaker, data: str
) -> None:
    owner = await once_enrolled(bot, 8002)
    intruder = await once_enrolled(bot, 8003)
    if key(bot, "logged") not in _enrolled:
        await owner.ask("/today")
        await owner.tap("○ B12")
        await owner.edit()
        _enrolled[key(bot, "logged")] = owner
    before = await owner_rows(sessionmaker, 8002)
    query = await intruder.press(data)
    await intruder.answer(query)  # every tap is answered, refused or not
    await handled(bot)  # and whatever else it sent (an edit, a note question) has gone out
    while not intruder.api.events[intruder.id].empty():
        event = intruder.api.events[intruder.id].get_nowait()
        assert "went wrong" not in event.text, event
    assert await owner_rows(sessionmaker, 8002) == before
