"""/progress with its chart, through the real bot and a fake Bot API server.

One user, seeded straight into a migrated database, has 84 days of data: the three habits
logged day by day (mostly done, some skipped, some missed) and a baseline plus 12 weekly
symptom ratings; today is the day after the plan's last day. The user sends /progress
--runs times, one after the other. Each run is timed from the update being handed to the
bot (pushed into getUpdates) to the sendPhoto with the chart reaching the server, so it
covers the database reads, the scoring, the text reply and the drawing. One warm-up run
(fonts and matplotlib loading) is left out. Prints one JSON line: runs, p50_ms, p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from _harness import percentile, seed_history

from coach.bot.app import build_application
from coach.db.migrate import upgrade_to_head
from tests.fakebot import FakeBotAPI, FakeUser
from tests.support.bot import TEST_TOKEN, FakeClock, bot_settings, start_bot, stop_bot

USER = 70_000
STARTED = date(2026, 3, 2)
NOW = datetime(2026, 5, 25, 9, 0, tzinfo=UTC)  # the morning after week 12, in Berlin
PHOTO_TIMEOUT = 60.0


class BenchError(Exception):
    """The bot did not answer as /progress should: the run proves nothing."""


async def measure(database_url: str, runs: int) -> dict[str, object]:
    await seed_history(database_url, USER, STARTED, NOW)
    api = FakeBotAPI(TEST_TOKEN)
    await api.start()
    settings = bot_settings(api, database_url, log_level="WARNING")
    application = build_application(settings, FakeClock(NOW), dispatch_automatically=False)
    await start_bot(application)
    user = FakeUser(api, USER, "Lisa", "en")
    timings: list[float] = []
    try:
        for run in range(runs + 1):
            began = time.perf_counter()
            await user.send("/progress")
            text = await user.reply(PHOTO_TIMEOUT)
            photo = await user.reply(PHOTO_TIMEOUT)
            if text.kind != "message" or photo.kind != "photo" or not photo.file:
                raise BenchError(f"expected the summary and a chart, got {text} {photo}")
            if run:  # the first run loads fonts and matplotlib
                timings.append((time.perf_counter() - began) * 1000)
    finally:
        await api.release_pollers()
        await stop_bot(application)
        await api.stop()
    return {
        "bench": "progress",
        "runs": len(timings),
        "p50_ms": round(percentile(timings, 0.5), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--database-url", default=None, help="an empty migrated database; default: SQLite"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}"
        upgrade_to_head(url)
        try:
            result = asyncio.run(measure(url, args.runs))
        except BenchError as error:
            parser.exit(1, f"progress: {error}\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
