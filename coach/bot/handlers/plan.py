"""/plan, the weekly check-in (/checkin and its reminder), and the plan's finale."""

from __future__ import annotations

from telegram import Update

from coach.bot.callbacks import decode
from coach.bot.checkin_screens import target_text, week_line
from coach.bot.context import CoachContext
from coach.bot.handlers.common import (
    answer_and_edit,
    answer_tap,
    answer_unknown,
    edit_keyboard,
    edit_text,
    send,
    user_language,
)
from coach.bot.screens import Screen
from coach.bot.weekly_screens import choice_buttons, weekly_screen
from coach.domain.habits import Habit, Symptom
from coach.domain.plan import WeekTargets
from coach.i18n import Translator
from coach.services.plan import PlanView

AHEAD_SHOWN = 3  # weeks listed after this one: enough to see the ramp, short on a phone


async def plan_command(update: Update, context: CoachContext) -> None:
    """/plan: this week's targets and tip, and the weeks ahead."""
    view = await context.services.plan.overview(update.effective_user.id, context.now())
    if view is None:
        await _not_ready(update, context)
        return
    await send(update, [plan_screen(context.translator(view.language), view)])


async def checkin_command(update: Update, context: CoachContext) -> None:
    """/checkin: this week's symptom check-in, any day of the week."""
    view = await context.services.weekly.open(update.effective_user.id, context.now())
    if view is None:  # before the plan, or after it with the choice still to make
        await plan_command(update, context)
        return
    await send(update, [weekly_screen(context.translator(view.language), view)])


async def on_weekly_tap(update: Update, context: CoachContext) -> None:
    """A rating on the weekly check-in: save it, then the next question in place."""
    query = update.callback_query
    tap = decode(query.data)
    if tap is None or tap.scope != "w":
        await answer_unknown(update, context)
        return
    week, symptom, score = tap.arg.split("-")
    view = await context.services.weekly.rate(
        query.from_user.id, int(week), Symptom(symptom), int(score), context.now()
    )
    if view is None:
        await _refuse(update, context)
        return
    await answer_tap(update)
    await edit_text(update, weekly_screen(context.translator(view.language), view))


async def on_finale_tap(update: Update, context: CoachContext) -> None:
    """After week 12: carry on in maintenance, or begin a new plan."""
    query = update.callback_query
    tap = decode(query.data)
    if tap is None or tap.scope != "f":
        await answer_unknown(update, context)
        return
    plan, now = context.services.plan, context.now()
    if tap.action == "again" and tap.arg == "":  # a new plan erases the weekly ratings: ask
        t = context.translator(await user_language(update, context))
        await answer_and_edit(update, Screen(t("finale-again-confirm"), choice_buttons(t, True)))
        return
    if tap.action == "keep":
        view = await plan.keep_going(query.from_user.id, now)
    else:
        view = await plan.start_again(query.from_user.id, now)
    if view is None:
        await _refuse(update, context)
        return
    t = context.translator(view.language)
    await answer_tap(update)
    await edit_keyboard(update, None)
    lead = t("finale-maintenance") if tap.action == "keep" else t("finale-again")
    await send(update, [plan_screen(t, view, lead)])


def plan_screen(t: Translator, view: PlanView, lead: str = "") -> Screen:
    targets = view.this_week
    lines = [lead, ""] if lead else []
    if view.over:
        lines.append(t("plan-over"))
    lines.append(t("plan-title"))
    lines.append(week_line(t, targets))
    if not targets.maintenance:
        lines.append(t("plan-phase", phase=t(f"phase-{targets.phase}")))
    lines += [target_text(t, habit, targets, "plan") for habit in view.habits]
    if not targets.maintenance:
        lines += ["", t(f"tip-{targets.week}")]
    if view.ahead:
        lines += ["", t("plan-ahead")]
        lines += [_ahead_line(t, view.habits, week) for week in view.ahead[:AHEAD_SHOWN]]
    return Screen("\n".join(lines), choice_buttons(t) if view.over else None)


def _ahead_line(t: Translator, habits: tuple[Habit, ...], targets: WeekTargets) -> str:
    parts = []
    if Habit.FERMENTED in habits:
        parts.append(t("plan-ahead-fermented", servings=targets.fermented_servings))
    if Habit.FIBER in habits:
        parts.append(t("plan-ahead-fiber", grams=targets.fiber_grams))
    if not parts:
        parts.append(t("plan-ahead-b12"))
    return t("plan-ahead-line", week=targets.week, targets=", ".join(parts))


async def _not_ready(update: Update, context: CoachContext) -> None:
    t = context.translator(await user_language(update, context))
    await send(update, [Screen(t("schedule-not-ready"))])


async def _refuse(update: Update, context: CoachContext) -> None:
    t = context.translator(await user_language(update, context))
    await answer_tap(update, t("tap-stale"))
