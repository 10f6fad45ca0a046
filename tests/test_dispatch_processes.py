"""Several bot processes on one PostgreSQL database: each due reminder is sent exactly once."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coach.db.engine import create_engine
from coach.db.models import Delivery
from tests.conftest import POSTGRES_URL
from tests.fakebot import FakeBotAPI
from tests.processes import bot_process_env, truncate_all
from tests.seeding import seed_due_reminders

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs COACH_TEST_POSTGRES_URL")
REMINDERS = 1000


async def start_bot_process(api: FakeBotAPI, url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = bot_process_env(
        api,
        url,
        PAID_BROADCAST="true",
        BROADCAST_RATE="200",  # with a 5 s lease: claims of 500, so both processes get work
        DELIVERY_LEASE_SECONDS="5",
        BROADCAST_PER_CHAT_SECONDS="0",
        DISPATCH_INTERVAL_SECONDS="1",
        LOG_LEVEL="INFO",
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coach", "run", env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def started_log(process: asyncio.subprocess.Process) -> str:
    """What the process logged up to PTB's "Application started"."""
    assert process.stderr is not None
    lines = []
    while not lines or b"Application started" not in lines[-1]:
        line = await asyncio.wait_for(process.stderr.readline(), 60)
        assert line, "the bot exited before it started: " + b"".join(lines).decode()
        lines.append(line)
    return b"".join(lines).decode()


async def test_two_dispatchers_send_each_reminder_exactly_once(
    fake_api: FakeBotAPI, postgres_database: str, tmp_path: Path
) -> None:
    await truncate_all(postgres_database)
    processes = [await start_bot_process(fake_api, postgres_database, tmp_path) for _ in range(2)]
    started = [await started_log(p) for p in processes]  # both running before anything is due
    due = datetime.now(UTC) + timedelta(seconds=1)
    users = await seed_due_reminders(postgres_database, REMINDERS, due)
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
        logs = [
            head + (await asyncio.wait_for(p.communicate(), 30))[1].decode()
            for head, p in zip(started, processes, strict=True)
        ]
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
