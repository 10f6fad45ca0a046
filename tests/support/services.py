"""The services as coach/bot/app.py builds them, for tests that call them directly."""

from __future__ import annotations

import functools

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.config import SUPPORTED_LANGUAGES
from coach.domain.plan import Plan, load_plan
from coach.paths import PLAN_FILE
from coach.services import Services
from coach.services.account import Deletion


@functools.cache
def the_plan() -> Plan:
    """The plan the bot ships with (messages/plan), read once per test run."""
    return load_plan(PLAN_FILE)


def build_services(
    sessionmaker: async_sessionmaker[AsyncSession], default_language: str = "en"
) -> Services:
    """Every service on this database, wired as the bot wires them."""
    return Services.build(sessionmaker, the_plan(), SUPPORTED_LANGUAGES, default_language)


async def delete_user(services: Services, user_id: int) -> None:
    """/delete, asked for and confirmed; fails the test unless it erased the user."""
    deletion = await services.account.deletion(user_id)
    assert isinstance(deletion, Deletion), deletion
    assert await services.account.delete(user_id, deletion.key) == deletion
