"""Group chats get one short note and then silence; one user's flood is cut short, politely,
without holding up anyone else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from coach.db.models import GroupChat, User
from tests.fakebot import FakeBotAPI
from tests.support.bot import FakeClock, RunningBot, running_bot
from tests.support.seeding import seed_newcomer


def group_message(api: FakeBotAPI, chat_id: int, user_id: int, **content: Any) -> dict:
    return {
        "message": {
            "message_id": api.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup", "title": "Gut friends"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Ana", "language_code": "en"},
            **content,
        }
    }


async def test_a_group_is_told_once_then_left_in_peace(bot: RunningBot, sessionmaker) -> None:
    api, group = bot.api, -100123
    added = {"new_chat_members": [{"id": 1, "is_bot": True, "first_name": "Gut Coach"}]}
    await api.push_update(group_message(api, group, 501, **added))
    note = await asyncio.wait_for(api.events[group].get(), 10)
    assert "private chat" in note.text and "stay quiet here" in note.text
    for content in (
        {"text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]},
        {"text": "hello coach"},
        {"text": "/progress", "entities": [{"type": "bot_command", "offset": 0, "length": 9}]},
        {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1,
                     "height": 1, "is_animated": False, "is_video": False}},
    ):  # fmt: skip
        await api.push_update(group_message(api, group, 502, **content))
    await asyncio.sleep(0.5)
    assert api.events[group].empty(), "quiet after the first note"
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(GroupChat)) == 1
        assert await session.scalar(select(func.count()).select_from(User)) == 0, (
            "nobody in a group is enrolled or stored"
        )
    # A second group hears it once too; the first still hears nothing.
    await api.push_update(group_message(api, -100456, 503, text="hi"))
    assert "private chat" in (await asyncio.wait_for(api.events[-100456].get(), 10)).text
    assert api.events[group].empty()


@pytest.fixture
async def gated(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    """A bot with flood control on: 10 updates per user in any 5 seconds."""
    limits = {"flood_max_updates": 10, "flood_window_seconds": 5}
    async with running_bot(fake_api, database_url, clock, **limits) as bot:
        yield bot


async def test_a_flood_is_cut_short_politely_and_others_are_answered(gated: RunningBot) -> None:
    flooder, other = gated.user(601), gated.user(602)
    for n in range(100):
        await flooder.send(f"message {n}")
    reply = await other.ask("/help")  # queued behind the whole flood
    assert "What I can do" in reply.text
    await asyncio.sleep(0.5)
    texts = []
    while not gated.api.events[601].empty():
        texts.append((await flooder.next_event()).text)
    assert len(texts) == 11, "ten answers, and one note for the other ninety"
    assert sum("that's a lot at once" in t for t in texts) == 1
    assert sum("didn't catch that" in t for t in texts) == 10
    # Taps in a flood get a toast (the first) or a silent answer, never a hang; both are
    # sent off the update path.
    query = await flooder.press("t::day:20260302")
    assert (await flooder.answer(query)).text == ""


async def test_the_slow_down_note_is_in_the_language_the_user_chose(
    gated: RunningBot, sessionmaker
) -> None:
    """Telegram's app is in English, the user chose Korean: the note is in Korean, for a
    flood of messages and for one of taps."""
    await seed_newcomer(sessionmaker, 603, gated.clock.now, language="ko")
    await seed_newcomer(sessionmaker, 604, gated.clock.now, language="ko")
    texter, tapper = gated.user(603, language_code="en"), gated.user(604, language_code="en")
    for n in range(12):
        await texter.send(f"message {n}")
    await tapper.ask("/help")  # a message to tap on (one of the ten the window allows)
    queries = [await tapper.press("t::day:20260302") for _ in range(12)]
    await asyncio.sleep(0.5)
    texts = []
    while not gated.api.events[603].empty():
        texts.append((await texter.next_event()).text)
    assert "잠깐만요, 메시지가 한꺼번에 너무 많이 왔어요! 몇 초 뒤에 다시 답할게요." in texts
    assert not any("a lot at once" in t for t in texts)
    toasts = [(await tapper.answer(q)).text for q in queries]
    assert sum(t.startswith("잠깐만요") for t in toasts) == 1
    assert toasts[-1] == "", "later taps of the burst: a silent answer"


async def test_update_kinds_the_bot_does_not_handle(bot: RunningBot, sessionmaker) -> None:
    """Edited messages are ignored, a voice note gets a polite reply, a channel post is
    treated like a group (one note, then quiet); none of it is an error."""
    api, user = bot.api, bot.user(701)
    await user.ask("/start")
    edited = user._message(text="changed my mind")
    edited["edit_date"] = int(time.time())
    await api.push_update({"edited_message": edited})
    voice = {"file_id": "v", "file_unique_id": "v", "duration": 3}
    await api.push_update({"message": user._message(voice=voice)})
    reply = await user.reply()
    assert "I can only read text and button taps" in reply.text
    await user.quiet()  # and the edit was ignored
    channel = {"id": -100789, "type": "channel", "title": "Gut news"}
    post = {"message_id": 1, "date": int(time.time()), "chat": channel, "text": "news"}
    for _ in range(2):
        await api.push_update({"channel_post": dict(post)})
    assert "private chat" in (await asyncio.wait_for(api.events[-100789].get(), 10)).text
    await asyncio.sleep(0.3)
    assert api.events[-100789].empty()
    assert not [t for t in api.sent_texts[701] if "went wrong" in t]
