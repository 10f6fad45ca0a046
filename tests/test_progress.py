"""/progress with its chart, the weekly digest, the final report, /export and /delete, end to
end through the fake Bot API server. Time moves by the test's clock."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select, update

from coach.db.models import CheckIn, Delivery, Reminder, SymptomScore, User
from coach.domain.plan import load_plan
from coach.domain.reminders import Status
from coach.paths import PLAN_FILE
from coach.reminders.store import Outcome
from coach.services.progress import load_progress, load_progresses
from coach.services.targets import TargetBook
from tests.fakebot.html import parse_html
from tests.fakebot.server import Fault
from tests.support.bot import RunningBot
from tests.support.flows import ENGLISH_DEFAULT, Walk, enrolled, quiet_until, walk_to_timezone
from tests.support.rows import user_rows
from tests.support.services import delete_user

# The default intake (Berlin, baseline energy 2, clarity 3, digestion 2, mood 3, nails 4)
# starts the plan on Monday 2026-03-02; the digest comes on Sundays at 19:00 (18:00 UTC).
START = date(2026, 3, 2)
FIRST_DIGEST = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
FINALE = datetime(2026, 5, 25, 8, 0, tzinfo=UTC)
DRAWN = 60.0  # seconds a chart or PDF may take on a loaded machine before the test gives up


async def log_days(sessionmaker, user_id: int, habit: str, days: dict[int, str]) -> None:
    """Check-ins as the buttons would have saved them: plan day offset -> done / skipped."""
    async with sessionmaker.begin() as session:
        for offset, status in days.items():
            session.add(
                CheckIn(
                    user_id=user_id,
                    habit=habit,
                    day=START + timedelta(days=offset),
                    status=status,
                    updated_at=datetime(2026, 3, 2, tzinfo=UTC) + timedelta(days=offset),
                )
            )


async def rate_week(sessionmaker, user_id: int, week: int, scores: dict[str, int]) -> None:
    async with sessionmaker.begin() as session:
        for symptom, score in scores.items():
            session.add(
                SymptomScore(
                    user_id=user_id,
                    week=week,
                    symptom=symptom,
                    score=score,
                    recorded_at=datetime(2026, 3, 8, tzinfo=UTC) + timedelta(weeks=week - 1),
                )
            )


def png_of(event) -> Image.Image:  # type: ignore[no-untyped-def]
    assert event.kind == "photo" and event.file, event
    image = Image.open(io.BytesIO(event.file))
    image.load()
    return image


async def test_progress_shows_adherence_streaks_and_symptoms_with_a_chart(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 9001)
    # Week 1 and three days of week 2: B12 every day but one missed and one skipped.
    await log_days(sessionmaker, 9001, "b12", {d: "done" for d in range(10) if d not in (4, 8)})
    await log_days(sessionmaker, 9001, "b12", {8: "skipped"})
    await log_days(sessionmaker, 9001, "fermented", {0: "done", 2: "done", 5: "done"})
    await rate_week(sessionmaker, 9001, 1, {"energy": 4, "clarity": 3, "digestion": 1})
    bot.clock.now = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)  # Thursday of week 2, day 10
    text = parse_html((await user.ask("/progress")).text)
    assert "Your progress: week 2 of 12, start low" in text
    # B12: week 2 so far is days 7..9 (8 skipped): 2 of 3 done. Overall 8 done of 10 days.
    assert "Sublingual B12\nThis week 67% · overall 80%" in text
    # Streak: days 9, 7, 6 and 5 done (8 skipped is passed over), day 4 missed: 4 in a row,
    # as many as days 0 to 3.
    assert "🔥 4 days in a row (best 4)" in text
    # Fermented: 3 servings in week 1 met the target of 3. Week 2: none yet of 3, and not
    # judged until it is met or over.
    assert "Fermented foods\nThis week 0% · overall 100%" in text
    assert "🔥 1 week on target (best 1)" in text
    assert "Energy 2 → 4 ↑" in text and "Digestion comfort 2 → 1 ↓" in text
    assert "Mood" not in text, "only the rated symptoms are compared"
    assert len(text) < 800
    chart = png_of(await user.reply(timeout=DRAWN))
    assert chart.height > chart.width, "portrait, for a phone"
    assert bot.api.chat_actions == [(9001, "upload_photo")], "the phone shows the wait"
    assert "at a glance" in (user.seen[-1].text)


async def switch_fiber(user) -> None:  # type: ignore[no-untyped-def]
    """Flip Prebiotic fiber on or off in /settings, as the user would."""
    await user.ask("/settings")
    await user.tap("Habits")
    page = await user.edit()
    assert "A habit you add counts from today" in page.text
    [label] = [label for label in page.labels if label.endswith("Prebiotic fiber")]
    await user.tap(label)
    await user.edit()


async def test_a_habit_switched_on_mid_plan_counts_from_that_day(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 9010)
    await switch_fiber(user)  # off on the plan's first day...
    bot.clock.now = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)  # Thursday of week 2, day 10
    await switch_fiber(user)  # ...and on again ten days later
    await log_days(sessionmaker, 9010, "fiber", {10: "done", 11: "done"})
    bot.clock.now = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)  # day 12
    text = parse_html((await user.ask("/progress")).text)
    # Days 10 and 11 done of the two gone by since it was switched on; days 0 to 9 are
    # not missed days.
    assert "Prebiotic fiber\nThis week 100% · overall 100%" in text
    assert "🔥 2 days in a row (best 2)" in text
    await user.reply(timeout=DRAWN)  # the chart
    async with sessionmaker() as session:  # the day it was switched on, in the user's zone
        since = await session.scalar(
            select(Reminder.coached_since).where(Reminder.user_id == 9010, Reminder.kind == "fiber")
        )
    assert since == START + timedelta(days=10)


async def test_switching_a_habit_off_and_on_again_keeps_its_misses(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 9011)
    await log_days(sessionmaker, 9011, "fiber", {0: "done", 1: "done"})
    bot.clock.now = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # day 5
    await switch_fiber(user)  # off...
    bot.clock.now = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)  # day 10
    await switch_fiber(user)  # ...and on again: it was coached before, so nothing is erased
    await switch_fiber(user)  # off and on within a minute: the same
    await switch_fiber(user)
    text = parse_html((await user.ask("/progress")).text)
    # 2 done of the 10 days gone by since the plan began.
    assert "Prebiotic fiber\nThis week 0% · overall 20%" in text
    await user.reply(timeout=DRAWN)


async def test_progress_for_many_users_at_once_matches_each_alone(
    bot: RunningBot, sessionmaker
) -> None:
    """A Sunday's digests read everyone's progress together: nobody's rows leak into
    another's view, and each is what /progress would show that user alone."""
    for user_id in (9020, 9021, 9022):
        await enrolled(bot, user_id)
    await log_days(sessionmaker, 9020, "b12", {d: "done" for d in range(6)})
    await log_days(sessionmaker, 9021, "fermented", {0: "done", 3: "skipped"})
    await rate_week(sessionmaker, 9021, 1, {"energy": 5, "mood": 1})
    await rate_week(sessionmaker, 9022, 1, {"nails": 2})
    async with sessionmaker.begin() as session:  # a later start, and a habit added mid-plan
        await session.execute(
            update(User).where(User.id == 9022).values(plan_started_on=START + timedelta(days=3))
        )
        await session.execute(
            update(Reminder)
            .where(Reminder.user_id == 9021, Reminder.kind == "fiber")
            .values(coached_since=START + timedelta(days=4))
        )
    await log_days(sessionmaker, 9022, "b12", {d: "done" for d in range(3)})  # before its plan
    book = TargetBook(load_plan(PLAN_FILE))
    day = START + timedelta(days=8)
    async with sessionmaker() as session:
        users = [await session.get(User, u) for u in (9020, 9021, 9022, 9020)]
        together = await load_progresses(session, book, [(u, day) for u in users])
        alone = [await load_progress(session, book, u, day) for u in users]
    assert together == alone
    assert [v.user_id for v in together] == [9020, 9021, 9022, 9020]
    first, second, third = together[:3]
    assert first.habits != second.habits and second.latest() == {"energy": 5, "mood": 1}
    b12 = {h.habit: h for h in first.habits}["b12"]
    assert b12.days[:6] == ("done",) * 6 and b12.score.overall_adherence == 6 / 8
    fiber = {h.habit: h for h in second.habits}["fiber"]
    assert fiber.days[:4] == ("off",) * 4 and fiber.days[4] == "missed"
    assert third.started_on == START + timedelta(days=3) and third.week == 1
    later_b12 = {h.habit: h for h in third.habits}["b12"]
    assert "done" not in later_b12.days, "check-ins before the user's own plan began"


async def test_progress_before_the_plan_and_in_korean(bot: RunningBot, sessionmaker) -> None:
    newcomer = bot.user(9002)
    assert "once your plan has started" in (await newcomer.ask("/progress")).text
    await newcomer.quiet()
    english = await enrolled(bot, 9003)
    await english.ask("/progress")
    english_png = (await english.reply(timeout=DRAWN)).file
    korean = await enrolled(bot, 9004)
    async with sessionmaker.begin() as session:
        await session.execute(update(User).where(User.id == 9004).values(language="ko"))
    summary = parse_html((await korean.ask("/progress")).text)
    assert "나의 진행 상황" in summary and "12주 중 1주차" in summary
    photo = await korean.reply(timeout=DRAWN)
    assert "한눈에" in photo.text
    assert png_of(photo).size == Image.open(io.BytesIO(english_png)).size
    assert photo.file != english_png, "the chart's labels follow the user's language"


async def test_the_weekly_digest_comes_on_sunday_and_can_be_turned_off(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 9005)
    await log_days(sessionmaker, 9005, "fiber", dict.fromkeys(range(6), "done"))
    await quiet_until(bot, FIRST_DIGEST - timedelta(hours=1))
    assert await bot.dispatcher.run_round() == Counter({"sent": 1}), "the check-in first"
    checkin = await user.reply()
    for score in ("4", "3", "3", "3", "4"):
        await user.tap(score, checkin.message_id)
        await user.edit()
    bot.clock.now = FIRST_DIGEST
    counts = await bot.dispatcher.run_round()
    assert counts is not None and counts["sent"] == 1
    digest = await user.reply()
    text = parse_html(digest.text)
    assert "Your weekly summary" in text and "week 1 of 12" in text
    # Six days logged; the seventh is today, still open.
    assert "Prebiotic fiber\nThis week 100% · overall 100%" in text
    assert "Energy 2 → 4 ↑" in text, "this week's check-in is in it"
    assert "/settings" in text and digest.labels == []
    # Sent once: the next round has nothing for it.
    assert (await bot.dispatcher.run_round())["sent"] == 0
    # /settings: the summary's line, then off.
    menu = await user.ask("/settings")
    assert "Weekly summary: Sunday at 19:00" in menu.text
    await user.tap("Weekly summary")
    page = await user.edit()
    assert "✅ Weekly summary on" in page.labels and "✅ Sunday" in page.labels
    await user.tap("✅ Weekly summary on")
    assert "▫️ Weekly summary on" in (await user.edit()).labels
    async with sessionmaker() as session:
        row = await session.scalar(
            select(Reminder).where(Reminder.user_id == 9005, Reminder.kind == "digest")
        )
        assert (row.enabled, row.next_fire_at) == (False, None)
    bot.clock.now = FIRST_DIGEST + timedelta(weeks=1)
    counts = await bot.dispatcher.run_round()
    assert counts is not None and counts["sent"] == 1
    assert "Week 2 check-in" in (await user.reply()).text, "the check-in, no digest"
    await user.quiet()
    # Back on, on Friday at 20:00.
    await user.tap("▫️ Weekly summary on")
    await user.edit()
    await user.tap("Friday")
    await user.edit()
    await user.tap("20:00")
    assert "Weekly summary: Friday at 20:00" in (await user.edit()).text
    async with sessionmaker() as session:
        due = await session.scalar(
            select(Reminder.next_fire_at).where(Reminder.user_id == 9005, Reminder.kind == "digest")
        )
    assert due == datetime(2026, 3, 20, 19, 0, tzinfo=UTC)


async def test_the_final_report_has_adherence_what_helped_and_next_steps(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 9006)
    await log_days(sessionmaker, 9006, "b12", dict.fromkeys(range(84), "done"))
    await log_days(sessionmaker, 9006, "fiber", dict.fromkeys(range(0, 84, 3), "done"))
    await rate_week(sessionmaker, 9006, 12, {"energy": 4, "clarity": 4, "mood": 3})
    await quiet_until(bot, FINALE)  # everything before lapses unsent (the bot was "off")
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    report = parse_html((await user.reply()).text)
    assert "finished the 12-week plan" in report
    assert "Energy 2 → 4 ↑" in report and "Mental clarity 3 → 4 ↑" in report
    assert "Sublingual B12: 100% of the plan's target" in report
    assert "Prebiotic fiber: 33% of the plan's target" in report
    assert "You kept up Sublingual B12 most of the time, and Energy and Mental clarity" in report
    assert "Next steps" in report and "not medical advice" in report
    assert len(report) <= 4096


async def test_export_sends_only_the_users_own_data_as_csv_and_pdf(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 9007)
    other = await enrolled(bot, 9008)
    await log_days(sessionmaker, 9007, "b12", {0: "done", 1: "skipped"})
    await log_days(sessionmaker, 9008, "b12", {0: "done", 1: "done", 2: "done"})
    async with sessionmaker.begin() as session:
        await session.execute(
            update(CheckIn)
            .where(CheckIn.user_id == 9007, CheckIn.day == START)
            .values(note="=HYPERLINK(1) 김치 좋아요")
        )
    bot.clock.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    intro = await user.ask("/export")
    assert "CSV" in intro.text and "PDF" in intro.text
    csv_doc = await user.reply(timeout=DRAWN)
    assert csv_doc.kind == "document" and csv_doc.filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(csv_doc.file.decode("utf-8-sig"))))
    checkins = [(r["date"], r["item"], r["value"]) for r in rows if r["section"] == "checkin"]
    assert checkins == [("2026-03-02", "b12", "done"), ("2026-03-03", "b12", "skipped")]
    note = next(r["note"] for r in rows if r["section"] == "checkin" and r["note"])
    assert note == "'=HYPERLINK(1) 김치 좋아요", "a note never runs as a spreadsheet formula"
    scores = {(r["item"], r["value"], r["detail"]) for r in rows if r["section"] == "score"}
    assert ("energy", "2", "week 0") in scores and len(scores) == 5
    settings = {r["item"]: r["value"] for r in rows if r["section"] == "setting"}
    assert settings["timezone"] == "Europe/Berlin" and settings["plan_started_on"] == "2026-03-02"
    pdf_doc = await user.reply(timeout=DRAWN)
    assert pdf_doc.kind == "document" and pdf_doc.filename.endswith(".pdf")
    assert (9007, "upload_document") in bot.api.chat_actions, "the phone shows the wait"
    reader = PdfReader(io.BytesIO(pdf_doc.file))
    assert len(reader.pages) >= 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert "not medical advice" in " ".join(text.split())
    await other.quiet()
    # Before the plan starts there is still data to give: the CSV alone.
    newcomer = bot.user(9009)
    await newcomer.ask("/start")
    assert "once your plan has started" in (await newcomer.ask("/export")).text
    only = await newcomer.reply(timeout=DRAWN)
    assert only.kind == "document" and only.filename.endswith(".csv")
    await newcomer.quiet()


async def test_delete_asks_first_then_leaves_no_row_behind(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 9010)
    await enrolled(bot, 9011)
    for someone in (9010, 9011):
        await log_days(sessionmaker, someone, "b12", {0: "done"})
    bot.clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    counts = await bot.dispatcher.run_round()  # deliveries for both: B12 is logged already
    assert counts == Counter({"skipped:logged": 2}), counts
    for someone in (9010, 9011):  # a slow reply: the update is kept in the inbox meanwhile
        bot.api.fail(someone, Fault(delay=0.3))
        assert "What I can do" in (await bot.user(someone).ask("/help")).text
    before = await user_rows(sessionmaker, 9010)
    assert all(before.values()), f"every table has rows about the user: {before}"
    ask = await user.ask("/delete")
    assert "can't be undone" in ask.text
    assert ask.labels == ["Yes, delete everything", "Cancel"]
    await user.tap("Cancel")
    assert "Nothing was deleted" in (await user.edit()).text
    assert await user_rows(sessionmaker, 9010, inbox=False) == {
        k: n for k, n in before.items() if k != "updates"
    }
    ask = await user.ask("/delete")
    confirm = next(b["callback_data"] for row in ask.buttons for b in row if "Yes" in b["text"])
    bot.api.fail(9010, Fault(delay=0.3, method="editMessageText"))  # stored: a slow reply
    await user.tap("Yes, delete everything")
    assert "everything about you is deleted" in (await user.edit()).text
    await asyncio.sleep(0.5)  # its reply answered, its row stored long since
    assert await settles_to_nothing(sessionmaker, 9010), "the erasing tap's row stays behind"
    bot.api.faults.clear()
    assert all((await user_rows(sessionmaker, 9011)).values()), "nobody else's rows go"
    # A second tap does nothing more, politely; /start begins fresh, and the old button
    # can't erase the new account.
    query = await user.press(confirm, user.api.messages[(9010, ask.message_id)])
    assert "earlier question" in (await user.answer(query)).text
    fresh = await user.ask("/start")
    assert "English" in " ".join(fresh.labels), "the intake starts again at the language"
    query = await user.press(confirm, user.api.messages[(9010, ask.message_id)])
    assert "earlier question" in (await user.answer(query)).text
    await user.quiet()
    async with sessionmaker() as session:
        row = await session.get(User, 9010)
        assert row is not None and row.intake_step == "language"
        assert await session.scalar(select(func.count()).select_from(Delivery)) >= 1
    assert "don't have any data" in (await bot.user(9016).ask("/delete")).text


async def settles_to_nothing(sessionmaker, user_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether every table comes to hold nothing about the user within a few seconds (the
    update being handled is marked, or its row deleted, just after its reply)."""
    for _ in range(50):
        if set((await user_rows(sessionmaker, user_id)).values()) == {0}:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_forged_delete_buttons_erase_nothing(bot: RunningBot, sessionmaker) -> None:
    user = await enrolled(bot, 9012)
    before = await user_rows(sessionmaker, 9012, inbox=False)
    forged = (
        "x::delete:",
        "x::delete:yes",
        "x::delete:confirm",
        "x::delete:confirm-1",  # another account's key
        "x::delete:confirm-99999999999999999999",
        "x:1:delete:confirm-1",
        "x::delete:confirm-1:9012",
    )
    for data in forged:
        query = await user.press(data)
        assert (await user.answer(query)).text, "a polite answer"
    await user.quiet()
    assert await user_rows(sessionmaker, 9012, inbox=False) == before


async def test_a_digest_moved_later_the_same_week_is_not_sent_again(
    bot: RunningBot, sessionmaker
) -> None:
    user = await enrolled(bot, 9013)
    await quiet_until(bot, FIRST_DIGEST - timedelta(hours=1))
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})  # the check-in
    await user.reply()
    bot.clock.now = FIRST_DIGEST
    counts = await bot.dispatcher.run_round()
    assert counts is not None and counts["sent"] == 1
    assert "Your weekly summary" in parse_html((await user.reply()).text)
    bot.clock.now = FIRST_DIGEST + timedelta(minutes=30)
    await user.ask("/settings")
    await user.tap("Weekly summary")
    await user.edit()
    await user.tap("20:00")  # later the same Sunday
    await user.edit()
    bot.clock.now = FIRST_DIGEST + timedelta(hours=1)
    assert await bot.dispatcher.run_round() == Counter({"skipped:logged": 1})
    await user.quiet()
    # The next week's comes as usual, at the new time.
    bot.clock.now = FIRST_DIGEST + timedelta(weeks=1, hours=1)
    counts = await bot.dispatcher.run_round()
    assert counts is not None and counts["sent"] >= 1
    texts = [parse_html((await user.reply()).text) for _ in range(counts["sent"])]
    assert sum("Your weekly summary" in text for text in texts) == 1


async def test_outcomes_are_recorded_even_when_a_user_deleted_their_data_meanwhile(
    bot: RunningBot, sessionmaker
) -> None:
    """/delete between a reminder's send and its record must not lose the others' records."""
    await enrolled(bot, 9014)
    await enrolled(bot, 9015)
    store = bot.dispatcher.store
    now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # B12 due for both
    due, _ = await store.claim(now, 10)
    assert sorted(d.user_id for d in due) == [9014, 9015]
    assert await store.mark_sending([d.delivery_id for d in due], now) == {
        d.delivery_id for d in due
    }
    services = bot.application.bot_data["coach.runtime"].services
    await delete_user(services, 9014)
    await store.record(
        [Outcome(d.delivery_id, d.user_id, Status.SENT, message_id=7) for d in due], now
    )
    async with sessionmaker() as session:
        rows = (await session.execute(select(Delivery.user_id, Delivery.status))).all()
    assert rows == [(9015, "sent")]


async def test_export_dates_the_baseline_by_the_users_own_day(bot: RunningBot) -> None:
    """A Seoul user who does the intake at 05:00 on Mar 2 (20:00 UTC on Mar 1) rated their
    baseline on Mar 2, the day the plan began, not the day before (issue 17: 10)."""
    bot.clock.now = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    user = bot.user(9010)
    walk = Walk(user)
    await walk_to_timezone(walk)
    await walk.type("Asia/Seoul")
    await walk.next_message()  # the safety question
    await walk.tap("None of these")
    await walk.next_message()
    await walk.tap("Continue")
    for label in ENGLISH_DEFAULT["times"]:
        await walk.tap(label)
    for score in ENGLISH_DEFAULT["baseline"]:
        await walk.tap(score)
    await user.ask("/export")
    csv_doc = await user.reply(timeout=DRAWN)
    rows = list(csv.DictReader(io.StringIO(csv_doc.file.decode("utf-8-sig"))))
    settings = {r["item"]: r["value"] for r in rows if r["section"] == "setting"}
    assert settings["timezone"] == "Asia/Seoul" and settings["plan_started_on"] == "2026-03-02"
    dates = {r["date"] for r in rows if r["section"] == "score"}
    assert dates == {"2026-03-02"}
    await user.reply(timeout=DRAWN)  # the PDF


async def test_progress_hides_zero_streaks_and_says_what_has_not_started(
    bot: RunningBot, sessionmaker
) -> None:
    """Day 3: B12 done on day 0 and missed since, fiber never done. No "0 days in a row",
    no "–" for what cannot be known yet, and the score has a friendly name (issue 17: 19)."""
    user = await enrolled(bot, 9011)
    await log_days(sessionmaker, 9011, "b12", {0: "done"})
    bot.clock.now = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    text = parse_html((await user.ask("/progress")).text)
    b12 = text[text.index("Sublingual B12") :].split("\n\n")[0]
    assert "Best run: 1 day · 🌱 Taking root" in b12 and "in a row" not in b12
    fiber = text[text.index("Prebiotic fiber") :].split("\n\n")[0]
    assert "Not started yet" in fiber and "🌱" not in fiber
    assert "0 days" not in text and "–" not in text and "strength" not in text.lower()
    await user.reply(timeout=DRAWN)  # the chart

    first_day = await enrolled(bot, 9012)  # on the plan's first morning, nothing is known
    bot.clock.now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    text = parse_html((await first_day.ask("/progress")).text)
    b12 = text[text.index("Sublingual B12") :].split("\n\n")[0]
    assert b12 == "Sublingual B12\nNot started yet: each day you tick counts."
    assert "Overall" not in text and "overall" not in text and "–" not in text
    assert text.count("Not started yet") == 3
    await first_day.reply(timeout=DRAWN)
