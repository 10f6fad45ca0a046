"""The real bot Application in the test's process, polling the fake Bot API server over
HTTP, with a clock that moves only when the test moves it."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from coach.bot import runner
from coach.bot.app import build_application, polling
from coach.bot.context import RUNTIME_KEY, CoachApplication
from coach.config import Settings, load_settings
from coach.reminders.dispatcher import Dispatcher
from tests.fakebot import FakeBotAPI, FakeUser

TEST_TOKEN = "123456789:TEST-token-for-the-fake-bot-api-0000"
POSTGRES_URL = os.environ.get("COACH_TEST_POSTGRES_URL", "")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
SOURCE_KEY = "tests.source"  # where start_bot keeps the poller, for stop_bot


class FakeClock:
    """The bot's clock in tests: time moves only when the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class RunningBot:
    api: FakeBotAPI
    application: CoachApplication
    settings: Settings
    clock: FakeClock

    @property
    def dispatcher(self) -> Dispatcher:
        return self.application.bot_data[RUNTIME_KEY].dispatcher

    def errors(self, where: str) -> float:
        """What /metrics shows as coach_errors_total{where=...}."""
        registry = self.application.bot_data[RUNTIME_KEY].metrics.registry
        return registry.get_sample_value("coach_errors_total", {"where": where}) or 0.0

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


async def handled(bot: RunningBot) -> None:
    """Until the bot has finished every update it has (its lanes are empty)."""
    lanes = bot.application.bot_data[RUNTIME_KEY].lanes
    for _ in range(1000):
        if not lanes.waiting:
            return
        await asyncio.sleep(0.002)
    raise AssertionError("the bot never finished its updates")
