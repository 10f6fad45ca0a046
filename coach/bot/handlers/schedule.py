"""/reminders, /pause and /resume."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from coach.bot.callbacks import Tap, decode
from coach.bot.context import CoachContext
from coach.bot.handlers.common import (
    answer_stale,
    answer_tap,
    answer_unknown,
    edit_text,
    telegram_language,
)
from coach.bot.screens import HABIT_KEYS, Screen, button, clock, rows
from coach.domain.zones import zone_info
from coach.i18n import Translator
from coach.services.schedule import ScheduleView


async def reminders_command(update: Update, context: CoachContext) -> None:
    """List the user's reminders with their next local fire time."""
    now = context.now()
    view = await context.services.schedule.overview(update.effective_user.id, now)
    await _reply(update, context, view, lambda t, v: overview_text(t, v))


async def pause_command(update: Update, context: CoachContext) -> None:
    """Offer a pause of a day, a week, or until /resume."""
    view = await context.services.schedule.overview(update.effective_user.id, context.now())

    def ask(t: Translator, v: ScheduleView) -> Screen:
        choices = [
            button(t(f"button-pause-{what}"), Tap("p", None, "pause", what))
            for what in ("day", "week", "resume")
        ]
        return Screen(t("pause-ask"), rows(choices, 3))

    await _reply(update, context, view, ask)


async def resume_command(update: Update, context: CoachContext) -> None:
    """Reminders back on at once."""
    view = await context.services.schedule.resume(update.effective_user.id, context.now())
    await _reply(update, context, view, lambda t, v: t("resumed") + "\n\n" + overview_text(t, v))


async def on_pause_tap(update: Update, context: CoachContext) -> None:
    """A choice from /pause."""
    query = update.callback_query
    tap = decode(query.data)
    if tap is None or tap.scope != "p":
        await answer_unknown(update, context)
        return
    view = await context.services.schedule.pause(query.from_user.id, tap.arg, context.now())
    if view is None:
        await answer_stale(update, context, None)
        return
    await answer_tap(update)
    await edit_text(update, Screen(overview_text(context.translator(view.language), view)))


def overview_text(t: Translator, view: ScheduleView) -> str:
    zone = zone_info(view.timezone)
    lines = [t("reminders-title")]
    for line in view.lines:
        upcoming = _local(t, line.next_fire_at, zone) if line.next_fire_at else t("no-time")
        lines.append(
            t(
                "reminders-line",
                habit=t(HABIT_KEYS[line.habit]),
                time=clock(line.local_time),
                next=upcoming,
            )
        )
    if not view.lines:
        lines.append(t("reminders-none"))
    if view.paused and view.paused_until is not None:
        lines.append("\n" + t("reminders-paused-until", until=_local(t, view.paused_until, zone)))
    elif view.paused:
        lines.append("\n" + t("reminders-paused"))
    else:
        lines.append("\n" + t("reminders-pause-hint"))
    return "\n".join(lines)


def _local(t: Translator, instant: datetime, zone) -> str:  # type: ignore[no-untyped-def]
    local = instant.astimezone(zone)
    return f"{t.date(local.date())} {clock(local.time())}"


async def _reply(update: Update, context: CoachContext, view: ScheduleView | None, render) -> None:  # type: ignore[no-untyped-def]
    if view is None or not view.ready:
        language = view.language if view else telegram_language(update, context)
        await update.effective_message.reply_text(
            context.translator(language)("schedule-not-ready")
        )
        return
    screen = render(context.translator(view.language), view)
    if isinstance(screen, str):
        screen = Screen(screen)
    await update.effective_message.reply_text(screen.text, reply_markup=screen.markup)
