"""/settings changes any intake answer later, and the schedule follows at once."""

from __future__ import annotations

from datetime import UTC, datetime, time

from coach.db.models import User
from tests.fakebot import FakeUser
from tests.support.bot import RunningBot
from tests.support.flows import (
    Walk,
    enrolled,
    walk_default_intake,
    walk_to_habits,
    walk_to_timezone,
)
from tests.support.rows import schedule, user_row


async def open_settings(user: FakeUser) -> None:
    menu = await user.ask("/settings")
    assert "Your settings" in menu.text


async def test_settings_before_the_intake_points_to_start(bot: RunningBot) -> None:
    assert "/start" in (await bot.user(4001).ask("/settings")).text


async def test_menu_shows_current_answers(bot: RunningBot) -> None:
    user = bot.user(4002)
    await walk_default_intake(user)
    menu = await user.ask("/settings")
    expected = (
        "Language: English",
        "Europe/Berlin (UTC+1), now 01:30",
        "Fermented foods: 12:30",
        "Prebiotic fiber: 08:00",
        "Sublingual B12: 07:00",
        "Health answers: none",
    )
    for line in expected:
        assert line in menu.text
    assert menu.labels[:3] == ["Language", "Time zone", "Habits"]


async def test_change_time_zone_moves_every_reminder(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(4003)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Time zone")
    prompt = await user.reply()
    assert "📍 Share my location" in prompt.labels
    confirmation = await user.ask("Seoul")
    assert "Asia/Seoul" in confirmation.text
    await user.quiet()
    rows = await schedule(sessionmaker, 4003)
    # 2026-03-02 00:30 UTC is 09:30 in Seoul: the 07:00 and 08:00 reminders move to tomorrow.
    assert rows["b12"][2] == datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    assert rows["fiber"][2] == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    assert rows["fermented"][2] == datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    # With no question open, a city name is just text again.
    assert "didn't catch that" in (await user.ask("Berlin")).text


async def test_switch_a_habit_off_and_on_again(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(4004)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Habits")
    await user.edit()
    await user.tap("✅ Prebiotic fiber")
    page = await user.edit()
    assert "▫️ Prebiotic fiber" in page.labels
    enabled, at, next_fire = (await schedule(sessionmaker, 4004))["fiber"]
    assert (enabled, at, next_fire) == (False, time(8, 0), None)
    await user.tap("▫️ Prebiotic fiber")
    await user.edit()
    enabled, _, next_fire = (await schedule(sessionmaker, 4004))["fiber"]
    assert enabled and next_fire == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


async def test_the_last_habit_cannot_be_switched_off(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(4005)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Habits")
    await user.edit()
    for label in ("✅ Fermented foods", "✅ Prebiotic fiber"):
        await user.tap(label)
        await user.edit()
    query = await user.tap("✅ Sublingual B12")
    assert "at least one" in (await user.answer(query)).text
    assert (await schedule(sessionmaker, 4005))["b12"][0] is True


async def test_move_a_reminder_with_a_preset_and_a_typed_time(
    bot: RunningBot, sessionmaker
) -> None:
    user = bot.user(4006)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Reminder times")
    page = await user.edit()
    assert "Sublingual B12: 07:00" in page.labels
    await user.tap("Sublingual B12: 07:00")
    await user.edit()
    await user.tap("Breakfast 08:00")
    saved = await user.edit()
    assert "Saved" in saved.text and "Sublingual B12: 08:00" in saved.text
    assert (await schedule(sessionmaker, 4006))["b12"][1:] == (
        time(8, 0),
        datetime(2026, 3, 2, 7, 0, tzinfo=UTC),
    )
    await user.tap("Reminder times")
    await user.edit()
    await user.tap("Fermented foods: 12:30")
    await user.edit()
    await user.tap("Other time")
    assert "Type a time" in (await user.edit()).text
    confirmation = await user.ask("6:45 pm")
    assert "Saved" in confirmation.text and "Fermented foods: 18:45" in confirmation.text
    assert (await schedule(sessionmaker, 4006))["fermented"][1:] == (
        time(18, 45),
        datetime(2026, 3, 2, 17, 45, tzinfo=UTC),
    )


async def test_safety_answers_can_change_and_say_what_changed(
    bot: RunningBot, sessionmaker
) -> None:
    user = bot.user(4007)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Health answers")
    page = await user.edit()
    assert "Nothing in the plan needs to change" in page.text
    await user.tap("▫️ Histamine issues")
    page = await user.edit()
    assert "small serving" in page.text and "✅ Histamine issues" in page.labels
    async with sessionmaker() as session:
        assert (await session.get(User, 4007)).safety_histamine is True


async def test_language_switch_rewrites_the_menu(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(4008)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Language")
    await user.edit()
    await user.tap("한국어")
    menu = await user.edit()
    assert "내 설정" in menu.text and "언어: 한국어" in menu.text
    assert "할 수 있는 일" in (await user.ask("/help")).text
    await user.tap("닫기")
    assert "/settings" in (await user.edit()).text


async def test_settings_buttons_after_start_over_are_stale(bot: RunningBot) -> None:
    user = bot.user(4009)
    await walk_default_intake(user)
    await open_settings(user)
    await user.ask("/start")
    await user.tap("Start over")
    await user.edit()
    await user.tap("Yes, erase")
    await user.edit()
    await user.reply()
    query = await user.tap("Habits")
    assert "earlier question" in (await user.answer(query)).text


async def test_reopening_settings_closes_an_unanswered_question(bot: RunningBot) -> None:
    user = bot.user(4010)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Time zone")
    await user.reply()
    assert "couldn't find" in (await user.ask("thanks!")).text
    await open_settings(user)
    assert "didn't catch that" in (await user.ask("thanks!")).text


async def test_a_habit_switched_on_gets_a_time_at_once(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(4011)
    walk = Walk(user)
    await walk_to_habits(walk, "Berlin")
    await user.tap("✅ Sublingual B12")
    await user.edit()
    await walk.tap("Continue")
    await walk.tap("Lunch 12:30")
    await walk.tap("Breakfast 08:00")
    for _ in range(5):
        await walk.tap("3")
    assert (await schedule(sessionmaker, 4011))["b12"] == (False, None, None)
    await open_settings(user)
    await user.tap("Habits")
    await user.edit()
    await user.tap("▫️ Sublingual B12")
    await user.edit()
    assert (await schedule(sessionmaker, 4011))["b12"] == (
        True,
        time(7, 0),
        datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
    )
    await user.tap("✅ Sublingual B12")  # and off again: no question is left open
    await user.edit()
    assert "didn't catch that" in (await user.ask("9:00")).text


async def test_a_stale_toggle_tapped_twice_sets_not_flips(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 4012)
    await open_settings(user)
    await user.tap("Health answers")
    page = await user.edit()
    message = bot.api.messages[(user.id, page.message_id)].copy()
    data = next(
        b["callback_data"]
        for row in page.reply_markup["inline_keyboard"]
        for b in row
        if b["text"] == "▫️ Blood thinner"
    )
    for _ in range(2):  # the same old keyboard, tapped twice
        await user.answer(await user.press(data, message))
    async with sessionmaker() as session:
        assert (await session.get(User, 4012)).safety_blood_thinner is True


async def test_continue_in_a_later_week_shows_that_week(bot: RunningBot) -> None:
    user = await enrolled(bot, 4013)
    bot.clock.advance(days=36)
    menu = await user.ask("/start")
    assert "week 6 of 12" in menu.text
    await user.tap("Continue")
    await user.edit()
    summary = await user.reply()  # what /plan shows
    assert "Week 6 of 12" in summary.text and "Phase: build" in summary.text
    assert "5 servings this week" in summary.text


async def test_the_time_zone_question_has_a_way_out(bot: RunningBot, sessionmaker) -> None:
    """Cancel closes /settings' time-zone question, and so does any command: later text is
    not read as a zone until one is valid (issue 17: 14)."""
    user = bot.user(4020)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Time zone")
    prompt = await user.reply()
    assert prompt.labels[-1] == "✖ Cancel"
    kept = await user.ask("✖ Cancel")
    assert "Time zone unchanged: Europe/Berlin" in kept.text
    assert kept.reply_markup == {"remove_keyboard": True}
    assert "didn't catch that" in (await user.ask("Seoul")).text

    await user.tap("Time zone", (await user.ask("/settings")).message_id)
    await user.reply()
    await user.ask("/help")  # moving on closes the question
    assert "didn't catch that" in (await user.ask("Seoul")).text
    assert (await schedule(sessionmaker, 4020))["b12"][1] == time(7, 0)
    assert (await user_row(sessionmaker, 4020)).timezone == "Europe/Berlin"


async def test_a_command_during_the_intake_keeps_its_time_zone_question(bot: RunningBot) -> None:
    """The intake waits at its own question: /help there does not close it."""
    user = bot.user(4021)
    await walk_to_timezone(Walk(user))
    await user.ask("/help")
    assert "Asia/Seoul" in (await user.ask("Seoul")).text


async def test_a_typed_time_returns_to_the_menu_and_leaves_no_live_picker(
    bot: RunningBot, sessionmaker
) -> None:
    """Other time replaces the picker (with Back); the typed time brings the menu back with
    "Saved", and no old button can set the time back later (issue 17: 15)."""
    user = bot.user(4022)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Reminder times")
    await user.edit()
    await user.tap("Sublingual B12: 07:00")
    picker = await user.edit()
    assert picker.labels[-1] == "Back"
    await user.tap("Other time")
    asked = await user.edit()
    assert asked.message_id == picker.message_id and "Type a time" in asked.text
    assert asked.labels == ["Back"], "the presets are gone from the chat"
    menu = await user.ask("9:15")
    assert "Saved" in menu.text and "Sublingual B12: 09:15" in menu.text
    assert "Reminder times" in menu.labels
    await user.tap("Back", asked.message_id)  # the old prompt: back to the list, no change
    page = await user.edit()
    assert "Sublingual B12: 09:15" in page.labels
    assert "didn't catch that" in (await user.ask("7:00")).text, "the question closed"
    assert (await schedule(sessionmaker, 4022))["b12"][1] == time(9, 15)


async def test_a_bare_hour_for_a_dinner_habit_asks_which_one(bot: RunningBot, sessionmaker) -> None:
    """A "7" for fermented foods (lunch or dinner) offers 07:00 and 19:00 instead of
    guessing; for B12 (on waking) it is 07:00. Everyday words work (issue 17: 16)."""
    user = bot.user(4023)
    await walk_default_intake(user)
    await open_settings(user)
    await user.tap("Reminder times")
    await user.edit()
    await user.tap("Fermented foods: 12:30")
    await user.edit()
    await user.tap("Other time")
    await user.edit()
    which = await user.ask("7")
    assert "Which time for Fermented foods" in which.text
    assert which.labels == ["07:00", "19:00"]
    await user.tap("19:00")
    saved = await user.edit()
    assert "Saved" in saved.text and "Fermented foods: 19:00" in saved.text
    assert (await schedule(sessionmaker, 4023))["fermented"][1] == time(19, 0)

    await user.tap("Reminder times", saved.message_id)
    await user.edit()
    await user.tap("Sublingual B12: 07:00")
    await user.edit()
    await user.tap("Other time")
    await user.edit()
    assert "Sublingual B12: 21:30" in (await user.ask("half past 9 in the evening")).text
    assert (await schedule(sessionmaker, 4023))["b12"][1] == time(21, 30)
