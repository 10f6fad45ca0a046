"""Check-in tap latency of the real bot, through the fake Bot API server.

Enrolled users (seeded straight into a migrated database: three habits, their reminders due
within the last two hours) each open /today and get their three reminder cards from one
dispatch round; none of that is measured. Then the users tap through the buttons those
messages really show, each user one tap at a time (the next when the last has landed,
after --think-ms on average), and at most --in-flight taps in the bot at once (default 1:
the users take turns, as in interactive.py, so the figure is the bot's own latency and not
a queue; raise it to see queueing under load). The buttons: Done and Skip, which fermented
food or how much fiber, Undo, a ticked habit opened, Back, a day before and the next.
Notes and snoozes are left out: they are not check-ins.

A tap is timed from the update being handed to the bot (pushed into getUpdates) to the
bot's last API call for it, as it reaches the server: the answerCallbackQuery and the
editMessageText of the tapped message (an edit Telegram refuses as unchanged still counts),
or the answer alone when it carries a refusal. Prints one JSON line: taps, users, in_flight,
p50_ms, p99_ms, updates_per_s (taps over the tapping phase).

--api-latency-ms N answers every Bot API call N ms late (a Telegram-like round trip) from
the first tap on. With it (or --compare-sequential) the bench runs twice, as configured and
with MAX_CONCURRENT_UPDATES=1, each on a fresh database, and reports both: sequential_taps,
sequential_updates_per_s, sequential_p50_ms, sequential_p99_ms and the speedup.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _harness
from _harness import (
    BenchError,
    BotProcess,
    Timing,
    Watch,
    per_second,
    percentile,
    prepare,
    prepare_from_process,
    seed_enrolled,
    tappers,
)

from coach.bot.app import build_application
from coach.bot.context import CoachApplication
from coach.domain.habits import Habit
from tests.fakebot import FakeBotAPI
from tests.support.bot import TEST_TOKEN, FakeClock, bot_settings, start_bot, stop_bot

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # a Thursday: a day time in every zone
# Each reminder came due this many minutes ago (all within the two-hour grace).
DUE_MINUTES_AGO = {Habit.B12: 90, Habit.FIBER: 45, Habit.FERMENTED: 0}
FIRST_ID = 50_000


async def measure(
    database_url: str,
    taps: int,
    users: int,
    seed_value: int,
    think_ms: float = 0.0,
    profile: str | None = None,
    in_flight: int = 1,
    latency_ms: float = 0.0,
    sequential: bool = False,
    first_id: int = FIRST_ID,
    workdir: Path | None = None,
) -> tuple[dict[str, object], list[Timing]]:
    """One run; with a `workdir` the bot runs as `coach run` in its own process (there)."""
    # The bot in this process has the bench's clock; one in its own process, the real one.
    now = NOW if workdir is None else datetime.now(UTC).replace(second=0, microsecond=0)
    due = {habit: now - timedelta(minutes=m) for habit, m in DUE_MINUTES_AGO.items()}
    ids = await seed_enrolled(database_url, users, now, due, first_id)
    api = FakeBotAPI(TEST_TOKEN)
    await api.start()
    watch = Watch()
    watch.install(api)
    application: CoachApplication | None = None
    process: BotProcess | None = None
    timings: list[Timing] = []
    share, extra = divmod(taps, users)
    gate = asyncio.Semaphore(in_flight)

    async def person(index: int, tapper: _harness.Tapper) -> None:
        rng = tapper.rng
        if think_ms:  # people don't all start at the same instant
            await asyncio.sleep(rng.uniform(0, think_ms) / 1000)
        for n in range(share + (index < extra)):
            if n and think_ms:  # reading the edited message before the next tap
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think_ms / 1000)
            async with gate:
                timings.append(await tapper.tap())

    try:
        people = tappers(api, watch, ids, seed_value, FIRST_ID)
        if workdir is None:
            settings = bot_settings(
                api,
                database_url,
                log_level="WARNING",
                broadcast_throttle=False,
                **_harness.concurrency(sequential),
            )
            application = build_application(settings, FakeClock(now), dispatch_automatically=False)
            await start_bot(application)
            await prepare(application, people, len(DUE_MINUTES_AGO))
        else:
            process = BotProcess(
                api,
                database_url,
                workdir,
                LOG_LEVEL="WARNING",
                BROADCAST_THROTTLE="false",
                PAID_BROADCAST="true",
                **({"MAX_CONCURRENT_UPDATES": "1"} if sequential else {}),
            )
            await process.start()
            await prepare_from_process(people, len(DUE_MINUTES_AGO))
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        api.latency = latency_ms / 1000  # from the first tap: setup is not slowed
        began, cpu = time.perf_counter(), process.cpu_seconds() if process else 0.0
        await asyncio.gather(*(person(i, t) for i, t in enumerate(people)))
        elapsed = time.perf_counter() - began
        cpu = process.cpu_seconds() - cpu if process else 0.0
        api.latency = 0.0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
    finally:
        await api.release_pollers()
        if application is not None:
            await stop_bot(application)
        if process is not None:
            await process.stop()
        await api.stop()
    if watch.surprises or api.layout_violations:
        raise BenchError(f"unexpected: {dict(watch.surprises)} {api.layout_violations[:3]}")
    totals = [t.total_ms for t in timings]
    result: dict[str, object] = {
        "bench": "checkin",
        **({} if workdir is None else {"bot": "process"}),
        "taps": len(timings),
        "users": users,
        "in_flight": in_flight,
        "p50_ms": round(percentile(totals, 0.5), 2),
        "p99_ms": round(percentile(totals, 0.99), 2),
        "updates_per_s": per_second(len(timings), elapsed),
    }
    if process is not None:  # the bot's own CPU per tap: its ceiling is 1000 / this per s
        result["bot_cpu_ms_per_tap"] = round(1000 * cpu / max(len(timings), 1), 2)
    if latency_ms:
        result["api_latency_ms"] = latency_ms
    if sequential:
        result["sequential"] = True
    return result, timings


def breakdown(timings: list[Timing]) -> None:
    """Per button: how many, and p50/p99 to delivery, to the answer and to the last call."""
    groups: dict[str, list[Timing]] = defaultdict(list)
    for timing in timings:
        groups[timing.kind].append(timing)
        groups["all"].append(timing)
    print(
        "button   taps   delivered p50/p99   answered p50/p99   last call p50/p99", file=sys.stderr
    )
    for kind, group in sorted(groups.items()):
        columns = []
        for values in (
            [t.delivered_ms for t in group],
            [t.answered_ms for t in group],
            [t.total_ms for t in group],
        ):
            columns.append(f"{percentile(values, 0.5):8.2f} {percentile(values, 0.99):8.2f}")
        print(f"{kind:7} {len(group):5}  " + "  ".join(columns), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--taps", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument(
        "--database-url",
        default=None,
        help="an empty migrated database; default: a fresh SQLite file",
    )
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="a user's pause between taps, on average (0: the next tap as soon as one lands)",
    )
    parser.add_argument(
        "--in-flight", type=int, default=1, help="taps in the bot at once (default 1)"
    )
    parser.add_argument("--seed", type=int, default=1, help="for the choice of buttons")
    parser.add_argument("--verbose", action="store_true", help="timings per button, on stderr")
    parser.add_argument("--profile", metavar="FILE", help="cProfile stats of the taps, to FILE")
    parser.add_argument(
        "--bot-process",
        action="store_true",
        help="the bot as `coach run` in its own process (one instance), not sharing the "
        "bench's process and core with the fake server and the tapping users",
    )
    _harness.add_update_options(parser)
    args = parser.parse_args()
    sequential_taps = args.sequential_taps or args.taps
    if args.users < 1 or min(args.taps, sequential_taps) < args.users:
        parser.error("need at least one user, and at least one tap per user")

    def run(url: str, taps: int, sequential: bool, first_id: int):  # type: ignore[no-untyped-def]
        return asyncio.run(
            measure(
                url,
                taps,
                args.users,
                args.seed,
                args.think_ms,
                args.profile,
                args.in_flight,
                args.api_latency_ms,
                sequential,
                first_id,
                Path(scratch) if args.bot_process else None,
            )
        )

    with tempfile.TemporaryDirectory() as scratch:
        try:
            url = _harness.scratch_database(Path(scratch), "bench", args.database_url)
            result, timings = run(url, args.taps, args.sequential, FIRST_ID)
            if _harness.comparing(args):
                # A fresh SQLite file; on a given database, users of their own.
                url = _harness.scratch_database(Path(scratch), "sequential", args.database_url)
                again, _ = run(url, sequential_taps, True, FIRST_ID + args.users)
                result = _harness.side_by_side(
                    result, again, ("taps", "updates_per_s", "p50_ms", "p99_ms")
                )
        except BenchError as error:
            parser.exit(1, f"checkin: {error}\n")
    if args.verbose:
        breakdown(timings)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
