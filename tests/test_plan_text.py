"""The words of targets, in both languages: what the safety answers must change."""

from __future__ import annotations

import pytest

from coach.bot.screens.reminders import reminder_text
from coach.bot.screens.widgets import target_text
from coach.domain.habits import Habit, Safety
from coach.domain.plan import load_plan
from coach.i18n import Catalog
from coach.paths import PLAN_FILE

PLAN = load_plan(PLAN_FILE)
CATALOG = Catalog()


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("style", ["reminder", "plan"])
def test_safety_answers_change_the_words(language: str, style: str) -> None:
    t = CATALOG.translator(language)
    plain = PLAN.targets(3, ())
    careful = PLAN.targets(3, (Safety.BLOOD_THINNER, Safety.PREGNANT_OR_MINOR, Safety.IBS))
    ask = t("plan-b12-ask")
    assert ask not in target_text(t, Habit.B12, plain, style)
    assert ask in target_text(t, Habit.B12, careful, style)
    no_natto = target_text(t, Habit.FERMENTED, careful, style)
    assert no_natto == t(f"{style}-fermented-no-natto", servings=careful.fermented_servings)
    assert t(f"{style}-fermented", servings=plain.fermented_servings) in target_text(
        t, Habit.FERMENTED, plain, style
    )
    gentle = target_text(t, Habit.FIBER, careful, style)
    assert gentle == t(f"{style}-fiber-slow", grams=careful.fiber_grams)
    assert t(f"{style}-fiber", grams=plain.fiber_grams) == target_text(t, Habit.FIBER, plain, style)
    assert careful.fiber_grams < plain.fiber_grams


def test_a_reminder_names_its_week() -> None:
    t = CATALOG.translator("en")
    text = reminder_text(t, Habit.FIBER, PLAN.targets(5, ()))
    assert text.endswith("<i>Week 5 of 12</i>") and "about 6 g today" in text
