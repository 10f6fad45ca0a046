"""Reply latency of the real bot: /start and /help through the fake Bot API server.

Each user sends /start first (not measured), then /help --rounds times, each after their
last reply arrived; at most --in-flight requests are in the bot at once (default 1: the
users take turns). Prints one JSON line: requests, users, in_flight, p50_ms, p99_ms,
measured from the update being handed to the bot (pushed into getUpdates) to the bot's reply
arriving at the server, and updates_per_s (requests over the measured phase).

--api-latency-ms N answers every Bot API call N ms late from the first /help on. With it
(or --compare-sequential) the bench runs twice, as configured and with
MAX_CONCURRENT_UPDATES=1, and reports both: sequential_requests, sequential_updates_per_s,
sequential_p50_ms, sequential_p99_ms and the speedup.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import _harness
from _harness import BenchError, drain_events, per_second, percentile

from coach.bot.app import build_application
from tests.fakebot import FakeBotAPI, FakeUser
from tests.support.bot import TEST_TOKEN, bot_settings, start_bot, stop_bot

FIRST_ID = 10_000
REPLY_TIMEOUT = 60.0  # 100 requests queued in front of a slow bot take seconds


async def measure(
    database_url: str,
    users: int,
    rounds: int,
    in_flight: int = 1,
    latency_ms: float = 0.0,
    sequential: bool = False,
    first_id: int = FIRST_ID,
) -> dict[str, object]:
    """One run: /start for each user, then the timed /help rounds."""
    api = FakeBotAPI(TEST_TOKEN)
    await api.start()
    settings = bot_settings(
        api, database_url, log_level="WARNING", **_harness.concurrency(sequential)
    )
    application = build_application(settings)
    await start_bot(application)
    latencies: list[float] = []
    gate = asyncio.Semaphore(in_flight)

    async def person(user: FakeUser) -> None:
        for _ in range(rounds):
            async with gate:
                drain_events(api, user.id)
                began = time.perf_counter()
                await user.send("/help")
                try:
                    await user.reply(REPLY_TIMEOUT)
                except TimeoutError:
                    raise BenchError(f"user {user.id}: no answer to /help") from None
                latencies.append((time.perf_counter() - began) * 1000)

    try:
        people = [
            FakeUser(api, first_id + i, f"u{i}", "en" if i % 2 else "ko") for i in range(users)
        ]
        for user in people:
            await user.ask("/start")  # register; not measured
        api.latency = latency_ms / 1000  # from the first /help: setup is not slowed
        began = time.perf_counter()
        await asyncio.gather(*(person(user) for user in people))
        elapsed = time.perf_counter() - began
        api.latency = 0.0
    finally:
        await api.release_pollers()
        await stop_bot(application)
        await api.stop()
    result: dict[str, object] = {
        "bench": "interactive",
        "requests": len(latencies),
        "users": users,
        "in_flight": in_flight,
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "updates_per_s": per_second(len(latencies), elapsed),
    }
    if latency_ms:
        result["api_latency_ms"] = latency_ms
    if sequential:
        result["sequential"] = True
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--in-flight", type=int, default=1, help="requests in the bot at once (default 1)"
    )
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    _harness.add_update_options(parser, compare=True)
    args = parser.parse_args()
    if args.sequential_taps is not None and args.sequential_taps < args.users:
        parser.error("the sequential run needs at least one request per user")
    with tempfile.TemporaryDirectory() as scratch:
        try:
            url = _harness.scratch_database(Path(scratch), "bench", args.database_url)
            result = asyncio.run(
                measure(
                    url,
                    args.users,
                    args.rounds,
                    args.in_flight,
                    args.api_latency_ms,
                    args.sequential,
                )
            )
            if _harness.comparing(args):
                # A fresh SQLite file; on a given database, users of their own.
                url = _harness.scratch_database(Path(scratch), "sequential", args.database_url)
                rounds = (args.sequential_taps or args.users * args.rounds) // args.users
                again = asyncio.run(
                    measure(
                        url,
                        args.users,
                        rounds,
                        args.in_flight,
                        args.api_latency_ms,
                        True,
                        FIRST_ID + args.users,
                    )
                )
                result = _harness.side_by_side(
                    result, again, ("requests", "updates_per_s", "p50_ms", "p99_ms")
                )
        except BenchError as error:
            parser.exit(1, f"interactive: {error}\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
