"""The 12-week plan end to end: /plan with its tip, the weekly check-in and its tolerance
rule, and the finale with maintenance or a new plan. Time moves by the test's clock."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from coach.db.models import CheckIn, Delivery, Reminder, SymptomScore, User
from tests.support.bot import RunningBot
from tests.support.flows import enrolled, quiet_until
from tests.support.rows import symptom_scores

# The default intake (Berlin, baseline energy 2, clarity 3, digestion 2, mood 3, nails 4)
# starts the plan on Monday 2026-03-02. The weekly check-in closes each week on Sunday at
# 18:00 (17:00 UTC in winter), the digest at 19:00; the finale comes on 2026-05-25 at 10:00
# (08:00 UTC).
FIRST_CHECKIN = datetime(2026, 3, 8, 17, 0, tzinfo=UTC)
FINALE = datetime(2026, 5, 25, 8, 0, tzinfo=UTC)


async def test_weekly_check_in_compares_with_baseline_and_holds_the_plan(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 7001)
    await quiet_until(bot, FIRST_CHECKIN)
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    card = await user.reply()
    assert "Week 1 check-in" in card.text and "Energy" in card.text
    assert card.labels == ["1", "2", "3", "4", "5"]
    for score in ("4", "4", "1", "3"):
        await user.tap(score)
        question = await user.edit()
    assert "Question 5 of 5" in question.text and "Nails" in question.text
    await user.tap("4")
    summary = await user.edit()
    assert "Energy 2 → 4 ↑" in summary.text
    assert "Digestion comfort 2 → 1 ↓" in summary.text and "Mood 3 → 3 =" in summary.text
    assert "next week's fiber target stays at about 2 g" in summary.text
    assert "see a clinician" not in summary.text
    async with sessionmaker() as session:
        rows = (await session.scalars(select(SymptomScore).where(SymptomScore.week == 1))).all()
    assert len(rows) == 5
    # Next week the plan holds instead of rising, and says so.
    bot.clock.now = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    plan = await user.ask("/plan")
    assert "Week 2 of 12" in plan.text
    assert "about 2 g a day. Held at last week's amount" in plan.text
    # Fermented foods stay at 3 servings anyway in week 2: nothing to hold, nothing said.
    assert "3 servings this week, any kind counts.\n" in plan.text


@pytest.mark.parametrize(
    ("off", "said", "unsaid"),
    [
        (("fiber",), "fermented foods stay where they are next week", "fiber"),
        (("fermented",), "next week's fiber target stays at about 2 g.", "fermented"),
        (("fiber", "fermented"), None, "Go gently"),
    ],
)
async def test_the_digestion_hold_names_only_the_habits_coached(
    bot: RunningBot, sessionmaker, off: tuple[str, ...], said: str | None, unsaid: str
) -> None:
    user = await enrolled(bot, 7010)
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Reminder)
            .where(Reminder.user_id == 7010, Reminder.kind.in_(off))
            .values(enabled=False)
        )
    bot.clock.now = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    await user.ask("/checkin")
    for score in ("3", "3", "1", "3", "3"):  # digestion comfort 1: discomfort
        await user.tap(score)
        summary = await user.edit()
    assert "Digestion comfort 2 → 1 ↓" in summary.text
    if said is not None:
        assert said in summary.text
    assert unsaid not in summary.text


async def test_a_rated_week_is_not_asked_again_and_a_sharp_drop_shows_red_flags(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 7002)
    bot.clock.now = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    card = await user.ask("/checkin")
    assert "Week 1 check-in" in card.text
    for score in ("1", "1", "3", "3", "4"):  # clarity 3 -> 1: a sharp drop
        await user.tap(score)
        summary = await user.edit()
    assert "Mental clarity 3 → 1 ↓" in summary.text and "see a clinician promptly" in summary.text
    await quiet_until(bot, FIRST_CHECKIN)
    assert await bot.dispatcher.run_round() == Counter({"skipped:logged": 1})
    await user.quiet()


async def test_week_buttons_out_of_reach_are_refused(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 7003)
    for data in ("w::rate:3-energy-4", "w::rate:0-energy-4", "w::rate:13-mood-2"):
        query = await user.press(data)
        assert "earlier question" in (await user.answer(query)).text
    await user.quiet()
    async with sessionmaker() as session:
        weekly = await session.scalars(select(SymptomScore).where(SymptomScore.week > 0))
        assert weekly.all() == []


async def test_plan_shows_this_weeks_targets_tip_and_the_weeks_ahead(bot: RunningBot) -> None:
    user = await enrolled(bot, 7004)
    plan = await user.ask("/plan")
    assert "Week 1 of 12" in plan.text and "Phase: start low" in plan.text
    assert "3 servings this week" in plan.text and "about 2 g a day" in plan.text
    assert "💡" in plan.text
    assert "Week 2: 3 servings of fermented food, 3 g fiber a day" in plan.text
    assert "Week 4: 4 servings of fermented food, 5 g fiber a day" in plan.text
    assert "Week 5" not in plan.text, "three weeks ahead, short on a phone"


async def test_the_finale_comes_once_and_maintenance_keeps_the_final_targets(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 7005)
    await quiet_until(bot, FINALE)
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    finale = await user.reply()
    assert "finished the 12-week plan" in finale.text and "not medical advice" in finale.text
    assert finale.labels == ["Keep going", "Start a new plan"]
    # Without a choice, the habits rest: their last occurrence in the plan scheduled
    # nothing after it, so no row is written for the days after.
    bot.clock.now = datetime(2026, 5, 26, 12, 0, tzinfo=UTC)
    assert await bot.dispatcher.run_round() == Counter()
    async with sessionmaker() as session:
        waiting = await session.scalars(
            select(Reminder.kind).where(
                Reminder.user_id == 7005,
                Reminder.next_fire_at != None,  # noqa: E711
                Reminder.kind.in_(["fermented", "fiber", "b12"]),
            )
        )
        assert waiting.all() == []
    await user.tap("Keep going")
    assert (await user.edit()).labels == [], "the choice is made: its buttons go"
    kept = await user.reply()
    assert "Maintenance" in kept.text and "about 10 g a day" in kept.text
    assert "Coming up" not in kept.text
    menu = await user.ask("/settings")  # the digest ended with the plan: no page for it
    assert "Weekly summary: ended with your plan" in menu.text
    assert "Weekly summary" not in menu.labels
    query = await user.press("s::menu:digest")  # a button kept from before the plan ended
    await user.answer(query)
    await user.quiet()  # the menu stays as it is: no digest page opens
    for data in ("s::digest:off", "s::dday:2", "s::dtime:2100"):  # an old digest page
        query = await user.press(data)
        assert "earlier question" in (await user.answer(query)).text
    async with sessionmaker() as session:
        digest = await session.scalar(
            select(Reminder).where(Reminder.user_id == 7005, Reminder.kind == "digest")
        )
    assert digest.enabled and digest.days == 1 << 6, "nothing changed after the plan"
    bot.clock.now = datetime(2026, 5, 27, 7, 0, tzinfo=UTC)
    assert await bot.dispatcher.run_round() == Counter({"sent": 2})
    _, fiber = await user.reply(), await user.reply()
    assert "about 10 g today" in fiber.text and "Maintenance" in fiber.text
    async with sessionmaker() as session:
        finales = await session.scalars(select(Delivery).where(Delivery.kind == "finale"))
        assert len(finales.all()) == 1
        assert (await session.get(User, 7005)).plan_completed_on == date(2026, 5, 25)


async def test_a_new_plan_starts_from_today(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 7006)
    async with sessionmaker.begin() as session:  # fiber was switched on in the plan's week 3
        await session.execute(
            update(Reminder)
            .where(Reminder.user_id == 7006, Reminder.kind == "fiber")
            .values(coached_since=date(2026, 3, 16))
        )
    query = await user.press("f::again:confirm")  # before the end: refused
    assert "earlier question" in (await user.answer(query)).text
    await quiet_until(bot, FINALE)
    await bot.dispatcher.run_round()
    await user.reply()
    await user.tap("Start a new plan")
    confirm = await user.edit()
    assert "weekly ratings are cleared" in confirm.text
    assert confirm.labels == ["Keep going", "Yes, start again"]
    await user.tap("Yes, start again")
    await user.edit()
    again = await user.reply()
    assert "new 12-week plan starts today" in again.text and "Week 1 of 12" in again.text
    async with sessionmaker() as session:
        row = await session.get(User, 7006)
        assert (row.plan_started_on, row.plan_completed_on) == (date(2026, 5, 25), None)
        finale = await session.scalar(
            select(Reminder.next_fire_at).where(Reminder.user_id == 7006, Reminder.kind == "finale")
        )
        since = await session.scalars(
            select(Reminder.coached_since).where(Reminder.user_id == 7006)
        )
        assert set(since) == {None}, "the new plan counts every habit from its first day"
    assert finale == datetime(2026, 8, 17, 8, 0, tzinfo=UTC)


async def test_the_weekly_check_in_moves_to_the_chosen_day_and_time(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 7007)
    menu = await user.ask("/settings")
    assert "Weekly check-in: Sunday at 18:00" in menu.text
    await user.tap("Weekly check-in")
    page = await user.edit()
    assert "✅ Sunday" in page.labels and "✅ 18:00" in page.labels
    await user.tap("Wednesday")
    assert "✅ Wednesday" in (await user.edit()).labels, "the page stays for the time"
    await user.tap("20:00")
    assert "Weekly check-in: Wednesday at 20:00" in (await user.edit()).text
    async with sessionmaker() as session:
        due = await session.scalar(
            select(Reminder.next_fire_at).where(
                Reminder.user_id == 7007, Reminder.kind == "checkin"
            )
        )
    assert due == datetime(2026, 3, 4, 19, 0, tzinfo=UTC)


async def test_after_the_plan_plan_and_checkin_offer_the_choice_again(
    bot: RunningBot, sessionmaker
) -> None:
    """A finale that never arrived (blocked, lost) must not strand the user."""
    user = await enrolled(bot, 7008)
    bot.clock.now = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # week 15, nothing chosen
    for command in ("/plan", "/checkin"):
        shown = await user.ask(command)
        assert "finished the 12 weeks" in shown.text
        assert shown.labels == ["Keep going", "Start a new plan"]
    await user.tap("Keep going")
    await user.edit()
    assert "Maintenance" in (await user.reply()).text
    assert "Week 15 check-in" in (await user.ask("/checkin")).text


async def test_start_over_clears_the_plan_state(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 7009)
    async with sessionmaker.begin() as session:
        row = await session.get(User, 7009)
        row.maintenance, row.plan_completed_on = True, date(2026, 5, 25)
    await user.ask("/today")
    await user.tap("○ B12")
    await user.edit()
    await user.ask("/start")
    await user.tap("Start over")
    await user.edit()
    await user.tap("Yes, erase")
    await user.edit()
    await user.reply()
    async with sessionmaker() as session:
        row = await session.get(User, 7009)
        assert (row.maintenance, row.plan_completed_on, row.day_ends_at) == (False, None, None)
        assert (await session.scalars(select(CheckIn).where(CheckIn.user_id == 7009))).all() == []


async def test_a_rated_week_can_be_changed_answer_by_answer(bot: RunningBot, sessionmaker) -> None:
    """/checkin again in a rated week shows the result with a way to change an answer: a
    wrong tap can be corrected (issue 17: 21). Buttons for a week out of reach are stale."""
    user = await enrolled(bot, 7011)
    bot.clock.now = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    await user.ask("/checkin")
    for score in ("3", "3", "2", "3", "4"):
        await user.tap(score)
        summary = await user.edit()
    again = await user.ask("/checkin")
    assert again.labels == ["✏️ Change an answer"]
    await user.tap("✏️ Change an answer")
    which = await user.edit()
    assert "Which answer" in which.text
    assert which.labels == [
        "Energy: 3", "Mental clarity: 3", "Digestion comfort: 2", "Mood: 3", "Nails: 4", "Back",
    ]  # fmt: skip
    await user.tap("Energy: 3")
    question = await user.edit()
    assert question.labels == ["1", "2", "✅ 3", "4", "5", "Back"]
    await user.tap("5")
    changed = await user.edit()
    assert "Energy 2 → 5 ↑" in changed.text and changed.labels == ["✏️ Change an answer"]
    assert (await symptom_scores(sessionmaker, 7011))[(1, "energy")] == 5
    await user.tap("✏️ Change an answer", summary.message_id)
    await user.edit()
    await user.tap("Back")
    assert "Energy 2 → 5 ↑" in (await user.edit()).text

    bot.clock.now = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)  # week 3: week 1 is out of reach
    query = await user.press("w::change:1-energy")
    assert "earlier question" in (await user.answer(query)).text
    await user.quiet()


async def test_two_uncomfortable_weeks_say_the_plan_waits_and_who_can_help(
    bot: RunningBot,
) -> None:
    """Someone who stays bloated is told plainly, from the second held week, that the plan
    waits for digestion to settle, and to talk to a clinician if it doesn't (issue 17: 11)."""
    user = await enrolled(bot, 7012)
    bot.clock.now = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)  # week 1
    await user.ask("/checkin")
    for score in ("3", "3", "1", "3", "3"):
        await user.tap(score)
        first = await user.edit()
    assert "Go gently" in first.text and "weeks in a row" not in first.text
    bot.clock.now = datetime(2026, 3, 13, 10, 0, tzinfo=UTC)  # week 2
    await user.ask("/checkin")
    for score in ("3", "3", "2", "3", "3"):
        await user.tap(score)
        second = await user.edit()
    assert "2 weeks in a row" in second.text and "clinician" in second.text
