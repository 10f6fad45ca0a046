"""Every Bot API request has an overall deadline, on the broadcast and the interactive paths.

A per-read timeout alone never fires for an answer that trickles in a byte at a time (a
broken proxy, a self-hosted Bot API server): the fake server's `Fault(trickle=...)` sends
the headers at once and then one byte of the body every so often, far longer than any
deadline. Bots here are built with BOT_API_TIMEOUT_SECONDS=1, so their deadline is short.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from coach.db.models import Delivery
from coach.reminders.http import AiohttpRequest
from tests.fakebot import FakeBotAPI
from tests.fakebot.server import Fault
from tests.support.bot import TEST_TOKEN, FakeClock, running_bot
from tests.support.flows import enrolled

TRICKLE = Fault(trickle=0.5)  # a sendMessage answer of a few hundred bytes: minutes long
B12_DUE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # the default intake's 07:00 in Berlin
GENEROUS = 30.0  # seconds to wait for an outcome; the deadline is a few


async def test_a_trickling_reminder_is_uncertain_and_the_round_goes_on(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock, sessionmaker
) -> None:
    async with running_bot(fake_api, database_url, clock, bot_api_timeout_seconds=1) as bot:
        users = [await enrolled(bot, user_id) for user_id in (9401, 9402, 9403)]
        bot.api.fail(9401, TRICKLE)
        before = len(bot.api.sent_texts[9401])  # the intake's messages
        bot.clock.now = B12_DUE
        counts = await asyncio.wait_for(bot.dispatcher.run_round(), GENEROUS)
        assert counts == Counter({"uncertain": 1, "sent": 2})
        for user in users[1:]:
            assert "B12" in (await user.reply()).text
        async with sessionmaker() as session:
            rows = await session.scalars(select(Delivery).where(Delivery.kind == "b12"))
            outcomes = {row.user_id: (row.status, row.detail) for row in rows}
        status, detail = outcomes.pop(9401)
        assert status == "uncertain" and "deadline" in detail, detail
        assert TEST_TOKEN not in detail and "/bot" not in detail
        assert {user_id: status for user_id, (status, _) in outcomes.items()} == {
            9402: "sent",
            9403: "sent",
        }
        assert bot.api.trickles_cut == 1, "the bot stopped reading at its deadline"
        bot.clock.advance(seconds=30)
        assert await bot.dispatcher.run_round() == Counter(), "uncertain is never re-sent"
        assert len(bot.api.sent_texts[9401]) == before + 1, "it did arrive, once"


async def test_a_trickling_reply_does_not_hold_the_next_updates(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(fake_api, database_url, clock, bot_api_timeout_seconds=1) as bot:
        first, other = bot.user(9411), bot.user(9412, name="Minho")
        bot.api.fail(first.id, TRICKLE)
        await first.send("/help")
        assert "What I can do" in (await first.reply()).text, "delivered; its answer trickles"
        await other.send("/help")
        await first.send("/start")
        assert "What I can do" in (await other.reply(GENEROUS)).text
        assert "I'm Gut Coach" in (await first.reply(GENEROUS)).text, "the user's next message"
        await first.quiet()  # no apology: the trickled reply did arrive
        assert bot.api.trickles_cut == 1, "the bot stopped reading at its deadline"
        timed_out = [r for r in caplog.records if "a reply timed out" in r.getMessage()]
        assert len(timed_out) == 1 and "deadline" in timed_out[0].getMessage()
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- what the deadline leaves room for (at the transport: no database) ------------------------


def transport_bot(api: FakeBotAPI, timeout: float) -> Bot:
    """A Bot on the broadcast and reply transport, with `timeout` to connect and per read."""
    return Bot(
        TEST_TOKEN,
        base_url=f"{api.root_url}/bot",
        request=AiohttpRequest(4, timeout, timeout),
        get_updates_request=AiohttpRequest(2, timeout, timeout),
    )


async def test_a_long_poll_longer_than_the_plain_deadline_is_answered(
    fake_api: FakeBotAPI,
) -> None:
    """getUpdates' read timeout includes its long poll: the deadline covers it."""
    async with transport_bot(fake_api, 0.25) as bot:
        assert await asyncio.wait_for(bot.get_updates(timeout=4), GENEROUS) == ()
        chat = {"id": 9431, "type": "private"}
        await fake_api.push_update(
            {"message": {"message_id": 1, "date": 0, "chat": chat, "text": "hi"}}
        )
        [update] = await asyncio.wait_for(bot.get_updates(timeout=4), GENEROUS)
        assert update.message is not None and update.message.text == "hi"


async def test_an_upload_has_room_where_a_message_meets_its_deadline(
    fake_api: FakeBotAPI,
) -> None:
    """The trickle that ends a sendMessage at its deadline leaves a sendDocument (whose body
    may take a while to write) time to get its whole answer, which is the longer one: some
    400 bytes at 10 ms, 4 s, where a plain request's deadline is 2.5 s."""
    chat_id = 9441
    async with transport_bot(fake_api, 0.25) as bot:
        fake_api.fail(chat_id, Fault(trickle=0.01))
        with pytest.raises(TimedOut, match="deadline"):
            await asyncio.wait_for(bot.send_message(chat_id, "hello"), GENEROUS)
        fake_api.fail(chat_id, Fault(trickle=0.01, method="sendDocument"))
        sent = bot.send_document(chat_id, b"a,b\n1,2\n", filename="export.csv")
        message = await asyncio.wait_for(sent, GENEROUS)
        assert message.document is not None and message.document.file_name == "export.csv"
        assert fake_api.trickles_cut == 1, "only the message was cut off"


async def test_a_deadline_met_waiting_for_a_connection_is_a_network_error(
    fake_api: FakeBotAPI,
) -> None:
    """A request that never got a connection never left: a NetworkError (the dispatcher
    retries it), not TimedOut (which it would record `uncertain` and never send)."""
    shared = AiohttpRequest(1, 0.25, 0.25)  # one connection, for everything
    bot = Bot(
        TEST_TOKEN, base_url=f"{fake_api.root_url}/bot", request=shared, get_updates_request=shared
    )
    async with bot:
        poll = asyncio.create_task(bot.get_updates(timeout=20))  # holds the connection
        async with asyncio.timeout(GENEROUS):
            while not fake_api.polls_waiting:  # noqa: ASYNC110 (nothing signals it)
                await asyncio.sleep(0.02)
        with pytest.raises(NetworkError, match="no connection") as caught:
            await asyncio.wait_for(bot.send_message(9451, "hello"), GENEROUS)
        assert not isinstance(caught.value, TimedOut), caught.value
        assert not fake_api.sent_texts[9451], "it never reached the server"
        await fake_api.release_pollers()
        assert await poll == ()
