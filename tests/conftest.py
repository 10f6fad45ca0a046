"""Shared fixtures: databases made by Alembic (SQLite always, PostgreSQL when configured),
the fake Bot API server, and the real bot Application polling it over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from coach.bot import runner
from coach.bot.app import build_application, polling
from coach.bot.context import RUNTIME_KEY, CoachApplication
from coach.config import Settings, load_settings
from coach.db.base import Base
from coach.db.engine import create_engine, create_sessionmaker
from coach.db.migrate import upgrade_to_head
from coach.reminders.dispatcher import Dispatcher
from tests.fakebot import FakeBotAPI, FakeUser

# Hypothesis: quick locally, thorough in CI (.ci/run sets HYPOTHESIS_PROFILE=ci).
hypothesis_settings.register_profile("dev", max_examples=25, deadline=None)
hypothesis_settings.register_profile("ci", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

TEST_TOKEN = "123456789:TEST-token-for-the-fake-bot-api-0000"
POSTGRES_URL = os.environ.get("COACH_TEST_POSTGRES_URL", "")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
SOURCE_KEY = "tests.source"  # where start_bot keeps the poller, for stop_bot


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
    name = f"coach_test_{uuid.uuid4().hex[:10]}"
    admin_url = make_url(POSTGRES_URL)

    async def admin(statement: str) -> None:
        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a fresh SQLite file, or the PostgreSQL one truncated."""
    if request.param == "sqlite":
        path = tmp_path / "coach.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)

    async def truncate() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()

    asyncio.run(truncate())
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


# -- the bot over HTTP -----------------------------------------------------------------------


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI(TEST_TOKEN)
    await api.start()
    yield api
    await api.stop()
    assert not api.layout_violations, api.layout_violations


class FakeClock:
    """The bot's clock in tests: time moves only when the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    # A Monday morning in Seoul (00:30 UTC).
    return FakeClock(datetime(2026, 3, 2, 0, 30, tzinfo=UTC))


@dataclass
class RunningBot:
    api: FakeBotAPI
    application: CoachApplication
    settings: Settings
    clock: FakeClock

    @property
    def dispatcher(self) -> Dispatcher:
        return self.application.bot_data[RUNTIME_KEY].dispatcher

    def user(
        self, user_id: int = 1001, language_code: str | None = "en", name: str = "Lisa"
    ) -> FakeUser:
        return FakeUser(self.api, user_id, first_name=name, language_code=language_code)


def bot_settings(api: FakeBotAPI, database_url: str, **overrides: object) -> Settings:
    """Settings for a bot in this process: no health server unless a test asks for one, and
    no flood control (tests tap faster than people) unless a test sets it."""
    return load_settings(
        telegram_bot_token=TEST_TOKEN,
        telegram_api_url=api.root_url,
        database_url=database_url,
        **{"metrics_port": 0, "flood_max_updates": 1_000_000, **overrides},
    )


async def start_bot(application: CoachApplication) -> None:
    """What `coach run` does, inside the test's event loop (a shorter long poll)."""
    source = polling(application, timeout=5)
    application.bot_data[SOURCE_KEY] = source
    await runner.start(application, source)


async def stop_bot(application: CoachApplication) -> None:
    """The graceful stop `coach run` makes on SIGTERM."""
    await runner.finish(application, application.bot_data.pop(SOURCE_KEY, None))


@contextlib.asynccontextmanager
async def running_bot(
    api: FakeBotAPI, database_url: str, clock: FakeClock, **overrides: object
) -> AsyncIterator[RunningBot]:
    """The real Application with these settings, polling the fake server over real HTTP;
    reminder rounds are left to the test."""
    settings = bot_settings(api, database_url, **overrides)
    application = build_application(settings, clock, dispatch_automatically=False)
    running = RunningBot(api, application, settings, clock)
    await start_bot(application)
    try:
        yield running
    finally:
        await api.release_pollers()
        await stop_bot(application)


@pytest.fixture
async def bot(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    """The real Application, polling the fake Bot API server over real HTTP."""
    async with running_bot(fake_api, database_url, clock) as running:
        yield running
