"""SIGKILL during dispatch, five times at random points, then a restart: nothing lost,
nothing sent twice.

The only honest exception is a request in flight at the instant of the kill: it is recorded
as uncertain and never re-sent, so it reached the user at most once.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from coach.db.engine import create_engine
from coach.db.models import Delivery
from tests.fakebot import FakeBotAPI
from tests.support.processes import bot_process_env
from tests.support.seeding import seed_due_reminders

USERS = 1000
KILLS = 5


def bot_env(api: FakeBotAPI, url: str) -> dict[str, str]:
    return bot_process_env(
        api,
        url,
        PAID_BROADCAST="true",
        BROADCAST_RATE="100",
        BROADCAST_PER_CHAT_SECONDS="0",
        DISPATCH_INTERVAL_SECONDS="1",
        DELIVERY_LEASE_SECONDS="5",
    )


async def received(api: FakeBotAPI, users: list[int]) -> int:
    return sum(len(api.sent_texts[u]) for u in users)


async def test_sigkill_mid_dispatch_then_restart(
    fake_api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    users = await seed_due_reminders(database_url, USERS, datetime.now(UTC) + timedelta(seconds=2))
    command = (sys.executable, "-m", "coach", "run")
    quiet = {"stdout": asyncio.subprocess.DEVNULL, "stderr": asyncio.subprocess.DEVNULL}
    env = bot_env(fake_api, database_url)
    rng = random.Random(8)

    for _ in range(KILLS):  # each run killed at a random point of its dispatch
        before = await received(fake_api, users)
        target = min(USERS - 1, before + rng.randint(20, 160))
        process = await asyncio.create_subprocess_exec(*command, env=env, cwd=tmp_path, **quiet)
        for _ in range(1500):
            if await received(fake_api, users) >= target:
                break
            await asyncio.sleep(0.01)
        process.send_signal(signal.SIGKILL)  # claims, sends and records in flight
        await process.wait()
    killed_at = await received(fake_api, users)
    assert killed_at < USERS, "the kills came too late to test anything"

    second = await asyncio.create_subprocess_exec(*command, env=env, cwd=tmp_path, **quiet)
    try:
        for _ in range(600):
            engine = create_engine(database_url)
            async with engine.connect() as conn:
                statuses = Counter((await conn.execute(select(Delivery.status))).scalars())
            await engine.dispose()
            if sum(statuses.values()) == USERS and set(statuses) <= {"sent", "uncertain"}:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
    finally:
        await fake_api.release_pollers()
        second.send_signal(signal.SIGINT)
        await second.wait()

    engine = create_engine(database_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(Delivery.user_id, Delivery.status))).all()
    await engine.dispose()
    by_user = dict(rows)
    assert len(rows) == USERS == len(by_user), "one delivery row per occurrence"
    assert set(by_user.values()) <= {"sent", "uncertain"}
    for user_id in users:
        messages = len(fake_api.sent_texts[user_id])
        if by_user[user_id] == "sent":
            assert messages == 1, f"user {user_id}: sent, but {messages} messages"
        else:  # in flight at the kill: delivered at most once
            assert messages <= 1
    uncertain = sum(1 for s in by_user.values() if s == "uncertain")
    assert uncertain <= 256 * KILLS, "only requests in flight at a kill can be uncertain"
