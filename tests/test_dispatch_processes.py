"""Several bot processes on one PostgreSQL database: each due reminder is sent exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from coach.db.base import Base
from coach.db.engine import create_engine
from coach.db.models import Delivery
from tests.conftest import POSTGRES_URL, TEST_TOKEN
from tests.fakebot import FakeBotAPI
from tests.seeding import seed_due_reminders

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs COACH_TEST_POSTGRES_URL")
REMINDERS = 1000


async def truncate(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


async def start_bot_process(api: FakeBotAPI, url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=api.root_url,
        DATABASE_URL=url,
        PAID_BROADCAST="true",
        BROADCAST_RATE="1000",
        BROADCAST_PER_CHAT_SECONDS="0",
        DISPATCH_INTERVAL_SECONDS="1",
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coach", "run", env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_two_dispatchers_send_each_reminder_exactly_once(
    fake_api: FakeBotAPI, postgres_database: str, tmp_path: Path
) -> None:
    await truncate(postgres_database)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
    users = await seed_due_reminders(postgres_database, REMINDERS, due)
    processes = [await start_bot_process(fake_api, postgres_database, tmp_path) for _ in range(2)]
    try:
        for _ in range(600):
            if sum(len(fake_api.sent_texts[u]) for u in users) >= REMINDERS:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)  # would a straggler send a duplicate?
    finally:
        await fake_api.release_pollers()
        for process in processes:
            process.send_signal(signal.SIGINT)
        logs = [(await asyncio.wait_for(p.communicate(), 30))[1].decode() for p in processes]
    per_chat = Counter({u: len(fake_api.sent_texts[u]) for u in users})
    assert set(per_chat.values()) == {1}, f"not exactly once: {Counter(per_chat.values())}"
    engine = create_engine(postgres_database)
    async with engine.connect() as conn:
        statuses = dict(
            (
                await conn.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
            ).all()
        )
        workers = (await conn.execute(select(func.count(func.distinct(Delivery.worker))))).scalar()
    await engine.dispose()
    assert statuses == {"sent": REMINDERS}
    assert workers == 2, "both processes took a share"
    assert not [line for log in logs for line in log.splitlines() if " ERROR coach" in line]
