"""Reminder dispatch at scale: the real bot in its own process against a fake Bot API server.

    python bench/reminders.py --users 100000              # throughput, throttling off
    python bench/reminders.py --due 2000 --throttle 25    # pacing, with a user tapping

Seeds enrolled users (3 reminders each, one per user due in the same minute) into a fresh
SQLite file (or --database-url), starts `coach run`, and prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _harness  # noqa: F401  (puts the repo on sys.path)
from _harness import percentile
from sqlalchemy import select, update

from coach.db.engine import create_engine, create_sessionmaker
from coach.db.migrate import upgrade_to_head
from coach.db.models import Reminder
from tests.fakebot import FakeBotAPI, FakeUser
from tests.support.bot import TEST_TOKEN
from tests.support.databases import truncate_all
from tests.support.processes import bot_process_env
from tests.support.rows import delivery_statuses
from tests.support.seeding import seed_due_reminders

LEAD_SECONDS = 4.0  # the due minute starts this long after the bot process is launched


async def bench(args: argparse.Namespace, database_url: str, workdir: Path) -> dict[str, object]:
    users = args.users if args.due is None else args.due
    seed_started = time.perf_counter()
    await reset(database_url)
    due_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD_SECONDS + 30)
    ids = await seed_due_reminders(database_url, users, due_at, per_user=3)
    tapper_id = ids[-1] + 1
    await seed_due_reminders(database_url, 1, due_at + timedelta(hours=6), first_id=tapper_id)
    seed_s = time.perf_counter() - seed_started
    # Seeding took a while: move the due minute so it starts LEAD_SECONDS after launch.
    due_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD_SECONDS)
    await move_due(database_url, due_at)

    api = FakeBotAPI(TEST_TOKEN)
    await api.start()
    if args.throttle:
        api.rate_limit = 30  # Telegram-like: 429 above 30 messages in any second
    env = bot_process_env(api, database_url, LOG_LEVEL="WARNING")
    if args.throttle:
        env.update(BROADCAST_RATE=str(args.throttle), BROADCAST_PER_CHAT_SECONDS="1")
    else:
        env.update(BROADCAST_THROTTLE="false", PAID_BROADCAST="true")
    launched = time.time()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coach", "run", env=env, cwd=workdir,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    peak_rss = 0.0
    interactive: list[float] = []
    lost_replies = 0
    delivered: set[int] = set()
    scanned = 0
    tapper = FakeUser(api, tapper_id, "Tap", "en")
    try:
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            peak_rss = max(peak_rss, rss_mb(process.pid))
            # Incremental: rescanning every send each tick would slow the fake server.
            for chat, _ in api.send_times[scanned:]:
                if chat != tapper_id:
                    delivered.add(chat)
            scanned = len(api.send_times)
            if len(delivered) >= users:
                break
            if process.returncode is not None:
                break
            if args.throttle and api.first_get_updates_at is not None:
                # A person taps about twice a second; with 25/s of broadcasts that stays
                # under Telegram's 30/s, so every reply should come back at once.
                began = time.perf_counter()
                try:
                    await tapper.ask("/reminders")
                    interactive.append((time.perf_counter() - began) * 1000)
                except TimeoutError:
                    lost_replies += 1
                await asyncio.sleep(0.5)
            else:
                await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # any duplicate would show up now
        peak_rss = max(peak_rss, rss_mb(process.pid))
    finally:
        await api.release_pollers()
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), 60)
        await api.stop()

    due_ts = due_at.timestamp()
    sends = [(chat, at) for chat, at in api.send_times if chat != tapper_id]
    per_chat = Counter(chat for chat, _ in sends)
    firsts: dict[int, float] = {}
    for chat, at in sends:
        firsts.setdefault(chat, at)
    lateness = sorted(max(0.0, at - due_ts) for at in firsts.values()) or [float("nan")]
    times = sorted(at for _, at in sends)
    span = (times[-1] - times[0]) if len(times) > 1 else float("nan")
    statuses = await delivery_statuses(database_url)
    result: dict[str, object] = {
        "bench": "reminders",
        "users": users,
        "due": users,
        "seed_s": round(seed_s, 2),
        "startup_s": round((api.first_get_updates_at or float("nan")) - launched, 2),
        "dispatch_msgs_per_s": round(len(sends) / span, 1) if span == span and span > 0 else None,
        "lateness_p50_s": round(percentile(lateness, 0.5), 2),
        "lateness_p99_s": round(percentile(lateness, 0.99), 2),
        "sent": statuses.get("sent", 0),
        "missed": statuses.get("missed", 0),
        "duplicated": sum(1 for n in per_chat.values() if n > 1),
        "peak_rss_mb": round(peak_rss, 1),
    }
    if args.throttle:
        window = rate_in_steady_state(times)
        result.update(
            rate_msgs_per_s=round(window, 2) if window else None,
            http_429=api.http_429,
            interactive_p99_ms=round(percentile(interactive, 0.99), 1) if interactive else None,
            interactive_samples=len(interactive),
            interactive_lost=lost_replies,
        )
    if b"Traceback" in err:
        result["errors"] = err.decode()[-2000:]
    return result


def rate_in_steady_state(times: list[float]) -> float | None:
    """Messages per second between the 10th and 90th percentile arrivals."""
    if len(times) < 20:
        return None
    low, high = times[len(times) // 10], times[len(times) * 9 // 10]
    count = len(times) * 9 // 10 - len(times) // 10
    return count / (high - low) if high > low else None


def rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def reset(database_url: str) -> None:
    if not database_url.startswith("sqlite"):  # a fresh SQLite file is empty already
        await truncate_all(database_url)


async def move_due(database_url: str, due_at: datetime) -> None:
    """Shift every seeded reminder so the earliest ones are due at `due_at`."""
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker.begin() as session:
        rows = (await session.execute(select(Reminder.id, Reminder.next_fire_at))).all()
        shift = due_at - min(at for _, at in rows)
        # local_time moves too (to the second), so the schedule stays self-consistent.
        await session.execute(
            update(Reminder),
            [
                {"id": rid, "next_fire_at": at + shift, "local_time": (at + shift).time()}
                for rid, at in rows
            ],
        )
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=None, help="users due at once (pacing mode)")
    parser.add_argument("--throttle", type=float, default=None, help="broadcast rate, messages/s")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    # The fake server keeps every message it is sent, so its heap grows by hundreds of MB over
    # a run; the collector's full passes over it would stall the server and be charged to the
    # bot. Reference counting still frees everything short-lived.
    gc.disable()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}"
        upgrade_to_head(url)
        print(json.dumps(asyncio.run(bench(args, url, Path(scratch)))))


if __name__ == "__main__":
    main()
