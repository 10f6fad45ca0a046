"""Walking a fake user through the bot's flows, step by step, as a person would tap."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from tests.fakebot import BotEvent, FakeUser
from tests.support.bot import RunningBot

ENGLISH_DEFAULT = {
    "language": "✅ English",
    "zone": "Berlin",
    "times": ["Lunch 12:30", "Breakfast 08:00", "On waking 07:00"],
    "baseline": ["2", "3", "2", "3", "4"],
}


class Walk:
    """Counts what the user did, so tests can hold the intake to its tap budget."""

    def __init__(self, user: FakeUser) -> None:
        self.user = user
        self.taps = 0
        self.typed = 0

    async def tap(self, label: str) -> BotEvent:
        """Tap an inline button and return the bot's next new message."""
        self.taps += 1
        await self.user.tap(label)
        return await self.next_message()

    async def tap_keyboard(self, label: str) -> BotEvent:
        """Tap a reply-keyboard button (Telegram sends its label as text)."""
        self.taps += 1
        return await self.user.ask(label)

    async def type(self, text: str) -> BotEvent:
        self.typed += 1
        return await self.user.ask(text)

    async def next_message(self) -> BotEvent:
        """Skip the edits that close an answered question; return the next new message."""
        while True:
            event = await self.user.next_event()
            if event.kind != "edit":
                return event


async def walk_to_timezone(walk: Walk, language: str = "✅ English") -> BotEvent:
    await walk.user.ask("/start")
    await walk.tap(language)
    agree = "Agree" if "English" in language else "동의해요"
    return await walk.tap(agree)


async def walk_to_habits(walk: Walk, zone: str = "Berlin") -> BotEvent:
    """From /start to the habits question, with no safety answers; returns that question."""
    await walk_to_timezone(walk)
    await walk.tap_keyboard(zone)  # confirmation
    await walk.next_message()  # safety question
    await walk.tap("None of these")  # what changed
    return await walk.next_message()


async def walk_default_intake(user: FakeUser) -> tuple[Walk, BotEvent]:
    """The whole English intake on the default path; returns the walk and the summary."""
    walk = Walk(user)
    await walk_to_habits(walk, ENGLISH_DEFAULT["zone"])
    await walk.tap("Continue")
    for label in ENGLISH_DEFAULT["times"]:
        await walk.tap(label)
    summary = None
    for score in ENGLISH_DEFAULT["baseline"]:
        summary = await walk.tap(score)
    assert summary is not None
    return walk, summary


async def enrolled(bot: RunningBot, user_id: int) -> FakeUser:
    """A user who finished the default intake (Berlin; plan starts Monday 2026-03-02)."""
    user = bot.user(user_id)
    await walk_default_intake(user)
    return user


async def quiet_until(bot: RunningBot, when: datetime) -> Counter[str]:
    """Let everything due before `when` come and go (as missed), without messages."""
    bot.clock.now = when - timedelta(minutes=1)
    counts = await bot.dispatcher.run_round()
    assert counts is not None and not counts["sent"], counts
    bot.clock.now = when
    return counts
