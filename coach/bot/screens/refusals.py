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


def refusal_text(t: Translator, refusal: Refusal) -> str:
    return t(WORDS[refusal.why])
