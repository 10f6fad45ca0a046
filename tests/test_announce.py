"""/announce through the real bot: admins only, a dry run that counts, then every active user
gets the announcement in their own language, through the broadcast limiter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from coach.db.models import Announcement, User
from coach.i18n import Catalog
from tests.fakebot import FakeBotAPI
from tests.fakebot.server import FORBIDDEN, Fault
from tests.support.bot import FakeClock, RunningBot, running_bot
from tests.support.seeding import seed_enrolled_user

ADMIN = 4242
ENGLISH, KOREAN, GONE, BLOCKS = (17_001, 17_002), (17_003,), 17_004, 17_005
NOW = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
CATALOG = Catalog()
EN, KO = CATALOG.translator("en"), CATALOG.translator("ko")


@pytest.fixture
async def admin_bot(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock, sessionmaker
) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_api, database_url, clock, admin_ids=str(ADMIN)) as bot:
        for uid in (*ENGLISH, GONE, BLOCKS):
            await seed_enrolled_user(sessionmaker, uid, NOW)
        for uid in KOREAN:
            await seed_enrolled_user(sessionmaker, uid, NOW, language="ko")
        async with sessionmaker.begin() as session:  # blocked the bot long ago
            await session.execute(update(User).where(User.id == GONE).values(active=False))
        yield bot


async def test_a_dry_run_lists_counts_and_sends_nothing(admin_bot: RunningBot) -> None:
    admin = admin_bot.user(ADMIN)
    usage = await admin.ask("/announce")
    assert "maintenance" in usage.text and "checking-in" in usage.text
    unknown = await admin.ask("/announce nonsense")
    assert "no announcement called “nonsense”" in unknown.text
    preview = await admin.ask("/announce maintenance")
    assert EN.plain("announcement-maintenance").splitlines()[0] in preview.text
    assert "It would go to 4 active users (3 in English, 1 in Korean)" in preview.text
    cancel = await admin.tap("Cancel")
    await admin.answer(cancel)
    assert "nothing was sent" in (await admin.edit()).text
    await asyncio.sleep(0.3)
    assert not any(admin_bot.api.sent_texts[uid] for uid in (*ENGLISH, *KOREAN, GONE, BLOCKS))


async def test_send_reaches_every_active_user_in_their_language_once(
    admin_bot: RunningBot, sessionmaker
) -> None:
    admin = admin_bot.user(ADMIN)
    admin_bot.api.fail(BLOCKS, FORBIDDEN)
    await admin.ask("/announce maintenance")
    tap = await admin.tap("Send to 4")
    await admin.answer(tap)
    assert "Sending <b>maintenance</b> to 4 users" in (await admin.edit()).text
    report = await admin.reply(timeout=30)
    assert "3 sent, 1 had blocked the bot, 0 failed" in report.text, report.text
    english, korean = EN("announcement-maintenance"), KO("announcement-maintenance")
    for uid in ENGLISH:
        assert admin_bot.api.sent_texts[uid] == [english]
    for uid in KOREAN:
        assert admin_bot.api.sent_texts[uid] == [korean]
    assert admin_bot.api.sent_texts[GONE] == [], "a user who blocked the bot gets nothing"
    async with sessionmaker() as session:
        active = await session.scalar(select(User.active).where(User.id == BLOCKS))
    assert active is False, "found blocked now: no reminders either"


async def test_announce_is_for_admins_only_even_with_a_forged_button(
    admin_bot: RunningBot,
) -> None:
    stranger = admin_bot.user(17_099)
    reply = await stranger.ask("/announce maintenance")
    assert reply.text == EN("unknown-command")
    await stranger.ask("/help")  # a message to tap on
    forged = await stranger.press("a::announce:send-maintenance")
    assert (await admin_bot.api.wait_answer(forged, 5)).text == EN("tap-unknown")
    await asyncio.sleep(0.3)
    assert not any(admin_bot.api.sent_texts[uid] for uid in (*ENGLISH, *KOREAN))


async def test_a_second_send_while_one_runs_is_refused(admin_bot: RunningBot) -> None:
    admin = admin_bot.user(ADMIN)
    admin_bot.api.fail(KOREAN[0], Fault(delay=2.0))  # one answer is slow: the first still runs
    await admin.ask("/announce checking-in")
    await admin.answer(await admin.tap("Send to 4"))
    await admin.edit()
    await admin.ask("/announce checking-in")
    second = await admin.tap("Send to 4")
    assert (await admin.answer(second)).text == EN("announce-busy")
    report = await admin.reply(timeout=30)
    assert "4 sent" in report.text, report.text
    for uid in (*ENGLISH, *KOREAN):
        assert len(admin_bot.api.sent_texts[uid]) == 1


async def test_a_preview_sends_once_however_often_its_send_is_tapped(
    admin_bot: RunningBot, sessionmaker
) -> None:
    """A double tap, or the preview's button as another phone still shows it after the
    report: nothing goes out twice. The claim is in the database, so another instance taking
    the second tap refuses it the same way."""
    admin = admin_bot.user(ADMIN)
    preview = await admin.ask("/announce checking-in")
    send = next(
        b["callback_data"] for row in preview.buttons for b in row if b["text"] == "Send to 4"
    )
    untouched = dict(admin_bot.api.messages[(ADMIN, preview.message_id)])
    await admin.answer(await admin.press(send, untouched))
    await admin.edit()
    assert "4 sent" in (await admin.reply(timeout=30)).text
    again = await admin.press(send, untouched)
    assert (await admin.answer(again)).text == EN("announce-already-sent", name="checking-in")
    await asyncio.sleep(0.3)
    for uid in (*ENGLISH, *KOREAN):
        assert len(admin_bot.api.sent_texts[uid]) == 1
    async with sessionmaker() as session:
        sent = (await session.scalars(select(Announcement.name))).all()
    assert sent == ["checking-in"]


async def test_an_error_nobody_foresaw_is_counted_and_the_report_still_comes(
    admin_bot: RunningBot,
) -> None:
    admin = admin_bot.user(ADMIN)
    admin_bot.api.fail(KOREAN[0], Fault(409, "Conflict: something Telegram never says here"))
    await admin.ask("/announce checking-in")
    await admin.answer(await admin.tap("Send to 4"))
    await admin.edit()
    report = await admin.reply(timeout=30)
    assert "3 sent, 0 had blocked the bot, 1 failed" in report.text, report.text
    assert admin_bot.errors("announcement") == 1, "/metrics counts it"
