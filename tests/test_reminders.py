"""The reminder engine end to end: due rows are claimed, sent once, and every outcome recorded.

Time moves by the test's clock; each test runs dispatch rounds itself.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from coach.bot import retention
from coach.bot.app import build_application
from coach.bot.screens.reminders import reminder_buttons, reminder_buttons_json
from coach.db.models import CheckIn, Delivery, User
from coach.i18n import Catalog
from coach.reminders.dispatcher import NETWORK_RETRIES
from tests.fakebot import FakeBotAPI, FakeUser
from tests.fakebot.server import CHAT_NOT_FOUND, FORBIDDEN, SERVER_ERROR, Fault
from tests.support.bot import FakeClock, RunningBot, bot_settings, running_bot, start_bot, stop_bot
from tests.support.flows import enrolled
from tests.support.rows import checkins, deliveries, next_fire
from tests.support.seeding import seed_due_reminders

# After the default intake (Berlin, 2026-03-02): B12 07:00 = 06:00 UTC, fiber 08:00 = 07:00
# UTC, fermented foods 12:30 = 11:30 UTC.
B12_DUE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


async def test_a_due_reminder_is_sent_once_with_buttons(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 5001)
    bot.clock.now = B12_DUE - timedelta(seconds=1)
    assert await bot.dispatcher.run_round() == Counter()
    bot.clock.now = B12_DUE + timedelta(seconds=2)
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    reminder = await user.reply()
    assert "sublingual B12" in reminder.text and "Week 1 of 12" in reminder.text
    assert reminder.labels == ["Done", "Skip today", "Snooze"]
    assert await bot.dispatcher.run_round() == Counter()
    await user.quiet()
    [delivery] = await deliveries(sessionmaker, 5001)
    assert (delivery.kind, delivery.status, delivery.message_id) == (
        "b12",
        "sent",
        reminder.message_id,
    )
    assert delivery.due_at == B12_DUE and delivery.local_day == date(2026, 3, 2)
    assert await next_fire(sessionmaker, 5001, "b12") == B12_DUE + timedelta(days=1)


async def test_done_skip_and_undo_edit_the_reminder_in_place(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 5002)
    bot.clock.now = B12_DUE
    await bot.dispatcher.run_round()
    await user.reply()
    await user.tap("Done")
    done = await user.edit()
    assert "done for Mar 2, 2026" in done.text and done.labels == ["📝 Note", "Undo"]
    await user.tap("Undo")
    assert (await user.edit()).labels == ["Done", "Skip today"]
    await user.tap("Done")
    await user.edit()
    await user.tap("Undo")
    await user.edit()
    await user.tap("Skip today")
    assert "Skipped" in (await user.edit()).text
    async with sessionmaker() as session:
        rows = (await session.scalars(select(CheckIn).where(CheckIn.user_id == 5002))).all()
    assert [(r.habit, r.day, r.status) for r in rows] == [("b12", date(2026, 3, 2), "skipped")]


async def test_a_habit_already_logged_today_is_not_reminded(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 5003)
    async with sessionmaker.begin() as session:
        session.add(CheckIn(user_id=5003, habit="fiber", day=date(2026, 3, 2), status="done",
                            updated_at=bot.clock.now))  # fmt: skip
    bot.clock.now = datetime(2026, 3, 2, 7, 0, 5, tzinfo=UTC)
    assert await bot.dispatcher.run_round() == Counter({"sent": 1, "skipped:logged": 1})
    assert "B12" in (await user.reply()).text
    await user.quiet()
    statuses = {d.kind: (d.status, d.detail) for d in await deliveries(sessionmaker, 5003)}
    assert statuses == {"b12": ("sent", None), "fiber": ("skipped", "logged")}


async def test_late_within_grace_is_sent_and_beyond_it_missed(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 5004)
    # The bot was down and comes back at 08:30 UTC: B12 (06:00) is 2.5 h late, past the
    # 2-hour grace; fiber (07:00) is 1.5 h late, still worth sending.
    bot.clock.now = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert await bot.dispatcher.run_round() == Counter({"missed:late": 1, "sent": 1})
    assert "prebiotic fiber" in (await user.reply()).text
    await user.quiet()
    statuses = {d.kind: d.status for d in await deliveries(sessionmaker, 5004)}
    assert statuses == {"b12": "missed", "fiber": "sent"}
    assert await next_fire(sessionmaker, 5004, "b12") == B12_DUE + timedelta(days=1)


async def test_snooze_re_fires_once(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 5005)
    bot.clock.now = B12_DUE
    await bot.dispatcher.run_round()
    await user.reply()
    await user.tap("Snooze")
    assert (await user.edit()).labels == ["30 min", "1 hour", "Back"]
    await user.tap("30 min")
    snoozed = await user.edit()
    assert "again at 07:30" in snoozed.text and snoozed.labels == ["Done"]
    bot.clock.advance(minutes=29)
    assert await bot.dispatcher.run_round() == Counter()
    bot.clock.advance(minutes=1)
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    again = await user.reply()
    assert again.labels == ["Done", "Skip today"], "a snooze re-fires once: no second snooze"
    rows = await deliveries(sessionmaker, 5005)
    assert [(d.status, d.snooze) for d in rows] == [("snoozed", False), ("sent", True)]
    assert await next_fire(sessionmaker, 5005, "b12") == B12_DUE + timedelta(days=1)


async def test_blocked_user_stops_and_resumes_with_start(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 5006)
    bot.api.fail(5006, FORBIDDEN)
    bot.clock.now = B12_DUE
    assert await bot.dispatcher.run_round() == Counter({"blocked": 1})
    async with sessionmaker() as session:
        assert (await session.get(User, 5006)).active is False
    assert await next_fire(sessionmaker, 5006, "fiber") is None
    bot.api.faults.clear()
    bot.clock.advance(hours=6)
    assert await bot.dispatcher.run_round() == Counter()
    await user.ask("/start")
    async with sessionmaker() as session:
        assert (await session.get(User, 5006)).active is True
    assert await next_fire(sessionmaker, 5006, "fiber") == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)


async def test_chat_not_found_counts_as_blocked(bot: RunningBot, sessionmaker) -> None:
    await enrolled(bot, 5007)
    bot.api.fail(5007, CHAT_NOT_FOUND)
    bot.clock.now = B12_DUE
    assert await bot.dispatcher.run_round() == Counter({"blocked": 1})


async def test_429_and_500_are_retried_and_nothing_is_lost(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 5008)
    bot.api.fail(5008, Fault(429, "Too Many Requests: retry after 1", retry_after=1))
    bot.api.fail(5008, SERVER_ERROR)
    bot.clock.now = B12_DUE
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    await user.reply()
    await user.quiet()
    assert sum("⏰" in text for text in bot.api.sent_texts[5008]) == 1


async def test_a_429_pauses_every_sender_for_retry_after(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock
) -> None:
    """A 429 is about the whole bot: after one, no reminder to anybody reaches the Bot API
    until retry_after has passed; then each is retried and sent once."""
    users = await seed_due_reminders(database_url, 3, B12_DUE, first_id=5040)
    for user_id in users:  # each one's first try is refused, so every 429 opens a window
        fake_api.fail(user_id, Fault(429, "Too Many Requests: retry after 1", retry_after=1))
    # A slow pace (2/s): no second sender is already past the limiter when a 429 comes back,
    # so what keeps a window quiet is the pause, not the pace.
    async with running_bot(fake_api, database_url, clock, broadcast_rate=2) as bot:
        clock.now = B12_DUE
        assert await bot.dispatcher.run_round() == Counter({"sent": 3})
    sends = [
        (arrived, int(params["chat_id"]))
        for (method, params), arrived in zip(fake_api.calls, fake_api.call_times, strict=True)
        if method == "sendMessage"
    ]
    refused_at = {}  # each chat's first try got the 429, answered as it arrived
    for arrived, chat in sends:
        refused_at.setdefault(chat, arrived)
    assert sorted(refused_at) == users
    for chat, at in refused_at.items():
        during = [(round(t - at, 3), c) for t, c in sends if at < t < at + 1]
        assert not during, f"sent within retry_after of the 429 to {chat}: {during}"
    assert Counter(chat for _, chat in sends) == dict.fromkeys(users, 2), "refused, then sent"
    assert {user_id: len(fake_api.sent_texts[user_id]) for user_id in users} == dict.fromkeys(
        users, 1
    )


async def test_a_timeout_is_recorded_as_uncertain_not_resent(bot: RunningBot, sessionmaker) -> None:
    await enrolled(bot, 5009)
    bot.api.fail(5009, Fault(delay=6))
    bot.clock.now = B12_DUE
    assert await bot.dispatcher.run_round() == Counter({"uncertain": 1})
    [delivery] = await deliveries(sessionmaker, 5009)
    assert delivery.status == "uncertain" and "timed out" in delivery.detail


async def test_claimed_but_unsent_rows_are_sent_after_a_crash(
    bot: RunningBot, sessionmaker
) -> None:
    """A process that died between claiming and sending: its rows are taken over, once."""
    user = await enrolled(bot, 5010)
    store = bot.dispatcher.store
    await bot.dispatcher.run_round()  # this process's first round (a SQLite takeover) is past
    bot.clock.now = B12_DUE
    claimed, _ = await store.claim(bot.clock.now, 10)  # ... and then the process "dies"
    assert [c.kind for c in claimed] == ["b12"]
    assert await bot.dispatcher.run_round() == Counter(), "the lease still holds"
    bot.clock.advance(seconds=61)
    assert await bot.dispatcher.run_round() == Counter({"recovered": 1, "sent": 1})
    assert "B12" in (await user.reply()).text
    await user.quiet()


async def test_rows_in_flight_at_a_crash_are_uncertain_and_not_resent(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 5011)
    store = bot.dispatcher.store
    bot.clock.now = B12_DUE
    claimed, _ = await store.claim(bot.clock.now, 10)
    await store.mark_sending([c.delivery_id for c in claimed], bot.clock.now)  # then SIGKILL
    bot.clock.advance(seconds=61)
    assert await bot.dispatcher.run_round() == Counter({"uncertain": 1})
    await user.quiet()
    [delivery] = await deliveries(sessionmaker, 5011)
    assert delivery.status == "uncertain"


async def test_paused_users_are_skipped(bot: RunningBot, sessionmaker) -> None:
    await enrolled(bot, 5012)
    async with sessionmaker.begin() as session:
        await session.execute(update(User).where(User.id == 5012).values(paused=True))
    bot.clock.now = B12_DUE
    assert await bot.dispatcher.run_round() == Counter({"skipped:paused": 1})


async def test_foreign_reminder_buttons_touch_nothing(bot: RunningBot, sessionmaker) -> None:
    owner = await enrolled(bot, 5013)
    intruder = await enrolled(bot, 5014)
    bot.clock.now = B12_DUE
    await bot.dispatcher.run_round()
    reminder = await owner.reply()
    await intruder.reply()
    data = reminder.reply_markup["inline_keyboard"][0][0]["callback_data"]
    query = await intruder.press(data, bot.api.messages[(owner.id, reminder.message_id)])
    assert "too old" in (await intruder.answer(query)).text
    async with sessionmaker() as session:
        assert (await session.scalars(select(CheckIn))).all() == []


async def test_reminders_lists_next_local_times(bot: RunningBot) -> None:
    user = await enrolled(bot, 5015)
    listing = await user.ask("/reminders")
    assert "Fermented foods at 12:30, next today at 12:30" in listing.text
    assert "Sublingual B12 at 07:00, next today at 07:00" in listing.text
    assert "/pause" in listing.text
    # The weekly check-in and summary too: the plan week's last day, 18:00 and 19:00.
    assert "Weekly check-in, next Mar 8, 2026 at 18:00" in listing.text
    assert "Weekly summary, next Mar 8, 2026 at 19:00" in listing.text


async def test_pause_and_resume_say_when_there_is_nothing_to_change(bot: RunningBot) -> None:
    """/resume with no pause on, /pause with one on: said plainly, not "back on" again."""
    user = await enrolled(bot, 5021)
    resumed = await user.ask("/resume")
    assert "weren't paused" in resumed.text and "back on" not in resumed.text
    await user.ask("/pause")
    await user.tap("1 day")
    await user.edit()
    again = await user.ask("/pause")
    assert "already paused until tomorrow at 01:30" in again.text
    assert again.labels == ["1 day", "1 week", "Until I resume"]
    assert "back on" in (await user.ask("/resume")).text


async def test_pause_for_a_day_then_resume(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 5016)
    question = await user.ask("/pause")
    assert question.labels == ["1 day", "1 week", "Until I resume"]
    await user.tap("1 day")
    paused = await user.edit()
    assert "Paused until tomorrow at 01:30" in paused.text
    bot.clock.now = B12_DUE
    assert await bot.dispatcher.run_round() == Counter(), "paused days write nothing"
    assert await deliveries(sessionmaker, 5016) == []
    resumed = await user.ask("/resume")
    assert "back on" in resumed.text
    bot.clock.now = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})


async def test_pause_until_resumed_and_an_expired_pause(bot: RunningBot) -> None:
    user = await enrolled(bot, 5017)
    await user.ask("/pause")
    await user.tap("Until I resume")
    assert "until you send /resume" in (await user.edit()).text
    bot.clock.advance(days=30)
    assert "until you send /resume" in (await user.ask("/reminders")).text


async def test_while_paused_the_next_times_are_after_the_pause(bot: RunningBot) -> None:
    """No "next" inside the pause: the first time after it, or "after /resume"."""
    user = await enrolled(bot, 5019)
    await user.ask("/pause")
    await user.tap("1 day")  # until Mar 3, 01:30 in Berlin
    paused = await user.edit()
    listing = await user.ask("/reminders")
    for text in (paused.text, listing.text):
        assert "Fermented foods at 12:30, next tomorrow at 12:30" in text
        assert "Sublingual B12 at 07:00, next tomorrow at 07:00" in text
        assert "next today" not in text, "nothing comes inside the pause"
    await user.ask("/pause")
    await user.tap("Until I resume")
    paused = await user.edit()
    listing = await user.ask("/reminders")
    for text in (paused.text, listing.text):
        assert "Sublingual B12 at 07:00, back after /resume" in text
        assert "next" not in text


async def test_schedule_commands_before_the_intake(bot: RunningBot) -> None:
    user = bot.user(5018)
    for command in ("/reminders", "/pause", "/resume"):
        assert "/start" in (await user.ask(command)).text


async def test_the_job_queue_wakes_the_dispatcher_on_time(fake_api, database_url: str) -> None:
    """No test clock here: the real JobQueue, the real time, a reminder due in a second."""
    due = datetime.now(UTC) + timedelta(seconds=1)
    [user_id] = await seed_due_reminders(database_url, 1, due)
    application = build_application(bot_settings(fake_api, database_url))
    await start_bot(application)
    try:
        reminder = await FakeUser(fake_api, user_id).reply(timeout=15)
        assert "⏰" in reminder.text
        arrived = datetime.now(UTC)
        jobs = [job.name for job in application.job_queue.jobs()]
    finally:
        await fake_api.release_pollers()
        await stop_bot(application)
    assert arrived >= due
    assert "coach.dispatch.every" in jobs
    # Three jobs at most, whatever the number of reminders: the two wake-ups and the hourly
    # retention run.
    assert set(jobs) <= {"coach.dispatch.every", "coach.dispatch.next", retention.JOB}


async def test_persistent_server_errors_end_as_failed(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 5019)
    bot.api.fail(5019, Fault(500, "Internal Server Error", times=None))
    bot.clock.now = B12_DUE
    intake = len(bot.api.calls)
    assert await bot.dispatcher.run_round() == Counter({"failed": 1})
    [delivery] = await deliveries(sessionmaker, 5019)
    # attempts counts hand-overs to the Bot API (one); the retries happen within it.
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "Internal Server Error" in delivery.detail
    round_ = bot.api.calls[intake:]
    tries = [p for m, p in round_ if m == "sendMessage" and p.get("chat_id") == "5019"]
    assert len(tries) == 1 + NETWORK_RETRIES == 4, "the first try and 3 retries, then given up"
    await user.quiet()


async def test_a_connection_dropped_mid_request_is_uncertain(bot: RunningBot, sessionmaker) -> None:
    """The request reached the server; it may have been delivered, so it is not re-sent."""
    user = await enrolled(bot, 5020)
    bot.api.fail(5020, Fault(drop=True))
    bot.clock.now = B12_DUE
    assert await bot.dispatcher.run_round() == Counter({"uncertain": 1})
    [delivery] = await deliveries(sessionmaker, 5020)
    assert "no answer" in delivery.detail
    await user.quiet()


async def test_a_claim_taken_over_is_not_sent_by_its_first_owner(
    bot: RunningBot, sessionmaker
) -> None:
    """Process A's lease ran out while it still lived; B took the row over. A must not send."""
    user = await enrolled(bot, 5021)
    store = bot.dispatcher.store
    bot.clock.now = B12_DUE
    [mine], _ = await store.claim(bot.clock.now, 10)
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Delivery).where(Delivery.id == mine.delivery_id).values(worker="another-process")
        )
    assert await store.mark_sending([mine.delivery_id], bot.clock.now) == set()
    await user.quiet()


async def test_a_recovered_claim_is_judged_again(bot: RunningBot, sessionmaker) -> None:
    """A claim left by a crash yesterday is now past the grace period: missed, not sent."""
    user = await enrolled(bot, 5022)
    store = bot.dispatcher.store
    await bot.dispatcher.run_round()
    bot.clock.now = B12_DUE
    await store.claim(bot.clock.now, 10)
    bot.clock.advance(hours=3)
    counts = await bot.dispatcher.run_round()
    assert (counts["missed:late"] >= 1 and counts["sent"] == 0) or counts.get("sent") == 1
    statuses = {d.kind: d.status for d in await deliveries(sessionmaker, 5022)}
    assert statuses["b12"] == "missed"
    await user.reply()  # fiber (07:00) is 2 h late: still within the grace period


async def test_a_double_tap_on_snooze_keeps_the_snooze(bot: RunningBot) -> None:
    user = await enrolled(bot, 5023)
    bot.clock.now = B12_DUE
    await bot.dispatcher.run_round()
    reminder = await user.reply()
    await user.tap("Snooze")
    choices = await user.edit()
    message = bot.api.messages[(user.id, reminder.message_id)].copy()
    data = choices.reply_markup["inline_keyboard"][0][0]["callback_data"]
    await user.tap("30 min")
    assert "again at 07:30" in (await user.edit()).text
    query = await user.press(data, message)  # the same "30 min" again, from a stale screen
    await user.answer(query)
    await user.quiet()  # still snoozed once; nothing changes
    bot.clock.advance(minutes=30)
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})


async def test_a_stop_during_a_429_wait_hands_the_reminder_back(
    bot: RunningBot, sessionmaker
) -> None:
    """Telegram said 429 (not delivered): a stop while waiting out retry_after puts the
    delivery back to claimed, free for any instance, instead of leaving it in flight."""
    await enrolled(bot, 5030)
    bot.api.fail(5030, Fault(429, "Too Many Requests: retry after 30", retry_after=30))
    bot.clock.now = B12_DUE
    refused = asyncio.Event()
    count_429 = bot.dispatcher.on_rate_limited  # the metrics hook, still called

    def on_rate_limited() -> None:
        count_429()
        refused.set()

    bot.dispatcher.on_rate_limited = on_rate_limited
    round_ = asyncio.create_task(bot.dispatcher.run_round())
    # Until the 429 has come back (not merely any message to this chat: the intake sent
    # some, and a stop before the request is a different path).
    await asyncio.wait_for(refused.wait(), 10)
    bot.dispatcher.stop()
    counts = await asyncio.wait_for(round_, 5)  # not 30 s
    assert counts == Counter({"released": 1})
    [delivery] = await deliveries(sessionmaker, 5030)
    assert delivery.status == "claimed" and delivery.lease_until <= bot.clock.now
    assert not [t for t in bot.api.sent_texts[5030] if "⏰" in t], "never delivered"


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("snooze", [True, False])
def test_the_broadcast_json_buttons_are_the_cards_buttons(language: str, snooze: bool) -> None:
    """The dispatcher sends the buttons as ready JSON; the edits after a tap build them
    with PTB. Both must be the same keyboard."""
    t = Catalog().translator(language)
    sent = json.loads(reminder_buttons_json(t, 123456789, snooze))
    assert sent == reminder_buttons(t, 123456789, snooze).to_dict()
    assert len(sent["inline_keyboard"][0]) == (3 if snooze else 2)


async def test_a_snoozed_card_keeps_done_and_the_snooze_menu_has_a_way_back(
    bot: RunningBot, sessionmaker
) -> None:
    """Back from the snooze choice restores the card; after a snooze, Done logs the habit
    and the snoozed reminder does not come again (issue 17: 13)."""
    user = await enrolled(bot, 5020)
    bot.clock.now = B12_DUE
    await bot.dispatcher.run_round()
    card = await user.reply()
    await user.tap("Snooze")
    await user.edit()
    await user.tap("Back")
    back = await user.edit()
    assert (back.text, back.labels) == (card.text, ["Done", "Skip today", "Snooze"])
    await user.tap("Snooze")
    await user.edit()
    await user.tap("30 min")
    await user.edit()
    await user.tap("Done")
    assert "done for" in (await user.edit()).text
    assert ("b12", B12_DUE.date(), "done", None) in await checkins(sessionmaker, 5020)
    bot.clock.advance(minutes=30)
    assert await bot.dispatcher.run_round() == Counter({"skipped:logged": 1})
    await user.quiet()


async def test_back_from_the_snooze_choice_shows_what_was_logged_meanwhile(
    bot: RunningBot, sessionmaker
) -> None:
    """The snooze choice open on the card, B12 ticked from /today: Back shows the logged
    entry, not Done and Snooze again."""
    user = await enrolled(bot, 5022)
    bot.clock.now = B12_DUE
    await bot.dispatcher.run_round()
    card = await user.reply()
    await user.tap("Snooze")
    await user.edit()
    await user.ask("/today")
    await user.tap("○ B12")
    await user.edit()
    await user.tap("Back", card.message_id)
    back = await user.edit()
    assert "done for" in back.text and back.labels == ["📝 Note", "Undo"]
