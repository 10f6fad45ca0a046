"""Check-ins: taps on a reminder card, the /today checklist, and notes."""

from __future__ import annotations

from telegram import Update

from coach.bot.callbacks import Tap, decode, parse_day
from coach.bot.checkin_screens import Origin, day_screen, habit_name, logged_screen
from coach.bot.context import CoachContext
from coach.bot.handlers.common import (
    answer_and_edit,
    answer_tap,
    answer_unknown,
    send,
    user_language,
)
from coach.bot.handlers.reminders import reminder_buttons
from coach.bot.screens import Screen, button, clock, rows
from coach.domain.checkins import NOTE_LIMIT
from coach.domain.habits import Habit
from coach.domain.zones import zone_info
from coach.i18n import Translator
from coach.services.checkins import CheckInView, DayRef, Ref

SNOOZE_MINUTES = {"snooze30": 30, "snooze60": 60}


async def today_command(update: Update, context: CoachContext) -> None:
    """/today: today's checklist, one tap per habit, with the last days a tap away."""
    view = await context.services.checkins.day(update.effective_user.id, None, context.now())
    if view is None:
        t = context.translator(await user_language(update, context))
        await send(update, [Screen(t("schedule-not-ready"))])
        return
    await send(update, [day_screen(context.translator(view.language), view)])


async def on_reminder_tap(update: Update, context: CoachContext) -> None:
    """Log from the reminder itself, then edit that message in place: the chat stays tidy."""
    tap = decode(update.callback_query.data)
    if tap is None or tap.scope != "r":
        await answer_unknown(update, context)
        return
    delivery_id = int(tap.arg.partition("-")[0])
    if tap.action.startswith("snooze"):
        await _snooze(update, context, tap, delivery_id)
        return
    view = await _apply(context, update.effective_user.id, tap, delivery_id)
    if view is None:
        await _refuse(update, context)
        return
    t = context.translator(view.language)
    if tap.action == "note":
        await _ask_note(update, t, view)
        return
    origin = Origin(delivery_id, DayRef(view.habit, view.day))
    if view.status is None:  # undone: the reminder's own buttons again
        text = t("reminder-undone", habit=habit_name(t, view.habit), day=t.date(view.day))
        await answer_and_edit(update, Screen(text, reminder_buttons(t, delivery_id, False)))
        return
    await answer_and_edit(update, logged_screen(t, view, origin))


async def on_today_tap(update: Update, context: CoachContext) -> None:
    """A button on the /today checklist (or on a habit opened from it)."""
    tap = decode(update.callback_query.data)
    if tap is None or tap.scope != "t":
        await answer_unknown(update, context)
        return
    user_id, now = update.effective_user.id, context.now()
    checkins = context.services.checkins
    if tap.action == "day":
        day_view = await checkins.day(user_id, parse_day(tap.arg), now)
        if day_view is None:
            await _refuse(update, context)
            return
        await answer_and_edit(update, day_screen(context.translator(day_view.language), day_view))
        return
    habit, day_text = tap.arg.split("-")[:2]
    day = parse_day(day_text)
    assert day is not None  # decode() checked it
    ref = DayRef(Habit(habit), day)
    view = await _apply(context, user_id, tap, ref, checklist=True)
    if view is None:
        await _refuse(update, context)
        return
    t = context.translator(view.language)
    if tap.action == "note":
        await _ask_note(update, t, view)
        return
    finished = view.status is None or (tap.action == "ans" and not view.next_change)
    if view.checklist is not None and (finished or view.habit is Habit.B12):
        # Nothing more to ask: back to the checklist, led by what was just logged.
        await answer_and_edit(update, day_screen(t, view.checklist, _saved_line(t, view)))
        return
    await answer_and_edit(update, logged_screen(t, view, Origin(None, ref)))


async def on_note_text(update: Update, context: CoachContext) -> bool:
    """Typed text while a note is asked for. False: no note question is open."""
    result = await context.services.checkins.save_note(
        update.effective_user.id, update.effective_message.text or "", context.now()
    )
    if result is None:
        return False
    t = context.translator(result.language)
    if not result.saved:
        await update.effective_message.reply_text(t("note-invalid", limit=NOTE_LIMIT))
    elif result.view is None:
        await update.effective_message.reply_text(t("note-gone"))
    else:
        view = result.view
        text = t("note-saved", habit=habit_name(t, view.habit), day=t.date(view.day))
        await update.effective_message.reply_text(text)
    return True


async def close_note_question(update: Update, context: CoachContext) -> None:
    """After any command: a note question left open closes (the command moved on)."""
    await context.services.checkins.close_note_question(update.effective_user.id)


async def _apply(
    context: CoachContext, user_id: int, tap: Tap, ref: Ref, checklist: bool = False
) -> CheckInView | None:
    """Run the tap's service call; checklist=True: a tap on /today, which shows the day."""
    checkins, now = context.services.checkins, context.now()
    match tap.action:
        case "done" | "skip":
            status = "done" if tap.action == "done" else "skipped"
            return await checkins.log(user_id, ref, status, now, checklist)
        case "ans":
            answer = tap.arg.rsplit("-", 1)[1]
            return await checkins.answer(user_id, ref, answer, now, checklist)
        case "undo":
            return await checkins.undo(user_id, ref, now, checklist)
        case "note":
            return await checkins.ask_note(user_id, ref, now)
        case _:  # "open"
            return await checkins.look(user_id, ref, now)


async def _snooze(update: Update, context: CoachContext, tap: Tap, delivery_id: int) -> None:
    query = update.callback_query
    view = await context.services.checkins.snooze(
        query.from_user.id, delivery_id, SNOOZE_MINUTES.get(tap.action), context.now()
    )
    if view is None:
        await _refuse(update, context)
        return
    t = context.translator(view.language)
    if view.snooze_until is None and not (tap.action == "snooze" and view.snooze_allowed):
        await answer_tap(update, t("reminder-snooze-gone"))
        return
    if view.snooze_until is None:  # "Snooze": ask for how long
        choices = [
            button(t("button-snooze-30"), Tap("r", None, "snooze30", tap.arg)),
            button(t("button-snooze-60"), Tap("r", None, "snooze60", tap.arg)),
        ]
        await answer_and_edit(update, Screen(t("reminder-snooze-ask"), rows(choices, 2)))
        return
    local = view.snooze_until.astimezone(zone_info(view.timezone)).time()
    text = t("reminder-snoozed", habit=habit_name(t, view.habit), time=clock(local))
    await answer_and_edit(update, Screen(text))


async def _ask_note(update: Update, t: Translator, view: CheckInView) -> None:
    await answer_tap(update)
    text = t("note-ask", habit=habit_name(t, view.habit), day=t.date(view.day), limit=NOTE_LIMIT)
    await send(update, [Screen(text)])


def _saved_line(t: Translator, view: CheckInView) -> str:
    habit, day = habit_name(t, view.habit), t.date(view.day)
    if view.status is None:
        return t("reminder-undone", habit=habit, day=day)
    if view.status == "skipped":
        return t("reminder-logged-skipped", habit=habit, day=day)
    return t("reminder-logged-done", habit=habit, day=day)


async def _refuse(update: Update, context: CoachContext) -> None:
    """Not this user's, too old, or no longer a habit they coach: said briefly."""
    t = context.translator(await user_language(update, context))
    await answer_tap(update, t("reminder-too-old"))
