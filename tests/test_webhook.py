"""Production mode: `coach webhook` processes on one PostgreSQL database behind a (simulated)
load balancer. The secret is enforced, any instance handles any update, reminders go out
exactly once, SIGTERM hands unsent claims to the other instance, health and metrics answer
on their own port, and JSON logs never contain the token or the secret."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coach.db.engine import create_engine
from coach.db.models import CheckIn, Delivery, Reminder, SymptomScore, User
from tests.fakebot import FakeBotAPI, FakeUser
from tests.support.bot import POSTGRES_URL, TEST_TOKEN
from tests.support.databases import truncate_all
from tests.support.flows import walk_default_intake
from tests.support.processes import PUBLIC_URL, SECRET, Instance
from tests.support.rows import count, delivery_statuses
from tests.support.seeding import seed_due_reminders

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs COACH_TEST_POSTGRES_URL"),
]


def assert_clean_logs(instance: Instance) -> None:
    """Every line is JSON; neither the token (nor its secret half) nor the webhook secret
    appears anywhere; no error was logged."""
    text = instance.stderr.decode()
    for secret in (TEST_TOKEN, TEST_TOKEN.split(":")[1], SECRET):
        assert secret not in text
    lines = instance.log_lines()
    assert lines and all({"time", "level", "logger", "message"} <= set(e) for e in lines)
    assert not [e for e in lines if e["level"] in ("ERROR", "CRITICAL")], text[-3000:]


async def test_two_webhook_instances_share_the_work(
    fake_api: FakeBotAPI, postgres_database: str, tmp_path: Path
) -> None:
    await truncate_all(postgres_database)
    # A short lease makes small claims (25/s x 8 s / 2 = 100), so both instances get work.
    instances = [
        Instance(fake_api, postgres_database, tmp_path, DELIVERY_LEASE_SECONDS="8")
        for _ in range(2)
    ]
    try:
        await asyncio.gather(*(i.start() for i in instances))  # both migrate at once
        # Each registered its webhook with the secret and only the update kinds it handles.
        assert len(fake_api.webhooks) == 2
        for registered in fake_api.webhooks:
            assert registered["url"] == f"{PUBLIC_URL}/telegram"
            assert registered["secret_token"] == SECRET
            assert json.loads(registered["allowed_updates"]) == ["message", "callback_query"]
        # Without the secret, or with a wrong one: 403, and nothing happens.
        probe = {"update_id": 1, "message": FakeUser(fake_api, 5)._message(text="/start")}
        for instance in instances:
            for secret in (None, "wrong", SECRET[:-1]):
                assert await fake_api.post_webhook(instance.webhook, probe, secret) == 403
        await asyncio.sleep(0.5)
        assert not fake_api.sent_texts[5], "a refused update is not handled"
        # Updates alternate between the instances, as a load balancer would send them.
        fake_api.webhook_targets = [(i.webhook, SECRET) for i in instances]
        user = FakeUser(fake_api, 77, "Lisa", "en")
        _, summary = await walk_default_intake(user)
        assert "Your plan is set" in summary.text
        assert "○ B12" in (await user.ask("/today")).labels
        await user.tap("○ B12")
        assert "✓ B12" in (await user.edit()).labels
        await user.tap("✓ B12")  # opened: undo it or add a note
        await user.edit()
        # Reminders for 300 more users, due now: each sent once across both instances.
        users = await seed_due_reminders(postgres_database, 300, datetime.now(UTC))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(fake_api.sent_texts[u] for u in users):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.5)  # would a straggler send a duplicate?
        metrics = await instances[0].metrics() + await instances[1].metrics()
    finally:
        for instance in instances:
            await instance.stop()
    assert Counter(len(fake_api.sent_texts[u]) for u in users) == Counter({1: 300})
    engine = create_engine(postgres_database)
    async with engine.connect() as conn:
        row = (await conn.execute(select(User).where(User.id == 77))).one()
        assert row.intake_step == "done" and row.timezone == "Europe/Berlin"
        baseline = await conn.scalar(
            select(func.count()).select_from(SymptomScore).where(SymptomScore.user_id == 77)
        )
        assert baseline == 5
        kinds = set((await conn.scalars(select(Reminder.kind).where(Reminder.user_id == 77))).all())
        assert kinds == {"fermented", "fiber", "b12", "checkin", "digest", "finale"}
        logged = await conn.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.user_id == 77)
        )
        assert logged == 1
    await engine.dispose()
    assert (await delivery_statuses(postgres_database)).get("sent", 0) >= 300
    workers = await count(postgres_database, select(func.count(func.distinct(Delivery.worker))))
    assert workers == 2, "both instances took a share of the reminders"
    assert "coach_updates_total" in metrics and 'coach_reminders_total{outcome="sent"}' in metrics
    for instance in instances:
        assert_clean_logs(instance)


async def test_sigterm_mid_dispatch_hands_the_rest_to_the_other_instance(
    fake_api: FakeBotAPI, postgres_database: str, tmp_path: Path
) -> None:
    await truncate_all(postgres_database)
    slow = {"BROADCAST_RATE": "4", "DELIVERY_LEASE_SECONDS": "60"}  # claims of 120 at 4/s
    first = Instance(fake_api, postgres_database, tmp_path, **slow)
    await first.start()
    users = await seed_due_reminders(postgres_database, 100, datetime.now(UTC))
    for _ in range(600):  # until a few are out: the dispatch is under way
        if sum(len(fake_api.sent_texts[u]) for u in users) >= 3:
            break
        await asyncio.sleep(0.05)
    stopped_in = await first.stop(signal.SIGTERM)
    sent_by_first = sum(len(fake_api.sent_texts[u]) for u in users)
    assert 3 <= sent_by_first < 100, "stopped in the middle of the dispatch"
    assert stopped_in < 10, f"SIGTERM took {stopped_in:.1f} s"
    before = await delivery_statuses(postgres_database)
    assert before.get("claimed", 0) == 100 - sent_by_first, before
    leased = await count(
        postgres_database,
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.status == "claimed", Delivery.lease_until > datetime.now(UTC)),
    )
    assert leased == 0, "released: free for another instance at once"
    assert_clean_logs(first)
    assert any("released" in str(e["message"]) for e in first.log_lines())
    second = Instance(fake_api, postgres_database, tmp_path, BROADCAST_RATE="30")
    await second.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(fake_api.sent_texts[u] for u in users):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)
        health = await second.health()
    finally:
        await second.stop()
    assert Counter(len(fake_api.sent_texts[u]) for u in users) == Counter({1: 100})
    assert await delivery_statuses(postgres_database) == {"sent": 100}
    assert health[0] == 200 and health[1]["database"] == "ok"
    assert_clean_logs(second)
