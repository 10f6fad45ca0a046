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
p50_ms, p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import _harness  # noqa: F401  (puts the repo on sys.path)
from _harness import percentile
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from coach.bot.app import build_application
from coach.bot.callbacks import decode
from coach.bot.context import RUNTIME_KEY, CoachApplication
from coach.db.engine import create_engine
from coach.db.migrate import upgrade_to_head
from coach.db.models import Reminder, User
from coach.domain.habits import Habit
from coach.domain.schedule import local_date
from coach.domain.zones import zone_info
from tests.conftest import TEST_TOKEN, FakeClock, bot_settings, start_bot, stop_bot
from tests.fakebot import FakeBotAPI, FakeUser

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # a Thursday: a day time in every zone below
ZONES = ("Europe/Berlin", "Asia/Seoul", "America/New_York", "UTC")
# Each reminder came due this many minutes ago (all within the two-hour grace).
DUE_MINUTES_AGO = {Habit.B12: 90, Habit.FIBER: 45, Habit.FERMENTED: 0}
FIRST_ID = 50_000
TAP_TIMEOUT = 60.0  # a queue of 200 taps takes seconds; a lost tap must still end the run


class BenchError(Exception):
    """The bot did not do what a tap asks: the run proves nothing."""


# -- setup (not measured) --------------------------------------------------------------------


async def seed(database_url: str, users: int) -> list[int]:
    """Users who finished the intake a few days (up to two weeks) ago, English and Korean,
    in four zones, each with the three habits' reminders due in the last two hours."""
    ids = list(range(FIRST_ID, FIRST_ID + users))
    user_rows, reminder_rows = [], []
    for n, uid in enumerate(ids):
        zone = ZONES[n % len(ZONES)]
        started = local_date(NOW, zone) - timedelta(days=n % 15)
        user_rows.append(
            {
                "id": uid,
                "language": "en" if n % 2 == 0 else "ko",
                "intake_step": "done",
                "timezone": zone,
                "consented_at": NOW - timedelta(days=n % 15, hours=1),
                "plan_started_on": started,
            }
        )
        for habit, minutes in DUE_MINUTES_AGO.items():
            due = NOW - timedelta(minutes=minutes)
            reminder_rows.append(
                {
                    "user_id": uid,
                    "kind": habit.value,
                    "local_time": due.astimezone(zone_info(zone)).time().replace(tzinfo=None),
                    "next_fire_at": due,
                }
            )
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(User), user_rows)
            await conn.execute(insert(Reminder), reminder_rows)
    except IntegrityError:
        raise BenchError("the database already has these users: give it an empty one") from None
    finally:
        await engine.dispose()
    return ids


# -- watching the bot's calls ----------------------------------------------------------------


@dataclass
class Pending:
    """One tap in flight: done once it is answered and its message edited, or answered with
    a refusal (which edits nothing)."""

    chat_id: int
    began: float
    finished: asyncio.Future[float]
    answered: bool = False
    edited: bool = False
    delivered_at: float = 0.0  # when getUpdates handed it to the bot
    answered_at: float = 0.0


@dataclass
class Watch:
    """Timestamps the bot's calls as they reach the server, by tap."""

    by_query: dict[str, Pending] = field(default_factory=dict)
    by_chat: dict[int, Pending] = field(default_factory=dict)
    surprises: Counter[str] = field(default_factory=Counter)

    def install(self, api: FakeBotAPI) -> None:
        methods = api._methods
        for method in ("answerCallbackQuery", "editMessageText", "editMessageReplyMarkup"):
            methods[method] = self._wrap(method, methods[method])
        methods["sendMessage"] = self._wrap("sendMessage", methods["sendMessage"])
        get_updates = methods["getUpdates"]

        async def delivering(params: dict[str, Any]) -> Any:
            updates = await get_updates(params)
            at = time.perf_counter()
            for update in updates:
                query = update.get("callback_query")
                pending = self.by_query.get(query["id"]) if query else None
                if pending is not None and not pending.delivered_at:
                    pending.delivered_at = at
            return updates

        methods["getUpdates"] = delivering

    def _wrap(
        self, method: str, handler: Callable[[dict[str, Any]], Awaitable[Any]]
    ) -> Callable[[dict[str, Any]], Awaitable[Any]]:
        async def call(params: dict[str, Any]) -> Any:
            self._saw(method, params, time.perf_counter())
            return await handler(params)

        return call

    def expect(self, query_id: str, chat_id: int) -> Pending:
        pending = Pending(chat_id, 0.0, asyncio.get_running_loop().create_future())
        self.by_query[query_id] = pending
        self.by_chat[chat_id] = pending
        return pending

    def _saw(self, method: str, params: dict[str, Any], at: float) -> None:
        if method == "answerCallbackQuery":
            pending = self.by_query.pop(str(params["callback_query_id"]), None)
            if pending is None:
                return
            pending.answered = True
            pending.answered_at = at
            if params.get("text"):  # a refusal: nothing is edited
                self._finish(pending, at)
                self.surprises["refused"] += 1
        else:
            pending = self.by_chat.get(int(params.get("chat_id") or 0))
            if pending is None:
                return
            if method == "sendMessage":  # an error reply, or a question: not a check-in
                self.surprises["sendMessage"] += 1
                self._finish(pending, at)
                return
            pending.edited = True
        if pending.answered and pending.edited:
            self._finish(pending, at)

    def _finish(self, pending: Pending, at: float) -> None:
        if self.by_chat.get(pending.chat_id) is pending:
            del self.by_chat[pending.chat_id]
        if not pending.finished.done():
            pending.finished.set_result(at)


# -- the users -------------------------------------------------------------------------------

# How likely each button is, against the others on screen: mostly logging and answering the
# follow-up, now and then a skip, a look at another day or at a ticked habit, rarely an undo.
WEIGHTS = {"done": 1.0, "ans": 1.0, "skip": 0.25, "day": 0.25, "open": 0.25, "undo": 0.1}
STAY = 4.0  # buttons on the message tapped last are this much likelier (the follow-up)
_query_ids = itertools.count(1)


@dataclass(frozen=True)
class Timing:
    kind: str  # "t:done", "r:ans", ...
    total_ms: float
    delivered_ms: float  # to getUpdates handing it over
    answered_ms: float  # to answerCallbackQuery


class Tapper:
    """A user tapping buttons on their messages, one at a time, waiting for each to land."""

    def __init__(self, api: FakeBotAPI, watch: Watch, user: FakeUser, rng: random.Random):
        self.api, self.watch, self.user, self.rng = api, watch, user, rng
        self.message_ids: list[int] = []
        self.current: int | None = None

    def choose(self) -> tuple[int, str]:
        """A button on one of the user's messages, as they show now."""
        options: list[tuple[int, str]] = []
        weights: list[float] = []
        for message_id in self.message_ids:
            message = self.api.messages[(self.user.id, message_id)]
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    tap = decode(button.get("callback_data"))
                    if tap is None or tap.action not in WEIGHTS:
                        continue
                    options.append((message_id, button["callback_data"]))
                    weights.append(
                        WEIGHTS[tap.action] * (STAY if message_id == self.current else 1.0)
                    )
        if not options:
            raise BenchError(f"user {self.user.id} has nothing left to tap")
        return self.rng.choices(options, weights)[0]

    async def tap(self) -> Timing:
        message_id, data = self.choose()
        self.current = message_id
        tap = decode(data)
        assert tap is not None
        query_id = f"bench{next(_query_ids)}"
        query = {
            "id": query_id,
            "from": self.user.profile,
            "chat_instance": f"ci-{self.user.id}",
            "data": data,
            "message": dict(self.api.messages[(self.user.id, message_id)]),
        }
        pending = self.watch.expect(query_id, self.user.id)
        pending.began = time.perf_counter()
        await self.api.push_update({"callback_query": query})
        try:
            finished = await asyncio.wait_for(pending.finished, TAP_TIMEOUT)
        except TimeoutError:
            raise BenchError(
                f"user {self.user.id} tapped {data!r}: no answer and edit in {TAP_TIMEOUT:.0f} s"
            ) from None
        return Timing(
            f"{tap.scope}:{tap.action}",
            (finished - pending.began) * 1000,
            (pending.delivered_at - pending.began) * 1000,
            (pending.answered_at - pending.began) * 1000,
        )


async def prepare(api: FakeBotAPI, application: CoachApplication, tappers: list[Tapper]) -> None:
    """Each user's /today checklist and three reminder cards: the messages they tap on."""
    for tapper in tappers:
        today = await tapper.user.ask("/today")
        assert today.message_id is not None
        tapper.message_ids.append(today.message_id)
    expected = len(DUE_MINUTES_AGO) * len(tappers)
    counts = await application.bot_data[RUNTIME_KEY].dispatcher.run_round()
    if counts is None or counts["sent"] != expected:
        raise BenchError(f"expected {expected} reminders sent, got {counts}")
    for tapper in tappers:
        for _ in DUE_MINUTES_AGO:
            card = await tapper.user.reply()
            assert card.message_id is not None
            tapper.message_ids.append(card.message_id)


async def measure(
    database_url: str,
    taps: int,
    users: int,
    seed_value: int,
    think_ms: float = 0.0,
    profile: str | None = None,
    in_flight: int = 1,
) -> tuple[dict[str, object], list[Timing]]:
    ids = await seed(database_url, users)
    api = FakeBotAPI(TEST_TOKEN)
    await api.start()
    settings = bot_settings(api, database_url, log_level="WARNING", broadcast_throttle=False)
    application = build_application(settings, FakeClock(NOW), dispatch_automatically=False)
    await start_bot(application)
    watch = Watch()
    watch.install(api)
    timings: list[Timing] = []
    share, extra = divmod(taps, users)
    gate = asyncio.Semaphore(in_flight)

    async def person(index: int, tapper: Tapper) -> None:
        rng = tapper.rng
        if think_ms:  # people don't all start at the same instant
            await asyncio.sleep(rng.uniform(0, think_ms) / 1000)
        for n in range(share + (index < extra)):
            if n and think_ms:  # reading the edited message before the next tap
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think_ms / 1000)
            async with gate:
                timings.append(await tapper.tap())

    try:
        tappers = [
            Tapper(
                api,
                watch,
                FakeUser(api, uid, f"u{uid}", "en" if n % 2 == 0 else "ko"),
                random.Random(f"{seed_value}:{uid}"),  # each user's choices, however timed
            )
            for n, uid in enumerate(ids)
        ]
        await prepare(api, application, tappers)
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        await asyncio.gather(*(person(i, t) for i, t in enumerate(tappers)))
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
    finally:
        await api.release_pollers()
        await stop_bot(application)
        await api.stop()
    if watch.surprises or api.layout_violations:
        raise BenchError(f"unexpected: {dict(watch.surprises)} {api.layout_violations[:3]}")
    totals = [t.total_ms for t in timings]
    result = {
        "bench": "checkin",
        "taps": len(timings),
        "users": users,
        "in_flight": in_flight,
        "p50_ms": round(percentile(totals, 0.5), 2),
        "p99_ms": round(percentile(totals, 0.99), 2),
    }
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
    args = parser.parse_args()
    if args.users < 1 or args.taps < args.users:
        parser.error("need at least one user, and at least one tap per user")
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}"
        upgrade_to_head(url)
        try:
            result, timings = asyncio.run(
                measure(
                    url,
                    args.taps,
                    args.users,
                    args.seed,
                    args.think_ms,
                    args.profile,
                    args.in_flight,
                )
            )
        except BenchError as error:
            parser.exit(1, f"checkin: {error}\n")
    if args.verbose:
        breakdown(timings)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
