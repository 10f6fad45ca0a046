"""The intake end to end, as a user would: through the fake Bot API server, in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from coach.bot.app import build_application
from coach.db.models import SymptomScore, User
from tests.fakebot import FakeUser
from tests.support.bot import RunningBot, start_bot, stop_bot
from tests.support.flows import Walk, walk_default_intake, walk_to_habits, walk_to_timezone
from tests.support.rows import reminders, user_row

MAX_TAPS = 15


async def test_default_english_path_is_all_taps_within_budget(
    bot: RunningBot, sessionmaker
) -> None:
    walk, summary = await walk_default_intake(bot.user(3001))
    assert walk.typed == 0
    assert walk.taps <= MAX_TAPS
    assert "Week 1 of 12 starts today" in summary.text
    assert "Fermented foods at 12:30: 3 servings this week" in summary.text
    assert "Prebiotic fiber at 08:00: about 2 g a day" in summary.text
    assert "Sublingual B12 at 07:00" in summary.text and "clinician" in summary.text
    assert "/settings" in summary.text and "not medical advice" in summary.text
    assert "Your first reminder comes today at 07:00: Sublingual B12" in summary.text
    assert "any time with /today" in summary.text

    user = await user_row(sessionmaker, 3001)
    assert (user.intake_step, user.timezone, user.language) == ("done", "Europe/Berlin", "en")
    # The clock says 2026-03-02 00:30 UTC, which is 01:30 in Berlin: the plan starts that day.
    assert user.plan_started_on == date(2026, 3, 2)
    rows = await reminders(sessionmaker, 3001)
    assert {k: (r.local_time, r.next_fire_at) for k, r in rows.items()} == {
        "fermented": (time(12, 30), datetime(2026, 3, 2, 11, 30, tzinfo=UTC)),
        "fiber": (time(8, 0), datetime(2026, 3, 2, 7, 0, tzinfo=UTC)),
        "b12": (time(7, 0), datetime(2026, 3, 2, 6, 0, tzinfo=UTC)),
        # The weekly check-in closes each plan week (Sunday 18:00) and the digest follows at
        # 19:00; the finale comes the morning after the 12th week.
        "checkin": (time(18, 0), datetime(2026, 3, 8, 17, 0, tzinfo=UTC)),
        "digest": (time(19, 0), datetime(2026, 3, 8, 18, 0, tzinfo=UTC)),
        "finale": (time(10, 0), datetime(2026, 5, 25, 8, 0, tzinfo=UTC)),
    }
    async with sessionmaker() as session:
        scores = dict(
            (await session.execute(select(SymptomScore.symptom, SymptomScore.score))).all()
        )
    assert scores == {"energy": 2, "clarity": 3, "digestion": 2, "mood": 3, "nails": 4}


async def test_korean_path_with_shared_location(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(3002, language_code="ko", name="민지")
    walk = Walk(user)
    first = await user.ask("/start")
    assert "✅ 한국어" in first.labels, "Korean is preselected from language_code"
    assert "의학적 조언이 아니에요" not in first.text, "the disclaimer is on the consent screen"
    zone_question = await walk_to_timezone(walk, "✅ 한국어")
    assert "📍 내 위치 보내기" in zone_question.labels and "서울" in zone_question.labels
    walk.taps += 1
    await user.send_location(37.5665, 126.9780)
    confirmation = await walk.next_message()
    assert "Asia/Seoul" in confirmation.text and "UTC+9" in confirmation.text
    assert "09:30" in confirmation.text, "local time now in Seoul"
    assert confirmation.reply_markup == {"remove_keyboard": True}
    await walk.next_message()
    await walk.tap("해당 없음")
    await walk.next_message()
    await walk.tap("계속")
    await walk.tap("점심 식사 12:30")
    await walk.tap("아침 식사 08:00")
    await walk.tap("기상 직후 07:00")
    for score in "34345":
        summary = await walk.tap(score)
    assert walk.taps <= MAX_TAPS and walk.typed == 0
    assert "플랜이 준비됐어요" in summary.text and "발효 식품 12:30: 이번 주 3회" in summary.text
    assert (await user_row(sessionmaker, 3002)).timezone == "Asia/Seoul"


async def test_typed_zones_offsets_and_times_are_understood(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(3003)
    walk = Walk(user)
    await walk_to_timezone(walk)
    retry = await walk.type("Narnia")
    assert "couldn't find that time zone" in retry.text
    confirmation = await walk.type("UTC+9")
    assert "Time zone set: UTC+9." in confirmation.text and "09:30" in confirmation.text
    await walk.next_message()
    await walk.tap("Done")
    await walk.next_message()
    await walk.tap("Continue")
    await user.tap("Other time")
    prompt = await walk.next_message()
    assert "Type a time" in prompt.text
    assert "couldn't read that time" in (await walk.type("25:99")).text
    fiber_question = await walk.type("8:15 pm")
    assert "✓ Fermented foods: 20:15" in fiber_question.text
    assert "Prebiotic fiber" in fiber_question.text
    # Typing a time works without tapping "Other time" first.
    b12_question = await walk.type("7.05")
    assert "✓ Prebiotic fiber: 07:05" in b12_question.text
    rows = await reminders(sessionmaker, 3003)
    assert rows["fermented"].local_time == time(20, 15)
    assert rows["fiber"].local_time == time(7, 5)
    assert (await user_row(sessionmaker, 3003)).intake_step == "times"


async def test_none_of_these_never_erases_a_ticked_safety_answer(
    bot: RunningBot, sessionmaker
) -> None:
    user = bot.user(3014)
    walk = Walk(user)
    await walk_to_timezone(walk)
    await walk.tap_keyboard("London")
    old = await walk.next_message()
    await user.ask("/start")
    again = await walk.tap("Continue")  # the question once more, as a new message
    await user.tap("▫️ Blood thinner", message_id=again.message_id)
    ticked = await user.edit()
    assert "✅ Blood thinner" in ticked.labels
    assert "None of these" not in ticked.labels, "it would contradict the tick"

    # The older copy still shows no ticks, and "None of these".
    query = await user.tap("None of these", message_id=old.message_id)
    alert = await user.answer(query)
    assert alert.params["show_alert"] in (True, "true")
    assert "kept it" in alert.params["text"]
    shown = await user.edit()
    assert shown.message_id == old.message_id
    assert "✅ Blood thinner" in shown.labels and "None of these" not in shown.labels
    row = await user_row(sessionmaker, 3014)
    assert (row.safety_blood_thinner, row.intake_step) == (True, "safety")

    changes = await walk.tap("Done")
    assert "natto" in changes.text


async def test_safety_answers_change_the_plan_and_say_why(bot: RunningBot) -> None:
    user = bot.user(3004)
    walk = Walk(user)
    await walk_to_timezone(walk)
    await walk.tap_keyboard("London")
    await walk.next_message()
    await user.tap("▫️ Blood thinner")
    ticked = await user.edit()
    assert "✅ Blood thinner" in ticked.labels
    await user.tap("▫️ IBS / FODMAP")
    await user.edit()
    await user.tap("▫️ Histamine issues")
    await user.edit()
    await user.tap("✅ Histamine issues")  # changed their mind
    await user.edit()
    changes = await walk.tap("Done")
    assert "natto" in changes.text and "vitamin K2" in changes.text
    assert "more slowly" in changes.text
    assert "histamine" not in changes.text.lower()
    habits = await walk.next_message()
    await user.tap("✅ Sublingual B12")  # switch B12 off
    assert "▫️ Sublingual B12" in (await user.edit()).labels
    await walk.tap("Continue")
    await walk.tap("Dinner 19:00")
    await walk.tap("Dinner 19:00")
    for _ in range(5):
        summary = await walk.tap("3")
    assert "no natto" in summary.text
    assert "about 1 g a day, ramping slowly" in summary.text
    assert "B12" not in summary.text
    assert habits.text


async def test_at_least_one_habit_stays_on(bot: RunningBot) -> None:
    user = bot.user(3005)
    walk = Walk(user)
    await walk_to_habits(walk, "Sydney")
    for label in ("✅ Fermented foods", "✅ Prebiotic fiber", "✅ Sublingual B12"):
        await user.tap(label)
        await user.edit()
    query = await user.tap("Continue")
    assert "at least one habit" in (await user.answer(query)).text
    await user.quiet()


async def test_not_now_keeps_only_id_and_language(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(3006, language_code="ko")
    walk = Walk(user)
    await user.ask("/start")
    await walk.tap("English")
    declined = await walk.tap("Not now")
    assert "/start" in declined.text and "only your language" in declined.text
    row = await user_row(sessionmaker, 3006)
    assert (row.language, row.intake_step, row.consented_at, row.timezone) == (
        "en",
        "declined",
        None,
        None,
    )
    assert await reminders(sessionmaker, 3006) == {}
    again = await user.ask("/start")
    assert "Which language" in again.text


async def test_start_mid_intake_offers_continue_or_start_over(
    bot: RunningBot, sessionmaker
) -> None:
    user = bot.user(3007)
    walk = Walk(user)
    await walk_to_timezone(walk)
    await walk.tap_keyboard("Chicago")
    safety = await walk.next_message()
    menu = await user.ask("/start")
    assert "partway through" in menu.text and menu.labels == ["Continue", "Start over"]
    again = await walk.tap("Continue")
    assert again.text == safety.text, "Continue shows the open question again"

    await user.ask("/start")
    await user.tap("Start over")
    confirm = await user.edit()
    assert "erases" in confirm.text
    await user.tap("No, keep them")
    assert "Kept everything" in (await user.edit()).text
    assert (await user_row(sessionmaker, 3007)).timezone == "America/Chicago"

    await user.ask("/start")
    await user.tap("Start over")
    await user.edit()
    fresh = await walk.tap("Yes, erase")
    assert "Which language" in fresh.text
    row = await user_row(sessionmaker, 3007)
    assert (row.intake_step, row.timezone, row.intake_round) == ("language", None, 2)

    # A button from the first run is stale now and changes nothing.
    stale = await user.tap("Done", message_id=safety.message_id)
    assert "earlier question" in (await user.answer(stale)).text
    assert (await user_row(sessionmaker, 3007)).intake_step == "language"


async def test_start_after_the_intake_offers_continue(bot: RunningBot) -> None:
    user = bot.user(3008)
    await walk_default_intake(user)
    menu = await user.ask("/start")
    assert "week 1 of 12" in menu.text
    shown = await Walk(user).tap("Continue")
    assert "Your plan</b>" in shown.text and "Week 1 of 12" in shown.text, "what /plan shows"
    assert "starts today" not in shown.text


async def test_a_restart_mid_intake_continues_at_the_same_step(
    bot: RunningBot, sessionmaker
) -> None:
    user = bot.user(3009)
    walk = Walk(user)
    await walk_to_habits(walk, "New York")

    # The process goes away and another one (same database) takes the next update.
    await bot.api.release_pollers()
    await stop_bot(bot.application)
    bot.api.resume_pollers()
    second = build_application(bot.settings, bot.clock, dispatch_automatically=False)
    await start_bot(second)
    try:
        await walk.tap("Continue")
        for label in ("Lunch 12:30", "Breakfast 08:00", "On waking 07:00"):
            await walk.tap(label)
        for _ in range(5):
            summary = await walk.tap("4")
        assert "Your plan is set" in summary.text
    finally:
        await bot.api.release_pollers()
        await stop_bot(second)
        bot.api.resume_pollers()
        await start_bot(bot.application)
    assert (await user_row(sessionmaker, 3009)).timezone == "America/New_York"


async def test_double_taps_and_foreign_buttons_write_nothing(bot: RunningBot, sessionmaker) -> None:
    lisa, minji = bot.user(3010), bot.user(3011, language_code="ko")
    first = await lisa.ask("/start")
    english = lisa.api.messages[(lisa.id, first.message_id)].copy()
    await lisa.tap("✅ English")
    await lisa.edit()  # the answered question loses its buttons
    await lisa.reply()
    # A double tap arrives from a client that still shows the old keyboard.
    data = first.reply_markup["inline_keyboard"][0][0]["callback_data"]
    second = await lisa.press(data, english)
    assert "earlier question" in (await lisa.answer(second)).text

    # Minji presses a button from Lisa's chat (as a forged client could): nothing of Lisa's
    # changes, and Minji, whom the bot has never met, gets a polite answer.
    consent = lisa.api.messages[(lisa.id, max(m for c, m in lisa.api.messages if c == lisa.id))]
    data = consent["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    query = await minji.press(data, consent)
    assert (await minji.answer(query)).text
    assert (await user_row(sessionmaker, 3010)).intake_step == "consent"
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).where(User.id == 3011)) == 0


async def test_forged_callback_data_gets_a_polite_answer(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(3012)
    await user.ask("/start")
    for data in ("garbage", "i:1:lang:fr", "i:0:lang:en", "i::lang:en", "i:1:base:energy-9",
                 "s::habit:vitamin", "x" * 64, "i:1:time:b12-2561", "o:1:over:now"):  # fmt: skip
        query = await user.press(data)
        assert (await user.answer(query)).text in {
            "That button no longer works. Send /start to carry on.",
            "That button is from an earlier question. Please use the latest message.",
        }
    assert (await user_row(sessionmaker, 3012)).intake_step == "language"
    await user.quiet()


async def test_a_sticker_where_a_tap_is_expected_gets_the_text_line(bot: RunningBot) -> None:
    user = bot.user(3013)
    await user.ask("/start")
    await user.send_sticker()
    assert "only read text" in (await user.reply()).text


def test_quick_zone_labels_resolve_to_their_zones() -> None:
    from coach.bot.screens.intake import QUICK_ZONES
    from coach.domain.zones import resolve_zone
    from coach.i18n import Catalog

    catalog = Catalog()
    for language in catalog.languages:
        t = catalog.translator(language)
        for zones in QUICK_ZONES.values():
            for key, zone in zones:
                assert resolve_zone(t(f"zone-{key}")) == zone, (language, key)


async def test_new_user_is_unknown_until_start(bot: RunningBot) -> None:
    user: FakeUser = bot.user(3014)
    assert "didn't catch that" in (await user.ask("Berlin")).text


async def test_an_old_other_time_button_is_stale(bot: RunningBot) -> None:
    user = bot.user(3015)
    walk = Walk(user)
    await walk_to_habits(walk, "Berlin")
    fermented = await walk.tap("Continue")
    await user.tap("Other time")
    await user.reply()
    await walk.type("21:00")  # fermented done; the fiber question is open
    query = await user.tap("Other time", message_id=fermented.message_id)
    assert "earlier question" in (await user.answer(query)).text
    fiber = await walk.tap("Breakfast 08:00")
    assert "✓ Prebiotic fiber: 08:00" in fiber.text


async def test_buttons_from_a_declined_intake_stay_dead(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(3016)
    walk = Walk(user)
    first = await user.ask("/start")
    await walk.tap("✅ English")
    consent = user.api.messages[(user.id, max(m for c, m in user.api.messages if c == user.id))]
    agree = consent["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await walk.tap("Not now")
    await user.ask("/start")
    query = await user.press(agree, consent)
    assert "earlier question" in (await user.answer(query)).text
    assert (await user_row(sessionmaker, 3016)).intake_step == "language"
    assert first.text


async def test_text_at_a_button_step_gets_a_one_line_pointer(bot: RunningBot) -> None:
    """Not the question again: at step 1 that was the whole greeting, once per text."""
    user = bot.user(3015)
    await user.ask("/start")
    for text in ("hello?", "english please", "👋"):
        pointer = await user.ask(text)
        assert pointer.text == (
            "Please tap one of the buttons on the question above. "
            "Lost it? Send /start and tap Continue."
        )
        assert pointer.labels == []
    await user.quiet()
    await user.tap("✅ English")  # the question's buttons still answer
    await user.edit()
    assert "Before we begin" in (await user.reply()).text


async def test_the_weekly_summary_follows_the_weekly_check_in_on_its_day(
    bot: RunningBot, sessionmaker
) -> None:
    """A plan that starts on a Wednesday closes each week on Tuesday: the summary comes an
    hour after that check-in, not on Sunday before the week's ratings (issue 17: 5)."""
    bot.clock.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # Wednesday, 10:00 in Berlin
    await walk_default_intake(bot.user(3020))
    assert (await user_row(sessionmaker, 3020)).plan_started_on == date(2026, 3, 4)
    rows = await reminders(sessionmaker, 3020)
    assert (rows["checkin"].local_time, rows["checkin"].next_fire_at) == (
        time(18, 0),
        datetime(2026, 3, 10, 17, 0, tzinfo=UTC),
    )
    assert (rows["digest"].local_time, rows["digest"].next_fire_at) == (
        time(19, 0),
        datetime(2026, 3, 10, 18, 0, tzinfo=UTC),
    )


async def test_answered_questions_keep_a_trace_of_the_answer(bot: RunningBot) -> None:
    """After a tap the question loses its buttons, not its words, and says what was chosen:
    the chat's history shows every answer, formatting kept (issue 17: 24)."""
    user = bot.user(3021)
    walk = Walk(user)
    await user.ask("/start")
    await user.tap("✅ English")
    language = await user.edit()
    assert language.reply_markup is None and language.text.endswith("\n\n✓ English")
    assert "<i>Step 1 of 7</i>" in language.text, "its formatting survives the round trip"
    await walk.next_message()
    await user.tap("Agree")
    assert (await user.edit()).text.endswith("✓ Agree")
    await walk.next_message()
    await walk.tap_keyboard("Berlin")
    await walk.next_message()  # the safety question
    await user.tap("▫️ Blood thinner")
    await user.edit()
    await user.tap("Done")
    assert (await user.edit()).text.endswith("✓ Blood thinner")
    while "Continue" not in (await walk.next_message()).labels:  # what changed, then habits
        pass
    await user.tap("Continue")
    habits = await user.edit()
    assert habits.text.endswith("✓ Fermented foods, Prebiotic fiber and Sublingual B12")


async def test_an_evening_intake_says_the_first_reminder_comes_tomorrow(bot: RunningBot) -> None:
    bot.clock.now = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)  # 22:00 in Berlin
    _, summary = await walk_default_intake(bot.user(3022))
    assert "Your first reminder comes tomorrow at 07:00: Sublingual B12" in summary.text


async def test_a_tap_on_a_message_telegram_no_longer_shows_still_moves_on(bot: RunningBot) -> None:
    """A tap whose message Telegram sends back as inaccessible (deleted, or too old): the
    answer is taken and the next question comes; nothing to mark on the old one."""
    user = bot.user(3023)
    first = await user.ask("/start")
    data = next(b["callback_data"] for row in first.buttons for b in row if "English" in b["text"])
    gone = {"message_id": first.message_id, "chat": {"id": user.id, "type": "private"}, "date": 0}
    await user.press(data, gone)
    assert "Agree" in (await Walk(user).next_message()).labels
