"""/export and /delete, called on the services directly: a user's own rows, all of them,
and nobody else's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coach.domain.habits import Habit, Symptom
from coach.services import Services
from coach.services.account import Deletion, ExportData
from coach.services.checkins import DayRef
from coach.services.refusals import Refusal, Why
from tests.support.rows import user_rows
from tests.support.seeding import seed_enrolled_user

NOW = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
MONDAY = date(2026, 3, 2)
SUNDAY = NOW + timedelta(days=6, hours=18)
USER, OTHER = 14_001, 14_002


@pytest.fixture
async def users(services: Services, sessionmaker) -> tuple[int, int]:
    """Two enrolled users, each with a check-in and a weekly rating."""
    for uid, language in ((USER, "en"), (OTHER, "ko")):
        await seed_enrolled_user(sessionmaker, uid, NOW, language=language)
        await services.checkins.log(uid, DayRef(Habit.FIBER, MONDAY), "done", NOW)
        await services.weekly.rate(uid, 1, Symptom.MOOD, 4, SUNDAY)
    await services.checkins.log(USER, DayRef(Habit.B12, MONDAY), "skipped", NOW)
    return USER, OTHER


async def test_export_holds_the_users_rows_and_nobody_elses(
    services: Services, users: tuple[int, int]
) -> None:
    data = await services.account.export(USER, SUNDAY)
    assert isinstance(data, ExportData) and data.language == "en"
    settings = dict(data.settings)
    assert settings["language"] == "en" and settings["timezone"] == "Europe/Berlin"
    assert settings["plan_started_on"] == "2026-03-02" and settings["paused"] == "false"
    assert settings["reminder_b12"] == "on 07:00"
    assert sorted((day, habit, status) for day, habit, status, _, _ in data.checkins) == [
        (MONDAY, "b12", "skipped"),
        (MONDAY, "fiber", "done"),
    ]
    assert [(week, symptom) for week, symptom, _, _ in data.scores if week == 1] == [(1, "mood")]
    assert sum(1 for week, *_ in data.scores if week == 0) == 5  # the baseline
    assert data.progress is not None and data.progress.user_id == USER


async def test_export_of_an_unknown_user_is_nothing(services: Services) -> None:
    assert await services.account.export(USER, NOW) == Refusal(Why.NOTHING_TO_EXPORT, None)
    assert await services.account.deletion(USER) == Refusal(Why.NOTHING_TO_DELETE, None)


async def test_delete_erases_every_row_about_the_user_only(
    services: Services, sessionmaker, users: tuple[int, int]
) -> None:
    before = await user_rows(sessionmaker, OTHER)
    assert before["users"] == 1 and before["checkins"] == 1
    deletion = await services.account.deletion(USER)
    assert isinstance(deletion, Deletion) and deletion.language == "en"
    assert await services.account.delete(USER, deletion.key) == deletion
    assert set((await user_rows(sessionmaker, USER)).values()) == {0}
    assert await user_rows(sessionmaker, OTHER) == before
    assert await services.account.export(USER, SUNDAY) == Refusal(Why.NOTHING_TO_EXPORT, None)
    # Nothing left to delete.
    assert await services.account.delete(USER, deletion.key) == Refusal(Why.STALE, None)


async def test_an_old_confirmation_cannot_erase_a_newer_account(
    services: Services, sessionmaker, users: tuple[int, int]
) -> None:
    deletion = await services.account.deletion(USER)
    assert isinstance(deletion, Deletion)
    assert await services.account.delete(USER, deletion.key - 1) == Refusal(Why.STALE, "en")
    assert (await user_rows(sessionmaker, USER))["users"] == 1
    assert isinstance(await services.account.export(USER, SUNDAY), ExportData)
