"""/reminders, /pause and /resume: the reminders with their next time, and the pause."""

from __future__ import annotations

from coach.bot.callbacks import PauseTap
from coach.bot.screens.widgets import HABIT_KEYS, Screen, button, clock, rows, when
from coach.domain.zones import zone_info
from coach.i18n import Translator
from coach.services.pause import PauseView


def pause_question(t: Translator, view: PauseView) -> Screen:
    """A pause of a day, a week, or until /resume; when one is on already, says so first."""
    choices = [
        button(t(f"button-pause-{what}"), PauseTap(what)) for what in ("day", "week", "resume")
    ]
    text = t("pause-ask")
    if view.paused and view.paused_until is not None:
        until = when(t, view.paused_until, zone_info(view.timezone), view.today)
        text = t("pause-already-until", until=until) + "\n\n" + t("pause-ask-again")
    elif view.paused:
        text = t("pause-already") + "\n\n" + t("pause-ask-again")
    return Screen(text, rows(choices, 3))


def overview_screen(t: Translator, view: PauseView, lead: str = "") -> Screen:
    text = overview_text(t, view)
    return Screen(lead + "\n\n" + text if lead else text)


def overview_text(t: Translator, view: PauseView) -> str:
    zone = zone_info(view.timezone)
    lines = [t("reminders-title")]
    until_resume = view.paused and view.paused_until is None
    for line in view.lines:
        habit, at = t(HABIT_KEYS[line.habit]), clock(line.local_time)
        if until_resume:  # no next time: it comes back with /resume
            lines.append(t("reminders-line-paused", habit=habit, time=at))
            continue
        upcoming = (
            when(t, line.next_fire_at, zone, view.today) if line.next_fire_at else t("no-time")
        )
        lines.append(t("reminders-line", habit=habit, time=at, next=upcoming))
    if not view.lines:
        lines.append(t("reminders-none"))
    for kind, upcoming in view.weekly:  # the weekly check-in and summary
        what = t(f"reminders-weekly-{kind}")
        if until_resume:
            lines.append(t("reminders-weekly-line-paused", what=what))
        elif upcoming is not None:
            lines.append(
                t("reminders-weekly-line", what=what, next=when(t, upcoming, zone, view.today))
            )
    if view.paused and view.paused_until is not None:
        lines.append(
            "\n" + t("reminders-paused-until", until=when(t, view.paused_until, zone, view.today))
        )
    elif view.paused:
        lines.append("\n" + t("reminders-paused"))
    else:
        lines.append("\n" + t("reminders-pause-hint"))
    return "\n".join(lines)
