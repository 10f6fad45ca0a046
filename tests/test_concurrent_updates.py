"""Updates: concurrent across users, in order for each user, never lost once acknowledged.

The real bot over HTTP, on SQLite and PostgreSQL. The fake server's delays stand in for a
slow Bot API: what is asserted is the order things happen in, never how long they take.
Process-level proofs (SIGTERM and SIGKILL of a real `coach` process, two webhook instances)
are in tests/test_durable_updates.py.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import func, select

from coach.bot.context import RUNTIME_KEY
from coach.db.models import CheckIn, InboxUpdate
from tests.fakebot import FakeBotAPI
from tests.fakebot.server import Fault
from tests.support.bot import FakeClock, RunningBot, running_bot, start_bot, stop_bot
from tests.support.flows import enrolled
from tests.support.seeding import seed_due_reminders

HABITS = ("b12", "fiber", "fermented")


def card(user_id: int) -> dict[str, Any]:
    """A message of the bot's for a tap to come from (the bot edits it, or finds it gone)."""
    return {"message_id": 1, "date": int(time.time()), "chat": {"id": user_id, "type": "private"}}


async def test_others_are_answered_while_one_reply_is_slow(bot: RunningBot) -> None:
    """A's reply hangs at the Bot API; B, who wrote after A, is answered meanwhile."""
    a, b = bot.user(3001), bot.user(3002)
    bot.api.fail(a.id, Fault(delay=3.0))
    await a.send("/help")
    reply = await b.ask("/help")
    assert "What I can do" in reply.text
    assert bot.api.events[a.id].empty(), "B was answered before A's slow reply came back"
    assert "What I can do" in (await a.reply()).text


async def test_one_users_updates_are_handled_in_the_order_sent(bot: RunningBot) -> None:
    """A slow first reply does not let the same user's next update overtake it."""
    user = bot.user(3003)
    bot.api.fail(user.id, Fault(delay=1.0))
    await user.send("/help")
    await user.send("/plan")
    first, second = await user.reply(), await user.reply()
    assert "What I can do" in first.text
    assert "/start" in second.text, "/plan before the intake points to /start"


async def test_one_user_waiting_holds_no_slot_of_anyone_elses(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock
) -> None:
    """With two handlers at a time, a user with a backlog of slow replies still leaves
    room: another user's update is answered before that backlog is through."""
    async with running_bot(fake_api, database_url, clock, max_concurrent_updates=2) as bot:
        busy, other = bot.user(3004), bot.user(3005)
        bot.api.fail(busy.id, Fault(delay=0.5, times=None))
        for _ in range(6):
            await busy.send("/help")
        reply = await other.ask("/help")
        assert "What I can do" in reply.text
        assert bot.api.events[busy.id].qsize() < 6, "the backlog was not through yet"


async def test_a_backlog_left_at_a_stop_is_handled_after_a_restart(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock, sessionmaker
) -> None:
    """Hundreds of taps acknowledged (stored), most still waiting when the bot stops: the
    stop leaves them in the inbox, and the next start handles each of them, once."""
    users = await seed_due_reminders(database_url, 100, clock.now, first_id=30_000, per_user=3)
    day = clock.now.date().strftime("%Y%m%d")
    slow = {"max_concurrent_updates": 4}
    async with running_bot(fake_api, database_url, clock, **slow) as bot:
        for user_id in users:
            fake_api.fail(user_id, Fault(delay=0.3, times=None, method="editMessageText"))
        for user_id in users:
            user = bot.user(user_id)
            for habit in HABITS:
                await user.press(f"t::done:{habit}-{day}", card(user_id))
        for _ in range(100):  # until the bot has fetched (and so stored) every tap
            async with sessionmaker() as session:
                stored = await session.scalar(select(func.count()).select_from(InboxUpdate))
            if stored == 3 * len(users):
                break
            await asyncio.sleep(0.1)
        assert stored == 3 * len(users), "every tap stored once it was fetched"
    # running_bot's exit is the graceful stop: what had not run is left for the next start.
    async with sessionmaker() as session:
        done_at_stop = await session.scalar(select(func.count()).select_from(CheckIn))
    assert done_at_stop < 3 * len(users), "the test needs a backlog at the stop"
    fake_api.faults.clear()
    fake_api.resume_pollers()
    async with running_bot(fake_api, database_url, clock) as bot:
        for _ in range(200):
            async with sessionmaker() as session:
                left = await session.scalar(
                    select(func.count())
                    .select_from(InboxUpdate)
                    .where(InboxUpdate.handled_at.is_(None))
                )
            if not left:
                break
            await asyncio.sleep(0.1)
    async with sessionmaker() as session:
        rows = (await session.execute(select(CheckIn.user_id, CheckIn.habit))).all()
    assert len(rows) == 3 * len(users) and set(rows) == {(u, h) for u in users for h in HABITS}


async def test_a_second_drawing_while_one_is_drawn_gets_a_note(bot: RunningBot) -> None:
    """/export twice: one report, and for the second a short "still working" note; another
    user's /help is answered before the report is drawn."""
    user, other = await enrolled(bot, 3006), bot.user(3007)
    await user.send("/export")
    await user.send("/export")
    await other.send("/help")
    assert "What I can do" in (await other.reply()).text
    documents = []
    notes = []
    while len(documents) < 2:  # the CSV and the PDF
        event = await user.next_event(timeout=30)
        if event.kind == "document":
            documents.append(event.filename)
        elif "Still working" in event.text:
            notes.append(event.text)
    assert documents == ["gut-coach-data.csv", "gut-coach-report.pdf"]
    assert len(notes) == 1
    await user.quiet(0.5)
    assert all(e.kind != "document" for e in [*_drain(bot, user.id)]), "one report only"


def _drain(bot: RunningBot, chat_id: int) -> list[Any]:
    events = []
    while not bot.api.events[chat_id].empty():
        events.append(bot.api.events[chat_id].get_nowait())
    return events


async def test_the_stop_and_restart_keep_the_lanes_working(bot: RunningBot) -> None:
    """A stopped bot started again (the tests' own restart) takes updates as before."""
    user = bot.user(3008)
    await bot.api.release_pollers()
    await stop_bot(bot.application)
    bot.api.resume_pollers()
    await user.send("/help")
    await start_bot(bot.application)
    assert "What I can do" in (await user.reply()).text
    lanes = bot.application.bot_data[RUNTIME_KEY].lanes
    for _ in range(50):  # the update leaves its lane once its handlers are all done
        if lanes.waiting == 0:
            break
        await asyncio.sleep(0.05)
    assert lanes.waiting == 0


async def test_handled_updates_lose_their_body_and_are_pruned(
    bot: RunningBot, sessionmaker
) -> None:
    """An update kept in the inbox (its reply was slow) keeps no text once handled, and is
    deleted by the bot itself once it is older than Telegram could send it again."""
    user = bot.user(3009)
    bot.api.fail(user.id, Fault(delay=0.3))
    assert "What I can do" in (await user.ask("/help")).text
    for _ in range(50):
        async with sessionmaker() as session:
            row = await session.scalar(select(InboxUpdate).where(InboxUpdate.chat_key == user.id))
        if row is not None and row.handled_at is not None:
            break
        await asyncio.sleep(0.05)
    assert row is not None and row.handled_at is not None and row.body == ""
    bot.clock.advance(days=3)
    for _ in range(100):  # the bot sweeps its inbox every couple of seconds
        async with sessionmaker() as session:
            left = await session.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.chat_key == user.id)
            )
        if not left:
            break
        await asyncio.sleep(0.1)
    assert left == 0
