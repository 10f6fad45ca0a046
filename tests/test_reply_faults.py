"""The fault matrix for interactive replies: whatever the Bot API does to a reply, the
user's answer is saved, nothing is sent twice, and the bot carries on.

Expected outcome per fault (see RELIABILITY.md): 429 is dropped and counted (waiting it out
would hold every other user's replies); 403 and "chat not found" are given up quietly; 500
gets one short apology; a timeout or a dropped connection is given up without an apology
(the reply may have arrived, and an apology could land after it); a slow answer simply
arrives late.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from coach.db.models import Reminder, SymptomScore, User
from tests.conftest import RunningBot
from tests.fakebot.server import CHAT_NOT_FOUND, FORBIDDEN, Fault
from tests.flows import ENGLISH_DEFAULT, Walk, walk_to_habits

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
    bot.api.fail(user_id, failure)  # the reply to the last answer: the plan's summary
    await user.tap(ENGLISH_DEFAULT["baseline"][-1])
    said = await said_within(user, 8.0 if fault in ("timeout", "slow") else 1.5)
    assert said == ([] if then is None else [then]), said
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
