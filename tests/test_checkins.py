"""Check-ins end to end: follow-up questions on the reminder card, notes, /today, logging
a past day, idempotency and the tolerance rule. Time moves by the test's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from coach.db.models import CheckIn, Delivery
from tests.fakebot import FakeUser
from tests.support.bot import RunningBot
from tests.support.flows import enrolled
from tests.support.rows import checkins

# The default intake (Berlin, plan from Monday 2026-03-02): B12 at 06:00 UTC, fiber at
# 07:00 UTC, fermented foods at 11:30 UTC.
MONDAY = date(2026, 3, 2)
FIBER_DUE = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
FERMENTED_DUE = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)


async def reminder_at(bot: RunningBot, user: FakeUser, when: datetime, sent: int = 1):
    """Move the clock to `when`, run a dispatch round, and return the reminder(s) sent."""
    bot.clock.now = when
    assert (await bot.dispatcher.run_round())["sent"] == sent
    return [await user.reply() for _ in range(sent)]


async def test_fermented_done_asks_which_one_and_any_food_counts(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 6001)
    await reminder_at(bot, user, FIBER_DUE, sent=2)  # B12 and fiber
    [card] = await reminder_at(bot, user, FERMENTED_DUE)
    assert "fermented foods" in card.text
    await user.tap("Done", card.message_id)
    asked = await user.edit()
    assert "Which one?" in asked.text
    assert asked.labels[:7] == [
        "Kimchi", "Kefir", "Sauerkraut", "Live yogurt", "Miso", "Natto", "Something else",
    ]  # fmt: skip
    assert asked.labels[-2:] == ["📝 Note", "Undo"]
    assert ("fermented", MONDAY, "done", None) in await checkins(sessionmaker, 6001)
    await user.tap("Sauerkraut")
    logged = await user.edit()
    assert "Logged: Sauerkraut" in logged.text and logged.labels == ["📝 Note", "Undo"]
    assert ("fermented", MONDAY, "done", "sauerkraut") in await checkins(sessionmaker, 6001)


async def test_fiber_done_asks_how_much_and_b12_is_one_tap(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 6002)
    b12, fiber = await reminder_at(bot, user, FIBER_DUE, sent=2)
    await user.tap("Done", b12.message_id)
    assert (await user.edit()).labels == ["📝 Note", "Undo"], "B12 asks nothing more"
    await user.tap("Done", fiber.message_id)
    asked = await user.edit()
    assert "against today's target of about 2 g" in asked.text
    assert asked.labels == ["Less", "On target", "More", "😣 Too much", "📝 Note", "Undo"]
    await user.tap("On target")
    assert "Logged: On target" in (await user.edit()).text
    assert await checkins(sessionmaker, 6002) == [
        ("b12", MONDAY, "done", None),
        ("fiber", MONDAY, "done", "target"),
    ]


async def asked_for_a_note(bot: RunningBot, user_id: int) -> FakeUser:
    """An enrolled user who ticked B12 on its reminder card and tapped 📝 Note."""
    user = await enrolled(bot, user_id)
    b12, _ = await reminder_at(bot, user, FIBER_DUE, sent=2)
    await user.tap("Done", b12.message_id)
    await user.edit()
    await user.tap("📝 Note", b12.message_id)
    assert "Write a short note about Sublingual B12" in (await user.reply()).text
    return user


async def test_a_note_is_added_to_a_check_in(bot: RunningBot, sessionmaker) -> None:
    user = await asked_for_a_note(bot, 6003)
    too_long = await user.ask("x" * 500)
    assert "200 characters or fewer" in too_long.text
    saved = await user.ask("  Took it   with <breakfast> ")
    assert "Saved your note" in saved.text
    async with sessionmaker() as session:
        row = await session.scalar(select(CheckIn).where(CheckIn.user_id == 6003))
    assert row.note == "Took it with <breakfast>"
    # The question is closed: more text is not taken as a note.
    assert "didn't catch that" in (await user.ask("another thought")).text
    today = await user.ask("/today")  # the checklist shows the note, escaped
    assert "Took it with &lt;breakfast&gt;" in today.text


async def test_a_command_closes_an_unanswered_note_question(bot: RunningBot, sessionmaker) -> None:
    user = await asked_for_a_note(bot, 6013)
    await user.ask("/plan")  # the user moved on without writing one
    assert "didn't catch that" in (await user.ask("is kefir ok at night?")).text
    async with sessionmaker() as session:
        row = await session.scalar(select(CheckIn).where(CheckIn.user_id == 6013))
    assert row.note is None, "the question went with the command"


async def test_double_taps_old_cards_and_changed_minds_leave_one_row(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 6004)
    b12, _ = await reminder_at(bot, user, FIBER_DUE, sent=2)
    await user.tap("Done", b12.message_id)
    await user.tap("Done", b12.message_id)  # a double tap on the same button
    await user.edit()
    await user.quiet()  # Telegram refuses an edit that changes nothing; the bot shrugs
    today = await user.ask("/today")
    assert "✓ B12" in today.labels
    skip = next(b["callback_data"] for row in b12.buttons for b in row if b["text"] == "Skip today")
    await user.press(skip)  # a button the card showed before: the last answer wins
    assert "Skipped" in (await user.edit()).text
    assert [c for c in await checkins(sessionmaker, 6004) if c[0] == "b12"] == [
        ("b12", MONDAY, "skipped", None)
    ]


async def test_today_ticks_habits_whether_or_not_reminders_came(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 6005)
    today = await user.ask("/today")
    assert "Today, Mar 2, 2026" in today.text and "Week 1 of 12" in today.text
    assert today.labels == ["○ Fermented", "○ Fiber", "○ B12", "◀ Day before"] or (
        today.labels == ["○ Fermented", "○ Fiber", "○ B12"]
    )
    await user.tap("○ B12")
    ticked = await user.edit()
    assert "✓ B12" in ticked.labels and "done for Mar 2, 2026" in ticked.text
    await user.tap("○ Fiber")
    asked = await user.edit()
    assert "How much" in asked.text and "Back" in asked.labels
    await user.tap("Less")
    back = await user.edit()
    assert "✓ Fiber" in back.labels and "Prebiotic fiber: Less" in back.text
    await user.tap("✓ B12")  # a ticked habit opens, to undo or add a note
    opened = await user.edit()
    assert opened.labels == ["📝 Note", "Undo", "Back"]
    await user.tap("Undo")
    assert "○ B12" in (await user.edit()).labels
    assert await checkins(sessionmaker, 6005) == [("fiber", MONDAY, "done", "less")]


async def test_too_much_from_today_always_gets_the_gentle_line(
    bot: RunningBot, sessionmaker
) -> None:
    """Week 1: fermented foods cannot step back below the first week's goal. From a reminder
    card "too much" gets the gentle line; from /today it must too."""
    card_user = await enrolled(bot, 6011)
    await reminder_at(bot, card_user, FIBER_DUE, sent=2)
    [card] = await reminder_at(bot, card_user, FERMENTED_DUE)
    today_user = await enrolled(bot, 6012)
    await card_user.tap("Done", card.message_id)
    await card_user.edit()
    await card_user.tap("😣 Too much")
    on_card = await card_user.edit()
    assert "Go gently" in on_card.text

    await today_user.ask("/today")
    await today_user.tap("○ Fermented")
    await today_user.edit()
    await today_user.tap("😣 Too much")
    back = await today_user.edit()
    assert "✓ Fermented" in back.labels, "back on the checklist"
    assert "Go gently" in back.text
    assert ("fermented", MONDAY, "done", "too_much") in await checkins(sessionmaker, 6012)


async def test_past_days_can_be_logged_up_to_three_days_back(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 6006)
    bot.clock.now = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)  # Friday
    await user.ask("/today")
    for day in ("Mar 5, 2026", "Mar 4, 2026", "Mar 3, 2026"):
        await user.tap("◀ Day before")
        shown = await user.edit()
        assert f"{day}</b> (logging a past day)" in shown.text
    assert "◀ Day before" not in shown.labels, "three days back is the limit"
    await user.tap("○ B12")
    assert "✓ B12" in (await user.edit()).labels
    assert await checkins(sessionmaker, 6006) == [("b12", date(2026, 3, 3), "done", None)]
    # A forged button for four days back is refused, and writes nothing.
    query = await user.press("t::done:b12-20260302")
    assert "too old" in (await user.answer(query)).text
    await user.quiet()
    assert len(await checkins(sessionmaker, 6006)) == 1
    await user.tap("Next day ▶")
    assert "Mar 4, 2026" in (await user.edit()).text


async def test_too_much_fiber_steps_next_week_back_and_says_so(
    bot: RunningBot, sessionmaker
) -> None:
    steady, changed_mind = await enrolled(bot, 6007), await enrolled(bot, 6010)
    week2_fiber = FIBER_DUE + timedelta(days=7)
    bot.clock.now = week2_fiber - timedelta(hours=1, minutes=1)
    await bot.dispatcher.run_round()  # the first week's reminders come and go as missed
    bot.clock.now = week2_fiber
    assert (await bot.dispatcher.run_round())["sent"] == 4
    for user in (steady, changed_mind):
        _, fiber = await user.reply(), await user.reply()
        assert "about 3 g today" in fiber.text
        await user.tap("Done", fiber.message_id)
        await user.edit()
        await user.tap("😣 Too much")
        said = await user.edit()
        assert "Next week your fiber target steps back to about 2 g" in said.text
    await changed_mind.tap("Undo")  # taking the answer back takes the signal back
    await changed_mind.edit()
    bot.clock.now = week2_fiber + timedelta(days=7) - timedelta(hours=1, minutes=1)
    await bot.dispatcher.run_round()
    bot.clock.now = week2_fiber + timedelta(days=7)
    assert (await bot.dispatcher.run_round())["sent"] == 4
    _, week3 = await steady.reply(), await steady.reply()
    assert "about 2 g today" in week3.text and "A step lower than last week" in week3.text
    _, week3 = await changed_mind.reply(), await changed_mind.reply()
    assert "about 4 g today" in week3.text and "step lower" not in week3.text


async def test_taps_from_another_user_change_nothing(bot: RunningBot, sessionmaker) -> None:
    owner = await enrolled(bot, 6008)
    intruder = await enrolled(bot, 6009)
    bot.clock.now = FIBER_DUE
    assert (await bot.dispatcher.run_round())["sent"] == 4
    for user in (owner, intruder):
        await user.reply()
        await user.reply()
    async with sessionmaker() as session:
        ids = list(await session.scalars(select(Delivery.id).where(Delivery.user_id == 6008)))
    assert ids
    for action in ("done", "skip", "undo", "note", "ans"):
        arg = f"{ids[0]}-kimchi" if action == "ans" else str(ids[0])
        query = await intruder.press(f"r::{action}:{arg}")
        assert "too old" in (await intruder.answer(query)).text
    await intruder.quiet(0.1)
    assert await checkins(sessionmaker, 6008) == []
    assert await checkins(sessionmaker, 6009) == []


async def test_a_night_owls_day_ends_when_they_say(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 6011)
    await user.ask("/settings")
    await user.tap("Day ends at")
    assert "When does your day end?" in (await user.edit()).text
    await user.tap("03:00")
    saved = await user.edit()
    assert "My day ends at: 03:00" in saved.text
    bot.clock.now = datetime(2026, 3, 3, 0, 30, tzinfo=UTC)  # Tuesday 01:30 in Berlin
    today = await user.ask("/today")
    assert "Today, Mar 2, 2026" in today.text
    await user.tap("○ B12")
    await user.edit()
    assert await checkins(sessionmaker, 6011) == [("b12", MONDAY, "done", None)]


async def test_a_stale_done_button_opens_the_entry_and_keeps_its_answer(
    bot: RunningBot, sessionmaker
) -> None:
    """An older /today message still shows Fermented open, and the morning reminder card
    still shows Done: tapping either after "Kimchi" was logged must not log it again and
    wipe the answer (issue 17: 8)."""
    user = await enrolled(bot, 6014)
    await reminder_at(bot, user, FIBER_DUE, sent=2)
    [card] = await reminder_at(bot, user, FERMENTED_DUE)
    old = await user.ask("/today")
    await user.ask("/today")
    await user.tap("○ Fermented")
    await user.edit()
    await user.tap("Kimchi")
    assert "✓ Fermented" in (await user.edit()).labels
    kimchi = ("fermented", MONDAY, "done", "kimchi")
    assert kimchi in await checkins(sessionmaker, 6014)

    await user.tap("○ Fermented", old.message_id)
    opened = await user.edit()
    assert "Logged: Kimchi" in opened.text and opened.labels == ["📝 Note", "Undo", "Back"]
    assert kimchi in await checkins(sessionmaker, 6014)

    await user.tap("Done", card.message_id)
    on_card = await user.edit()
    assert "Logged: Kimchi" in on_card.text and on_card.labels == ["📝 Note", "Undo"]
    assert kimchi in await checkins(sessionmaker, 6014)
