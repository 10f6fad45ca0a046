"""Check-ins: taps on a reminder card, the /today checklist, and notes."""

from __future__ import annotations

from telegram import Update

from coach.bot.callbacks import ReminderTap, TodayTap
from coach.bot.context import CoachContext
from coach.bot.handlers.common import answer_and_edit, answer_tap, refuse, send
from coach.bot.screens.checkins import (
    Origin,
    card_screen,
    day_screen,
    logged_screen,
    note_question,
    note_saved,
    saved_line,
    snooze_choice,
    snoozed_screen,
    tolerance_line,
    undone_screen,
)
from coach.domain.checkins import NOTE_LIMIT, TOO_MUCH, CheckInStatus
from coach.domain.habits import Habit
from coach.i18n import Translator
from coach.services.checkins import CheckInView, DayRef, Ref
from coach.services.refusals import Refusal

SNOOZE_MINUTES = {"snooze30": 30, "snooze60": 60}


async def today_command(update: Update, context: CoachContext) -> None:
    """/today: today's checklist, one tap per habit, with the last days a tap away."""
    view = await context.services.checkins.day(update.effective_user.id, None, context.now())
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    await send(update, [day_screen(context.translator(view.language), view)])


async def on_reminder_tap(update: Update, context: CoachContext, tap: ReminderTap) -> None:
    """Log from the reminder itself, then edit that message in place: the chat stays tidy."""
    if tap.action.startswith("snooze") or tap.action == "back":
        await _snooze(update, context, tap)
        return
    view = await _apply(context, update.effective_user.id, tap.action, tap.answer, tap.delivery_id)
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    t = context.translator(view.language)
    if tap.action == "note":
        await _ask_note(update, t, view)
        return
    if view.status is None:  # undone: the reminder's own buttons again
        await answer_and_edit(update, undone_screen(t, view, tap.delivery_id))
        return
    origin = Origin(tap.delivery_id, DayRef(view.habit, view.day))
    await answer_and_edit(update, logged_screen(t, view, origin))


async def on_today_tap(update: Update, context: CoachContext, tap: TodayTap) -> None:
    """A button on the /today checklist (or on a habit opened from it)."""
    user_id, now = update.effective_user.id, context.now()
    if tap.habit is None:  # "day": show that day
        day_view = await context.services.checkins.day(user_id, tap.day, now)
        if isinstance(day_view, Refusal):
            await refuse(update, context, day_view)
            return
        await answer_and_edit(update, day_screen(context.translator(day_view.language), day_view))
        return
    ref = DayRef(tap.habit, tap.day)
    view = await _apply(context, user_id, tap.action, tap.answer, ref, checklist=True)
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    t = context.translator(view.language)
    if tap.action == "note":
        await _ask_note(update, t, view)
        return
    finished = view.status is None or (tap.action == "ans" and not view.next_change)
    if view.checklist is not None and (finished or view.habit is Habit.B12):
        # Nothing more to ask: back to the checklist, led by what was just logged (and,
        # after "too much", the gentle line, as on a reminder card).
        lead = saved_line(t, view)
        if view.detail == TOO_MUCH:
            lead += "\n" + tolerance_line(t, view)
        await answer_and_edit(update, day_screen(t, view.checklist, lead))
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
        await update.effective_message.reply_text(note_saved(t, result.view).text)
    return True


async def _apply(
    context: CoachContext, user_id: int, action: str, answer: str, ref: Ref, checklist: bool = False
) -> CheckInView | Refusal:
    """Run the tap's service call; checklist=True: a tap on /today, which shows the day."""
    checkins, now = context.services.checkins, context.now()
    match action:
        case "done" | "skip":
            status = CheckInStatus.DONE if action == "done" else CheckInStatus.SKIPPED
            # /today's Done is on open habits only: one logged since is opened instead.
            if_open = checklist and action == "done"
            return await checkins.log(user_id, ref, status, now, checklist, if_open)
        case "ans":
            return await checkins.answer(user_id, ref, answer, now, checklist)
        case "undo":
            return await checkins.undo(user_id, ref, now, checklist)
        case "note":
            return await checkins.ask_note(user_id, ref, now)
        case _:  # "open"
            return await checkins.look(user_id, ref, now)


async def _snooze(update: Update, context: CoachContext, tap: ReminderTap) -> None:
    query = update.callback_query
    view = await context.services.checkins.snooze(
        query.from_user.id, tap.delivery_id, SNOOZE_MINUTES.get(tap.action), context.now()
    )
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    t = context.translator(view.language)
    if view.snooze_until is not None:  # snoozed (now, or by a tap before)
        await answer_and_edit(update, snoozed_screen(t, view, tap.delivery_id))
    elif tap.action == "back" and view.status is not None:  # logged meanwhile (/today)
        origin = Origin(tap.delivery_id, DayRef(view.habit, view.day))
        await answer_and_edit(update, logged_screen(t, view, origin))
    elif tap.action == "back":
        await answer_and_edit(update, card_screen(t, view, tap.delivery_id))
    elif tap.action == "snooze" and view.snooze_allowed:  # ask for how long
        await answer_and_edit(update, snooze_choice(t, tap))
    else:
        await answer_tap(update, t("reminder-snooze-gone"))


async def _ask_note(update: Update, t: Translator, view: CheckInView) -> None:
    await answer_tap(update)
    await send(update, [note_question(t, view)])
