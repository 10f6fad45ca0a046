"""The fault matrix for interactive replies: whatever the Bot API does to a reply, the
user's answer is saved, nothing is sent twice, and the bot carries on.

Expected outcome per fault (see RELIABILITY.md): 429 is dropped and counted (waiting it out
would hold every other user's replies); 403 and "chat not found" are given up quietly; 500
gets one short apology; a timeout or a dropped connection is given up without an apology
(the reply may have arrived, and an apology could land after it); a slow answer simply
arrives late.

A tap handled after Telegram stopped taking its answer (about 15 s: after a backlog or a
restart) is saved and its message edited as usual; the refused answer is not an error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from coach.db.models import CheckIn, Reminder, SymptomScore, User
from tests.fakebot import BotEvent, FakeUser
from tests.fakebot.server import CHAT_NOT_FOUND, FORBIDDEN, Fault
from tests.support.bot import RunningBot, start_bot, stop_bot
from tests.support.flows import ENGLISH_DEFAULT, Walk, enrolled, walk_default_intake, walk_to_habits

APOLOGY = "something went wrong on my side"
FAULTS = {
    "429": (Fault(429, "Too Many Requests: retry after 1", retry_after=1), None),
    "403": (FORBIDDEN, None),
    "400 chat not found": (CHAT_NOT_FOUND, None),
    "500": (Fault(500, "Internal Server Error"), APOLOGY),
    "dropped connection": (Fault(drop=True), None),  # like a timeout: it may have arrived
    "timeout": (Fault(delay=6), "Your plan is set"),  # it did arrive, late: nothing more
    "slow": (Fault(delay=1.0), "Your plan is set"),
}


async def said_within(user, seconds: float) -> list[str]:  # type: ignore[no-untyped-def]
    """The new messages the bot got through to the user in that time (edits aside), each
    named by the expected phrase it contains, or its text."""
    said = []
    try:
        while True:
            event = await asyncio.wait_for(user.api.events[user.id].get(), seconds)
            if event.kind == "edit":
                continue
            said.append(next((p for p in PHRASES if p in event.text), event.text))
    except TimeoutError:
        return said


PHRASES = (APOLOGY, "Your plan is set")


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
async def test_a_failed_reply_loses_no_answer(bot: RunningBot, sessionmaker, fault: str) -> None:
    failure, then = FAULTS[fault]
    user_id = 8100 + list(FAULTS).index(fault)
    user = bot.user(user_id)
    walk = Walk(user)
    await walk_to_habits(walk, ENGLISH_DEFAULT["zone"])
    await walk.tap("Continue")
    for label in ENGLISH_DEFAULT["times"]:
        await walk.tap(label)
    for score in ENGLISH_DEFAULT["baseline"][:-1]:
        await walk.tap(score)
    errors = bot.errors("update")
    bot.api.fail(user_id, failure)  # the reply to the last answer: the plan's summary
    await user.tap(ENGLISH_DEFAULT["baseline"][-1])
    said = await said_within(user, 8.0 if fault in ("timeout", "slow") else 1.5)
    assert said == ([] if then is None else [then]), said
    # Only a failure nobody planned for is an error in /metrics; a 429, a blocked user or a
    # timeout are Telegram's weather.
    assert bot.errors("update") - errors == (1 if then == APOLOGY else 0)
    bot.api.faults.pop(user_id, None)
    async with sessionmaker() as session:
        row = await session.get(User, user_id)
        assert row is not None and row.intake_step == "done" and row.plan_started_on
        scores = await session.scalar(
            select(func.count()).select_from(SymptomScore).where(SymptomScore.user_id == user_id)
        )
        assert scores == 5, "every answer was saved, whatever became of the reply"
        scheduled = await session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.user_id == user_id, Reminder.next_fire_at.is_not(None))
        )
        assert scheduled >= 3
    assert "Week 1 of 12" in (await user.ask("/plan")).text, "the bot carries on"
    summaries = [t for t in bot.api.sent_texts[user_id] if "Your plan is set" in t]
    assert len(summaries) <= 1, "never sent twice"


# -- taps answered too late ------------------------------------------------------------------

MONDAY = date(2026, 3, 2)
B12_DUE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # the default intake's 07:00 in Berlin

Tapper = Callable[[], Awaitable[str]]


async def reminder_card(bot: RunningBot, user_id: int) -> tuple[FakeUser, Tapper]:
    """Done on a B12 reminder."""
    user = await enrolled(bot, user_id)
    bot.clock.now = B12_DUE
    assert (await bot.dispatcher.run_round())["sent"] == 1
    card = await user.reply()
    return user, lambda: user.tap("Done", card.message_id)


async def today_checklist(bot: RunningBot, user_id: int) -> tuple[FakeUser, Tapper]:
    """B12 ticked on /today."""
    user = await enrolled(bot, user_id)
    await user.ask("/today")
    return user, lambda: user.tap("○ B12")


async def last_rating(bot: RunningBot, user_id: int) -> tuple[FakeUser, Tapper]:
    """The intake's last baseline rating, which sets the plan."""
    user = bot.user(user_id)
    walk = Walk(user)
    await walk_to_habits(walk, ENGLISH_DEFAULT["zone"])
    await walk.tap("Continue")
    for label in ENGLISH_DEFAULT["times"]:
        await walk.tap(label)
    for score in ENGLISH_DEFAULT["baseline"][:-1]:
        await walk.tap(score)
    return user, lambda: user.tap(ENGLISH_DEFAULT["baseline"][-1])


async def settings_toggle(bot: RunningBot, user_id: int) -> tuple[FakeUser, Tapper]:
    """Prebiotic fiber switched off on the /settings habits page."""
    user = bot.user(user_id)
    await walk_default_intake(user)
    await user.ask("/settings")
    await user.tap("Habits")
    await user.edit()
    return user, lambda: user.tap("✅ Prebiotic fiber")


async def b12_done(sessionmaker, user_id: int) -> bool:  # type: ignore[no-untyped-def]
    async with sessionmaker() as session:
        rows = await session.scalars(select(CheckIn).where(CheckIn.user_id == user_id))
        return [(r.habit, r.day, r.status) for r in rows] == [("b12", MONDAY, "done")]


async def plan_set(sessionmaker, user_id: int) -> bool:  # type: ignore[no-untyped-def]
    async with sessionmaker() as session:
        row = await session.get(User, user_id)
        scores = await session.scalar(
            select(func.count()).select_from(SymptomScore).where(SymptomScore.user_id == user_id)
        )
    return row is not None and row.intake_step == "done" and scores == 5


async def fiber_off(sessionmaker, user_id: int) -> bool:  # type: ignore[no-untyped-def]
    async with sessionmaker() as session:
        enabled = await session.scalar(
            select(Reminder.enabled).where(Reminder.user_id == user_id, Reminder.kind == "fiber")
        )
    return enabled is False


@dataclass(frozen=True)
class LateTap:
    """A tap, what a timely one shows (its message edited, then any new messages), and
    whether it was saved."""

    ready: Callable[[RunningBot, int], Awaitable[tuple[FakeUser, Tapper]]]
    edited: Callable[[BotEvent], bool]
    then: tuple[str, ...]
    saved: Callable[..., Awaitable[bool]]


LATE_TAPS = {
    "reminder": LateTap(reminder_card, lambda e: "done for Mar 2, 2026" in e.text, (), b12_done),
    "today": LateTap(today_checklist, lambda e: "✓ B12" in e.labels, (), b12_done),
    "intake": LateTap(last_rating, lambda e: e.labels == [], ("Your plan is set",), plan_set),
    "settings": LateTap(settings_toggle, lambda e: "▫️ Prebiotic fiber" in e.labels, (), fiber_off),
}


@pytest.mark.parametrize("kind", LATE_TAPS, ids=list(LATE_TAPS))
async def test_a_tap_too_old_to_answer_is_saved_without_an_apology(
    bot: RunningBot, sessionmaker, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    case = LATE_TAPS[kind]
    user, tap = await case.ready(bot, 8200 + list(LATE_TAPS).index(kind))
    # The bot is down; the tap waits at Telegram past its answer's lifetime (a TTL of 0:
    # however long the downtime, every answer is too late), then /help.
    await bot.api.release_pollers()
    await stop_bot(bot.application)
    bot.api.resume_pollers()
    bot.api.callback_answer_ttl = 0.0
    query_id = await tap()
    await user.send("/help")  # updates are handled in order: whatever the tap caused comes first
    caplog.clear()
    await start_bot(bot.application)
    edit = await user.edit()
    assert case.edited(edit), edit
    said = []
    while "What I can do" not in (event := await user.next_event()).text:
        said.append(next((p for p in (*case.then, APOLOGY) if p in event.text), event.text))
    assert said == list(case.then), "what a timely tap gets, and no apology"
    assert bot.api.late_answers == [query_id], "the bot did answer, too late"
    assert await case.saved(sessionmaker, user.id)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
