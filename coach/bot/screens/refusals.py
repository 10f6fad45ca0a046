"""The words for each refusal a service can return (coach/services/refusals.py)."""

from __future__ import annotations

from coach.i18n import Translator
from coach.services.refusals import Refusal, Why

WORDS = {
    Why.NOT_SET_UP: "schedule-not-ready",
    Why.NO_PROGRESS: "progress-not-ready",
    Why.STALE: "tap-stale",
    Why.TOO_OLD: "reminder-too-old",
    Why.NOTHING_TO_EXPORT: "export-nothing",
    Why.NOTHING_TO_DELETE: "delete-nothing",
}


def refusal_text(t: Translator, refusal: Refusal, command: str | None = None) -> str:
    """The refusal's words; before setup, a command's own line where it has one (what it
    will show once the plan is set up), else the general one."""
    if refusal.why is Why.NOT_SET_UP and command and t.has(f"not-set-up-{command}"):
        return t(f"not-set-up-{command}")
    return t(WORDS[refusal.why])
