"""Helpers for tests and benchmarks that run the bot as a real `coach run` process."""

from __future__ import annotations

import os
import socket

from sqlalchemy import text

from coach.db.base import Base
from coach.db.engine import create_engine
from tests.conftest import TEST_TOKEN
from tests.fakebot import FakeBotAPI


def bot_process_env(api: FakeBotAPI, database_url: str, **settings: str) -> dict[str, str]:
    """This environment, minus any bot settings of the caller's, pointed at the fake server."""
    ours = ("TELEGRAM_", "DATABASE_", "WEBHOOK_", "METRICS_", "LOG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=api.root_url,
        DATABASE_URL=database_url,
        METRICS_PORT="0",  # several processes at once: each test names its own ports
        FLOOD_MAX_UPDATES="1000000",  # the tests' users tap faster than people
    )
    env.update(settings)
    return env


async def truncate_all(database_url: str) -> None:
    """Empty every table of a PostgreSQL database (the schema stays)."""
    engine = create_engine(database_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


def free_port() -> int:
    """A TCP port nobody listens on right now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
