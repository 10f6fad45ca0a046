"""The shortcut the service tests take is true to the bot: a user seeded as enrolled has the
same rows as one who walked the default intake over HTTP."""

from __future__ import annotations

from tests.support.bot import RunningBot
from tests.support.flows import enrolled
from tests.support.rows import reminders, symptom_scores, user_row
from tests.support.seeding import seed_enrolled_user

WALKED, SEEDED = 15_001, 15_002
USER_FIELDS = (
    "language",
    "intake_step",
    "awaiting",
    "timezone",
    "consented_at",
    "plan_started_on",
    "paused",
    "paused_until",
    "day_ends_at",
    "maintenance",
    "safety_blood_thinner",
    "safety_histamine",
    "safety_ibs",
    "safety_pregnant_or_minor",
)
REMINDER_FIELDS = ("enabled", "local_time", "days", "next_fire_at", "snoozed", "coached_since")


async def test_a_seeded_user_matches_one_who_walked_the_intake(
    bot: RunningBot, sessionmaker
) -> None:
    await enrolled(bot, WALKED)
    await seed_enrolled_user(sessionmaker, SEEDED, bot.clock.now)
    walked, seeded = await user_row(sessionmaker, WALKED), await user_row(sessionmaker, SEEDED)
    assert {f: getattr(seeded, f) for f in USER_FIELDS} == {
        f: getattr(walked, f) for f in USER_FIELDS
    }

    def shape(rows: dict) -> dict:  # type: ignore[type-arg]
        return {kind: tuple(getattr(r, f) for f in REMINDER_FIELDS) for kind, r in rows.items()}

    assert shape(await reminders(sessionmaker, SEEDED)) == shape(
        await reminders(sessionmaker, WALKED)
    )
    assert await symptom_scores(sessionmaker, SEEDED) == await symptom_scores(sessionmaker, WALKED)
