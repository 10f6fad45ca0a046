"""Deploys: what becomes of check-in taps the bot acknowledged when its process is stopped.

    python bench/durability.py [--taps 5000] [--modes webhook,polling] [--signals term,kill]
                               [--signal-at 0.5] [--api-latency-ms 0] [--database-url URL]

For each scenario (a mode and a signal), on an empty database: enrolled users are seeded
(three habits, the plan begun at least three days ago) and --taps /today taps are made, each
"t::done:<habit>-<yyyymmdd>" for a distinct (user, habit, day) within the user's last three
days, so each tap handled is one check-in row. The bot runs as a real process against the
fake Bot API server:

- webhook: `coach webhook`; the fake server posts the taps to it as Telegram does, at most
  10 at once (the bot's max_connections), and posts again every update not answered 200
  (refused, dropped, the process gone) until it is: acknowledged = answered 200.
- polling: `coach run`; all taps wait in the fake server's getUpdates, which forgets an
  update once a later getUpdates confirms it (offset), as Telegram does: acknowledged =
  confirmed. A fetched but unconfirmed update is handed out again after a restart.

Once --signal-at of the taps are acknowledged, the process gets SIGTERM (a deploy) or
SIGKILL (a crash), with most of them still queued in it; a new process is then started on
the same port and database and left to finish. Per scenario: acknowledged, handled
(check-in rows in the database), lost (acknowledged - handled), doubled (taps the first
process acknowledged whose callback query was answered, or whose message was edited, more
than once: an acknowledged tap handled twice), replayed (taps handled by the first process
but not acknowledged by it, which Telegram therefore sends again and the second handles
again: at-least-once, as the Bot API promises, and idempotent, so no row is written twice;
`handled` counts rows), at_signal (acknowledged, answered, queued = acknowledged -
answered, when the signal was sent), stop_s (signal to exit), restart_s (the new process
healthy), drain_s (signal to the last tap answered), log_errors, and the first process's
warnings. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import signal
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import _harness
import aiohttp
from _harness import WEBHOOK_SECRET, BenchError, BotProcess

from coach.bot.callbacks import TodayTap
from coach.domain.habits import HABITS
from coach.domain.schedule import local_date
from tests.fakebot import FakeBotAPI
from tests.fakebot.server import BOT_USER
from tests.support.bot import TEST_TOKEN
from tests.support.processes import free_port
from tests.support.rows import checkin_count

FIRST_ID = 2_000_000
DAYS = 3  # today and the two days before: within reach (three days back) all run long
POSTERS = 10  # Telegram's simultaneous posts to one webhook (the bot asks for 10)
POST_TIMEOUT = 10.0
RETRY_S = 0.2  # Telegram waits longer between tries; the bench has no time to lose
SIGNALS = {"term": signal.SIGTERM, "kill": signal.SIGKILL}


@dataclass
class Taps:
    """The taps of one scenario, and what the fake server saw of them."""

    updates: list[dict[str, Any]]
    acked: set[int] = field(default_factory=set)  # update ids answered 200 (webhook)
    fetched: set[int] = field(default_factory=set)  # update ids handed out by getUpdates

    @property
    def query_ids(self) -> set[str]:
        """The taps' callback query ids."""
        return {u["callback_query"]["id"] for u in self.updates}


def make_taps(api: FakeBotAPI, ids: list[int], now: datetime, count: int) -> Taps:
    """`count` taps, user after user, each on a /today message of its own in the fake
    server, for a distinct (user, habit, day)."""
    updates: list[dict[str, Any]] = []
    for back in range(DAYS):
        for habit in HABITS:
            for n, uid in enumerate(ids):
                if len(updates) == count:
                    return Taps(updates)
                day = local_date(now, _harness.zone_of(n)) - timedelta(days=back)
                data = TodayTap("done", day, habit).encode()
                message_id = api.next_message_id(uid)
                chat = {"id": uid, "type": "private", "first_name": f"u{uid}"}
                message = {
                    "message_id": message_id,
                    "date": int(now.timestamp()),
                    "chat": chat,
                    "from": BOT_USER,
                    "text": "Today",
                    "reply_markup": {"inline_keyboard": [[{"text": "○", "callback_data": data}]]},
                }
                api.messages[(uid, message_id)] = message
                profile = {"id": uid, "is_bot": False, "first_name": f"u{uid}"}
                profile["language_code"] = "en" if n % 2 == 0 else "ko"
                query = {
                    "id": f"d{len(updates) + 1}",
                    "from": profile,
                    "chat_instance": f"ci-{uid}",
                    "data": data,
                    "message": dict(message),
                }
                updates.append({"update_id": len(updates) + 1, "callback_query": query})
    if len(updates) < count:
        raise BenchError(f"{len(ids)} users make {len(updates)} taps, not {count}")
    return Taps(updates)


def watch_fetches(api: FakeBotAPI, taps: Taps) -> None:
    """Note every update getUpdates hands out."""
    get_updates = api._methods["getUpdates"]

    async def fetching(params: dict[str, Any]) -> Any:
        updates = await get_updates(params)
        taps.fetched.update(u["update_id"] for u in updates)
        return updates

    api._methods["getUpdates"] = fetching


async def post_until_acknowledged(api: FakeBotAPI, url: str, taps: Taps) -> None:
    """Telegram's side of a webhook: each update posted until it is answered 200."""
    waiting = list(reversed(taps.updates))

    async def poster() -> None:
        while waiting:
            update = waiting.pop()
            while True:
                try:
                    async with asyncio.timeout(POST_TIMEOUT):
                        status = await api.post_webhook(url, update, WEBHOOK_SECRET)
                except (aiohttp.ClientError, OSError, TimeoutError):
                    status = 0  # refused, dropped, or no answer: try again
                if status == 200:
                    taps.acked.add(update["update_id"])
                    break
                await asyncio.sleep(RETRY_S)

    await asyncio.gather(*(poster() for _ in range(POSTERS)))


def answered(api: FakeBotAPI, query_ids: set[str]) -> int:
    """How many of these taps the bot has answered (once or more)."""
    return sum(1 for query_id in api.answers if query_id in query_ids)


def last_answer_at(api: FakeBotAPI) -> float | None:
    """When the last answerCallbackQuery arrived (time.monotonic())."""
    times = [at for (m, _), at in zip(api.calls, api.call_times, strict=True) if m == _ANSWER]
    return max(times) if times else None


_ANSWER = "answerCallbackQuery"
_EDITS = ("editMessageText", "editMessageReplyMarkup")


def doubled(api: FakeBotAPI, taps: Taps, among: set[int] | None = None) -> int:
    """Taps handled more than once: their query answered, or their message edited, twice
    (only those whose update id is in `among`, if given)."""
    answers = Counter(str(p.get("callback_query_id")) for m, p in api.calls if m == _ANSWER)
    edits = Counter(
        (int(p.get("chat_id") or 0), int(p.get("message_id") or 0))
        for m, p in api.calls
        if m in _EDITS
    )
    count = 0
    for update in taps.updates:
        if among is not None and update["update_id"] not in among:
            continue
        query = update["callback_query"]
        message = (query["message"]["chat"]["id"], query["message"]["message_id"])
        if answers[query["id"]] > 1 or edits[message] > 1:
            count += 1
    return count


def log_summary(process: BotProcess) -> tuple[int, list[str]]:
    """Errors logged, and the first warnings and errors (what it said about its queue)."""
    lines = process.log_lines()
    errors = sum(1 for line in lines if line.get("level") in ("ERROR", "CRITICAL", "RAW"))
    said = [
        f"{line.get('level')}: {str(line.get('message'))[:160]}"
        for line in lines
        if line.get("level") in ("WARNING", "ERROR", "CRITICAL", "RAW")
    ]
    return errors, said[:4]


async def scenario(
    args: argparse.Namespace, mode: str, sig: str, database_url: str, workdir: Path
) -> dict[str, object]:
    """One mode and signal: taps, the signal with taps queued, a new process; the figures."""
    await _harness.empty_database(database_url)
    now = datetime.now(UTC)
    users = math.ceil(args.taps / (DAYS * len(HABITS)))
    due = {habit: now + timedelta(hours=6) for habit in HABITS}  # nothing due meanwhile
    ids = await _harness.seed_enrolled(database_url, users, now, due, FIRST_ID, min_days=DAYS)
    api = FakeBotAPI(TEST_TOKEN, latency=args.api_latency_ms / 1000)
    await api.start()
    taps = make_taps(api, ids, now, args.taps)
    query_ids = taps.query_ids
    update_ids = {u["update_id"] for u in taps.updates}
    watch_fetches(api, taps)
    port = free_port() if mode == "webhook" else None
    first = BotProcess(api, database_url, workdir, webhook_port=port)
    second: BotProcess | None = None
    delivering: asyncio.Task[None] | None = None

    def acknowledged_ids() -> set[int]:
        if mode == "webhook":
            return set(taps.acked)
        return api.handled_update_ids & update_ids  # confirmed by a later getUpdates

    def acknowledged() -> int:
        return len(acknowledged_ids())

    try:
        await first.start()
        began = time.monotonic()
        if mode == "webhook":
            delivering = asyncio.create_task(post_until_acknowledged(api, first.webhook, taps))
        else:
            for update in taps.updates:
                await api.push_update(update)
        threshold = math.ceil(args.signal_at * args.taps)
        while acknowledged() < threshold:
            if time.monotonic() - began > args.timeout:
                raise BenchError(f"{acknowledged()} of {threshold} acknowledged in time")
            if first.process is not None and first.process.returncode is not None:
                raise BenchError("the bot exited: " + first.log_tail())
            await asyncio.sleep(0.01)
        signalled = time.monotonic()
        at_signal = {"acknowledged": acknowledged(), "answered": answered(api, query_ids)}
        at_signal["queued"] = at_signal["acknowledged"] - at_signal["answered"]
        if mode == "polling":
            at_signal["fetched"] = len(taps.fetched)
        stop_s = await first.stop(SIGNALS[sig])
        acked_by_first = acknowledged_ids()  # a second handling of these is a double
        second = BotProcess(api, database_url, workdir, webhook_port=port)
        restart_s = await second.start()
        settled_at = time.monotonic()
        seen = -1
        while time.monotonic() - signalled < args.timeout:
            now_answered = answered(api, query_ids)
            if now_answered != seen:
                seen, settled_at = now_answered, time.monotonic()
            everything_acked = acknowledged() == args.taps
            if everything_acked and (
                now_answered >= args.taps or time.monotonic() - settled_at >= args.settle_s
            ):
                break
            await asyncio.sleep(0.1)
        else:
            raise BenchError(f"not drained in {args.timeout:.0f} s: {seen} answered")
        await second.stop(signal.SIGTERM)
    finally:
        if delivering is not None:
            delivering.cancel()
        for process in (first, second):
            if process is not None:
                await process.kill()
        await api.release_pollers()
        await api.stop()
    handled = await checkin_count(database_url)
    acked = acknowledged()
    last = last_answer_at(api)
    assert second is not None
    first_errors, first_warnings = log_summary(first)
    second_errors, _ = log_summary(second)
    return {
        "acknowledged": acked,
        "handled": handled,
        "lost": acked - handled,
        "doubled": doubled(api, taps, among=acked_by_first),
        "replayed": doubled(api, taps) - doubled(api, taps, among=acked_by_first),
        "at_signal": at_signal,
        "stop_s": round(stop_s, 2),
        "restart_s": round(restart_s, 2),
        "drain_s": round(last - signalled, 2) if last is not None else None,
        "log_errors": first_errors + second_errors,
        "first_process_said": first_warnings,
    }


async def bench(
    args: argparse.Namespace, scratch: Path, databases: dict[str, str]
) -> dict[str, object]:
    """Every scenario asked for, one after the other, each on its database."""
    result: dict[str, object] = {
        "bench": "durability",
        "taps": args.taps,
        "database": "sqlite" if args.database_url is None else "postgresql",
        "signal_at": args.signal_at,
    }
    if args.api_latency_ms:
        result["api_latency_ms"] = args.api_latency_ms
    for name, url in databases.items():
        mode, _, sig = name.partition("_sig")
        result[name] = await scenario(args, mode, sig, url, scratch)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--taps", type=int, default=5000)
    parser.add_argument(
        "--modes",
        type=lambda s: s.split(","),
        default=["webhook", "polling"],
        help="webhook,polling",
    )
    parser.add_argument(
        "--signals", type=lambda s: s.split(","), default=["term", "kill"], help="term,kill"
    )
    parser.add_argument(
        "--signal-at",
        type=float,
        default=0.5,
        help="the share of taps acknowledged when the signal is sent (default 0.5)",
    )
    parser.add_argument(
        "--api-latency-ms", type=float, default=0.0, help="every Bot API call answered this late"
    )
    parser.add_argument(
        "--settle-s",
        type=float,
        default=5.0,
        help="drained: every tap acknowledged and no new answer for this long",
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per scenario")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a throwaway database, emptied for each scenario; default: fresh SQLite files",
    )
    args = parser.parse_args()
    # A killed bot drops its requests to the fake server mid-way: expected, not worth a trace.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    if set(args.modes) - {"webhook", "polling"} or set(args.signals) - set(SIGNALS):
        parser.error("modes are webhook and polling, signals term and kill")
    if not 0 < args.signal_at <= 1 or args.taps < 1:
        parser.error("--signal-at is a share in (0, 1], and there is at least one tap")
    with tempfile.TemporaryDirectory() as scratch:
        names = [f"{mode}_sig{sig}" for mode in args.modes for sig in args.signals]
        # Migrated before the event loop runs (Alembic's env runs one of its own).
        databases = {
            name: _harness.scratch_database(Path(scratch), name, args.database_url)
            for name in names
        }
        try:
            result = asyncio.run(bench(args, Path(scratch), databases))
        except BenchError as error:
            parser.exit(1, f"durability: {error}\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
