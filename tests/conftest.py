"""Fixture wiring: databases made by Alembic (SQLite always, PostgreSQL when configured),
the fake Bot API server, the real bot polling it, and the services built as the bot builds
them. The helpers behind them live in tests/support/."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from coach.db.engine import create_engine, create_sessionmaker
from coach.db.migrate import upgrade_to_head
from coach.services import Services
from tests.fakebot import FakeBotAPI
from tests.support.bot import (
    DATABASES,
    POSTGRES_URL,
    TEST_TOKEN,
    FakeClock,
    RunningBot,
    running_bot,
)
from tests.support.databases import (
    create_postgres_database,
    drop_postgres_database,
    truncate_all,
)
from tests.support.services import build_services

# Hypothesis: quick locally, thorough in CI (.ci/run sets HYPOTHESIS_PROFILE=ci).
hypothesis_settings.register_profile("dev", max_examples=25, deadline=None)
hypothesis_settings.register_profile("ci", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# -- databases -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test run, migrated to head, dropped after."""
    if not POSTGRES_URL:
        pytest.skip("COACH_TEST_POSTGRES_URL is not set")
    url = create_postgres_database(POSTGRES_URL, "coach_test")
    upgrade_to_head(url)
    yield url
    drop_postgres_database(url, POSTGRES_URL)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a fresh SQLite file, or the PostgreSQL one truncated."""
    if request.param == "sqlite":
        path = tmp_path / "coach.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    asyncio.run(truncate_all(url))
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
def services(sessionmaker: async_sessionmaker[AsyncSession]) -> Services:
    """Every service, built the way coach/bot/app.py builds them, on this test's database."""
    return build_services(sessionmaker)


# -- the bot over HTTP -----------------------------------------------------------------------


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI(TEST_TOKEN)
    await api.start()
    yield api
    await api.stop()
    assert not api.layout_violations, api.layout_violations


@pytest.fixture
def clock() -> FakeClock:
    # A Monday morning in Seoul (00:30 UTC).
    return FakeClock(datetime(2026, 3, 2, 0, 30, tzinfo=UTC))


@pytest.fixture
async def bot(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    """The real Application, polling the fake Bot API server over real HTTP."""
    async with running_bot(fake_api, database_url, clock) as running:
        yield running
