"""/plan, the weekly check-in (/checkin and its reminder), and the plan's finale."""

from __future__ import annotations

from telegram import Update

from coach.bot.callbacks import FinaleTap, WeeklyChangeTap, WeeklyTap
from coach.bot.context import CoachContext
from coach.bot.handlers.common import (
    answer_and_edit,
    answer_tap,
    edit_keyboard,
    edit_text,
    refuse,
    send,
    user_language,
)
from coach.bot.screens.plan import (
    again_confirm,
    plan_screen,
    weekly_change_screen,
    weekly_screen,
)
from coach.services.refusals import Refusal


async def plan_command(update: Update, context: CoachContext) -> None:
    """/plan: this week's targets and tip, and the weeks ahead."""
    view = await context.services.plan.overview(update.effective_user.id, context.now())
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    await send(update, [plan_screen(context.translator(view.language), view)])


async def checkin_command(update: Update, context: CoachContext) -> None:
    """/checkin: this week's symptom check-in, any day of the week."""
    view = await context.services.weekly.open(update.effective_user.id, context.now())
    if isinstance(view, Refusal):  # before the plan, or after it with the choice to make
        await plan_command(update, context)
        return
    await send(update, [weekly_screen(context.translator(view.language), view)])


async def on_weekly_tap(update: Update, context: CoachContext, tap: WeeklyTap) -> None:
    """A rating on the weekly check-in: save it, then the next question in place."""
    query = update.callback_query
    view = await context.services.weekly.rate(
        query.from_user.id, tap.week, tap.symptom, tap.score, context.now()
    )
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    await answer_tap(update)
    await edit_text(update, weekly_screen(context.translator(view.language), view))


async def on_weekly_change_tap(update: Update, context: CoachContext, tap: WeeklyChangeTap) -> None:
    """Change a rated week's answer: which one, then its question; Back: the week again."""
    view = await context.services.weekly.look(
        update.callback_query.from_user.id, tap.week, context.now()
    )
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    t = context.translator(view.language)
    if tap.back or view.pending is not None:  # Back, or a week not rated in full: as it is
        await answer_and_edit(update, weekly_screen(t, view))
        return
    await answer_and_edit(update, weekly_change_screen(t, view, tap.symptom))


async def on_finale_tap(update: Update, context: CoachContext, tap: FinaleTap) -> None:
    """After week 12: carry on in maintenance, or begin a new plan."""
    query = update.callback_query
    plan, now = context.services.plan, context.now()
    if tap.choice == "again":  # a new plan erases the weekly ratings: ask (no service call)
        t = context.translator(await user_language(update, context))
        await answer_and_edit(update, again_confirm(t))
        return
    if tap.choice == "keep":
        view = await plan.keep_going(query.from_user.id, now)
    else:
        view = await plan.start_again(query.from_user.id, now)
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    t = context.translator(view.language)
    await answer_tap(update)
    await edit_keyboard(update, None)
    lead = t("finale-maintenance") if tap.choice == "keep" else t("finale-again")
    await send(update, [plan_screen(t, view, lead)])
