"""Refused requests through the real bot: each is said in the user's saved language (not the
one their Telegram app suggests), and finding that language costs no second read of the
database: the service's refusal carries it (coach/services/refusals.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from coach.bot.callbacks import PauseTap, TodayTap, WeeklyTap
from coach.domain.habits import Habit, Symptom
from coach.i18n import Catalog
from tests.fakebot import FakeUser
from tests.support.bot import RunningBot
from tests.support.seeding import ENROLLED_AT, PLAN_START, seed_enrolled_user, seed_newcomer
from tests.support.sql import statements as watch_statements

KOREAN = Catalog().translator("ko")
ENROLLED, NEWCOMER = 17_001, 17_002
# The read a handler made to learn the language of a refusal (UserRepository.language).
LANGUAGE_READ = re.compile(r"SELECT users\.language\s+FROM users", re.IGNORECASE)


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine in this process runs, from now on."""
    with watch_statements() as seen:
        yield seen


async def korean_user(bot: RunningBot, user_id: int) -> FakeUser:
    """A user whose saved language is Korean while their Telegram app says English; /help
    gives them a message to tap on."""
    user = bot.user(user_id, language_code="en")
    help_text = (await user.ask("/help")).text
    assert help_text == KOREAN("help")
    return user


async def tapped(user: FakeUser, data: str, statements: list[str]) -> str:
    """Tap `data` on the user's last message; the toast it was answered with."""
    statements.clear()
    answer = await user.answer(await user.press(data))
    await user.quiet(0.1)  # nothing else: a refused tap changes no message
    return answer.text


async def test_refused_taps_are_said_in_the_users_language_without_reading_it_again(
    bot: RunningBot, sessionmaker, statements: list[str]
) -> None:
    bot.clock.now = ENROLLED_AT + timedelta(days=10)
    await seed_enrolled_user(sessionmaker, ENROLLED, ENROLLED_AT, language="ko")
    user = await korean_user(bot, ENROLLED)

    out_of_reach = TodayTap("done", PLAN_START, Habit.B12).encode()  # ten days back
    assert await tapped(user, out_of_reach, statements) == KOREAN("reminder-too-old")
    assert not [s for s in statements if LANGUAGE_READ.search(s)]

    future_week = WeeklyTap(9, Symptom.MOOD, 3).encode()
    assert await tapped(user, future_week, statements) == KOREAN("tap-stale")
    assert not [s for s in statements if LANGUAGE_READ.search(s)]


async def test_refusals_before_the_intake_is_done_are_in_the_users_language(
    bot: RunningBot, sessionmaker, statements: list[str]
) -> None:
    bot.clock.now = ENROLLED_AT
    await seed_newcomer(sessionmaker, NEWCOMER, ENROLLED_AT, language="ko")
    user = await korean_user(bot, NEWCOMER)

    # A /pause button kept from before a start over: refused, in Korean (it used to be
    # said in the language Telegram suggests).
    assert await tapped(user, PauseTap("day").encode(), statements) == KOREAN("tap-stale")
    for command, key in (("/progress", "progress-not-ready"), ("/today", "not-set-up-today")):
        statements.clear()
        assert (await user.ask(command)).text == KOREAN(key)
        assert not [s for s in statements if LANGUAGE_READ.search(s)], command


async def test_each_command_before_setup_says_what_it_needs(bot: RunningBot, sessionmaker) -> None:
    """Not one "you'll have reminders" line for all: each command its own, each to /start."""
    bot.clock.now = ENROLLED_AT
    await seed_newcomer(sessionmaker, NEWCOMER, ENROLLED_AT, language="ko")
    user = await korean_user(bot, NEWCOMER)
    commands = {
        "/today": "not-set-up-today",
        "/plan": "not-set-up-plan",
        "/checkin": "not-set-up-checkin",
        "/pause": "not-set-up-pause",
        "/resume": "not-set-up-resume",
        "/reminders": "schedule-not-ready",
    }
    replies = {command: (await user.ask(command)).text for command in commands}
    assert replies == {command: KOREAN(key) for command, key in commands.items()}
    assert len(set(replies.values())) == len(commands)
    assert all("/start" in text for text in replies.values())
