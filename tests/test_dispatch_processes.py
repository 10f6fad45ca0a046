"""Several bot processes on one PostgreSQL database: each due reminder is sent exactly once."""

from __future__ import annotations

import asyncio
import random
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coach.config import SUPPORTED_LANGUAGES
from coach.db.engine import create_engine, create_sessionmaker
from coach.db.models import Delivery, Reminder
from coach.domain.habits import Habit
from coach.domain.plan import load_plan
from coach.paths import PLAN_FILE
from coach.services import Services
from coach.services.checkins import DayRef
from tests.fakebot import FakeBotAPI
from tests.support.bot import POSTGRES_URL
from tests.support.databases import truncate_all
from tests.support.processes import bot_process_env
from tests.support.rows import count, delivery_statuses
from tests.support.seeding import seed_due_reminders
from tests.support.services import delete_user

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
    statuses = await delivery_statuses(postgres_database)
    workers = await count(postgres_database, select(func.count(func.distinct(Delivery.worker))))
    assert statuses == {"sent": REMINDERS}
    assert workers == 2, "both processes took a share"
    assert not [line for log in logs for line in log.splitlines() if " ERROR coach" in line]


async def test_two_dispatchers_with_users_acting_meanwhile(
    fake_api: FakeBotAPI, postgres_database: str, tmp_path: Path
) -> None:
    """While two processes dispatch, users switch habits off, pause, tick habits off and
    delete their data (a third party on the same database, as a third instance would): no
    reminder goes out twice, nobody else's is lost, the deleted leave nothing, and neither
    process logs an error (a deadlock would)."""
    await truncate_all(postgres_database)
    processes = [await start_bot_process(fake_api, postgres_database, tmp_path) for _ in range(2)]
    started = [await started_log(p) for p in processes]
    due = datetime.now(UTC) + timedelta(seconds=1)
    users = await seed_due_reminders(postgres_database, REMINDERS, due)
    rng = random.Random(7)
    actors = rng.sample(users, REMINDERS // 5)
    doomed, others = set(actors[:40]), actors[40:]
    engine = create_engine(postgres_database)
    services = Services.build(
        create_sessionmaker(engine), load_plan(PLAN_FILE), SUPPORTED_LANGUAGES, "en"
    )

    async def act(user_id: int) -> None:
        await asyncio.sleep(rng.random())  # spread over the dispatch
        now = datetime.now(UTC)
        if user_id in doomed:
            await delete_user(services, user_id)
        elif user_id % 3 == 0:
            await services.pause.pause(user_id, "day", now)
        elif user_id % 3 == 1:
            await services.settings.set_habit(user_id, Habit.FERMENTED, False, now)
        else:
            await services.checkins.log(user_id, DayRef(Habit.FERMENTED, now.date()), "done", now)

    try:
        acting = await asyncio.gather(*(act(u) for u in actors), return_exceptions=True)
        for _ in range(600):
            if sum(len(fake_api.sent_texts[u]) for u in users) >= REMINDERS - len(actors):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)
    finally:
        await fake_api.release_pollers()
        for process in processes:
            process.send_signal(signal.SIGINT)
        logs = [
            head + (await asyncio.wait_for(p.communicate(), 30))[1].decode()
            for head, p in zip(started, processes, strict=True)
        ]
    assert [a for a in acting if isinstance(a, BaseException)] == []
    per_chat = Counter({u: len(fake_api.sent_texts[u]) for u in users})
    assert max(per_chat.values()) == 1, "a reminder went out twice"
    untouched = set(users) - set(actors)
    assert {per_chat[u] for u in untouched} == {1}, "an untouched user's reminder was lost"
    async with engine.connect() as conn:
        duplicates = (
            await conn.execute(
                select(Delivery.reminder_id)
                .group_by(Delivery.reminder_id, Delivery.due_at)
                .having(func.count() > 1)
            )
        ).all()
        left = (
            await conn.execute(
                select(func.count()).select_from(Reminder).where(Reminder.user_id.in_(doomed))
            )
        ).scalar()
        unfinished = (
            await conn.execute(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.user_id.in_(others), Reminder.next_fire_at <= due)
            )
        ).scalar()
    await engine.dispose()
    assert duplicates == [] and left == 0 and unfinished == 0
    assert not [line for log in logs for line in log.splitlines() if " ERROR " in line]
