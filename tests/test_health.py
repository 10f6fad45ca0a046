"""/healthz and /metrics on their own port, over real HTTP, and /stats for admins only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text, update

from coach import __version__
from coach.bot.health import HealthServer, Metrics
from coach.db.engine import create_engine
from coach.db.models import Reminder
from tests.fakebot import FakeBotAPI
from tests.support.bot import FakeClock, RunningBot, running_bot
from tests.support.flows import enrolled
from tests.support.processes import free_port


@pytest.fixture
async def watched(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock
) -> AsyncIterator[tuple[RunningBot, str]]:
    """A bot with its health server on, and that server's root URL; ADMIN_IDS is 4242."""
    port = free_port()
    async with running_bot(
        fake_api,
        database_url,
        clock,
        metrics_port=port,
        metrics_listen="127.0.0.1",
        max_dispatch_lag_seconds=600,
        admin_ids="4242",
    ) as bot:
        yield bot, f"http://127.0.0.1:{port}"


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status, await response.text()


async def test_healthz_reports_the_database_and_dispatch_lag(watched, sessionmaker) -> None:
    bot, root = watched
    status, body = await get(f"{root}/healthz")
    assert status == 200 and '"database": "ok"' in body and '"dispatch_lag_seconds": 0' in body
    await enrolled(bot, 5001)
    # Reminders due an hour ago, and this instance's dispatcher has done nothing: stalled.
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Reminder).values(next_fire_at=bot.clock.now - timedelta(hours=1))
        )
    status, body = await get(f"{root}/healthz")
    assert status == 503 and '"dispatch": "stalled"' in body
    assert '"dispatch_lag_seconds": 3600.0' in body
    await bot.dispatcher.run_round()
    status, body = await get(f"{root}/healthz")
    assert status == 200 and '"dispatcher_idle_seconds": 0.0' in body, body
    # A backlog this instance is working through is not a reason to take it out of the
    # load balancer: overdue, but the dispatcher made progress a moment ago.
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Reminder).values(next_fire_at=bot.clock.now - timedelta(hours=1))
        )
    status, body = await get(f"{root}/healthz")
    assert status == 200 and '"dispatch_lag_seconds": 3600.0' in body, body
    bot.clock.now += timedelta(minutes=11)  # ...until it has done nothing for too long
    status, body = await get(f"{root}/healthz")
    assert status == 503 and '"dispatch": "stalled"' in body


async def test_metrics_count_updates_reminders_and_lag(watched, sessionmaker) -> None:
    bot, root = watched
    user = await enrolled(bot, 5002)
    await user.ask("/help")
    bot.clock.now += timedelta(hours=7)  # 08:30 in Berlin: B12 (07:00) and fiber (08:00)
    counts = await bot.dispatcher.run_round()
    assert counts is not None and counts["sent"] == 2
    status, page = await get(f"{root}/metrics")
    assert status == 200
    values = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in page.splitlines()
        if line and not line.startswith("#")
    }
    assert values["coach_updates_total"] >= 15, "the intake's taps and /help"
    assert values['coach_reminders_total{outcome="sent"}'] == 2
    assert values["coach_dispatch_lag_seconds"] == 0
    assert values["coach_telegram_429_total"] == 0
    assert values[f'coach_build_info{{version="{__version__}"}}'] == 1
    for where in ("update", "dispatch", "delivery", "prune"):
        assert values[f'coach_errors_total{{where="{where}"}}'] == 0, "shown from the start"


async def test_healthz_names_the_version_and_a_schema_gone_from_under_it(
    watched, sessionmaker
) -> None:
    _, root = watched
    status, body = await get(f"{root}/healthz")
    assert status == 200 and f'"version": "{__version__}"' in body
    async with sessionmaker.begin() as session:
        await session.execute(text("ALTER TABLE reminders RENAME TO reminders_away"))
    try:
        status, body = await get(f"{root}/healthz")
    finally:
        async with sessionmaker.begin() as session:
            await session.execute(text("ALTER TABLE reminders_away RENAME TO reminders"))
    assert status == 503
    assert '"database": "ok"' in body and '"schema": "unusable' in body, body


async def test_stats_answers_admins_only(watched, sessionmaker) -> None:
    bot, _ = watched
    await enrolled(bot, 5003)
    stranger = bot.user(5004)
    await stranger.ask("/start")  # a user mid-intake: counted, not active
    assert "don't know that command" in (await stranger.ask("/stats")).text
    admin = bot.user(4242)
    stats = await admin.ask("/stats")
    assert "Users: 2" in stats.text and "Active plans: 1" in stats.text
    assert "Completed plans: 0" in stats.text and "Reminders sent today (UTC): 0" in stats.text


async def test_healthz_says_unhealthy_when_the_database_is_unreachable(watched) -> None:
    """The same health server, pointed at a database nobody listens on."""
    bot, _ = watched
    port = free_port()
    engine = create_engine(f"postgresql+asyncpg://coach@127.0.0.1:{free_port()}/nowhere")
    server = HealthServer(Metrics(), engine, bot.dispatcher, bot.clock, 600)
    await server.start("127.0.0.1", port)
    try:
        status, body = await get(f"http://127.0.0.1:{port}/healthz")
    finally:
        await server.stop()
        await engine.dispose()
    assert status == 503 and '"database": "unreachable' in body and "unhealthy" in body


async def test_a_failed_retention_run_is_logged_and_counted(
    bot: RunningBot, tmp_path: Path
) -> None:
    """The hourly purge on a database it cannot read: one error line, coach_errors_total
    {where="retention"} up by one, and the job stays for the next hour."""
    from coach.bot import retention
    from coach.bot.context import RUNTIME_KEY
    from coach.db.engine import create_sessionmaker
    from tests.support.services import build_services

    runtime = bot.application.bot_data[RUNTIME_KEY]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'no-tables.db'}")
    try:
        broken = build_services(create_sessionmaker(engine)).account
        job = retention.start_purging(
            bot.application.job_queue, broken, bot.clock, 365, runtime.dispatcher.on_error
        )
        assert job is not None
        await job.run(bot.application)
        assert bot.errors("retention") == 1
        job.schedule_removal()
    finally:
        await engine.dispose()
