"""Reply latency of the real bot: /start and /help through the fake Bot API server.

Prints one JSON line: requests, users, p50_ms, p99_ms, measured from the update being handed
to the bot (pushed into getUpdates) to the bot's reply arriving at the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import _harness  # noqa: F401  (puts the repo on sys.path)
from _harness import percentile

from coach.bot.app import build_application
from coach.db.migrate import upgrade_to_head
from tests.conftest import TEST_TOKEN, bot_settings, start_bot, stop_bot
from tests.fakebot import FakeBotAPI, FakeUser


async def measure(database_url: str, users: int, rounds: int) -> dict[str, object]:
    api = FakeBotAPI(TEST_TOKEN)
    await api.start()
    application = build_application(bot_settings(api, database_url, log_level="WARNING"))
    await start_bot(application)
    latencies: list[float] = []
    try:
        people = [FakeUser(api, 10_000 + i, f"u{i}", "en" if i % 2 else "ko") for i in range(users)]
        for person in people:
            await person.ask("/start")  # register; not measured
        for _ in range(rounds):
            for person in people:
                began = time.perf_counter()
                await person.ask("/help")
                latencies.append((time.perf_counter() - began) * 1000)
    finally:
        await api.release_pollers()
        await stop_bot(application)
        await api.stop()
    return {
        "bench": "interactive",
        "requests": len(latencies),
        "users": users,
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}"
        upgrade_to_head(url)
        print(json.dumps(asyncio.run(measure(url, args.users, args.rounds))))


if __name__ == "__main__":
    main()
