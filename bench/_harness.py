"""Shared bits for benchmarks: the repo on sys.path, seeding, tapping users, the options for
concurrent and sequential runs, and the bot as a real process."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The imports below need the repo on sys.path (the tests package is not installed).
import argparse  # noqa: E402
import asyncio  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Awaitable, Callable, Mapping, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

import aiohttp  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy.exc import IntegrityError  # noqa: E402

from coach.bot.callbacks import decode  # noqa: E402
from coach.bot.context import RUNTIME_KEY, CoachApplication  # noqa: E402
from coach.db.engine import create_engine  # noqa: E402
from coach.db.migrate import upgrade_to_head  # noqa: E402
from coach.db.models import CheckIn, Reminder, SymptomScore, User  # noqa: E402
from coach.domain.habits import HABITS, SYMPTOMS, Habit  # noqa: E402
from coach.domain.schedule import local_date  # noqa: E402
from coach.domain.zones import zone_info  # noqa: E402
from tests.fakebot import FakeBotAPI, FakeUser  # noqa: E402
from tests.support.databases import truncate_all  # noqa: E402
from tests.support.processes import bot_process_env, free_port  # noqa: E402


class BenchError(Exception):
    """The bot did not do what the bench asked of it: the run proves nothing."""


def percentile(values: list[float], fraction: float) -> float:
    """The value at this fraction of the sorted values (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ms(values: list[float], fraction: float) -> float | None:
    """A percentile of seconds, in milliseconds rounded to 0.01; None for no values."""
    return round(percentile(values, fraction) * 1000, 2) if values else None


# -- databases --------------------------------------------------------------------------------


def scratch_database(scratch: Path, name: str, given: str | None) -> str:
    """A migrated database for one run: a fresh SQLite file in `scratch`, or the given URL."""
    url = given or f"sqlite+aiosqlite:///{scratch / f'{name}.db'}"
    upgrade_to_head(url)
    return url


async def empty_database(url: str) -> None:
    """Empty every table of a given (PostgreSQL) database; a fresh SQLite file is empty."""
    if not url.startswith("sqlite"):
        await truncate_all(url)


ZONES = ("Europe/Berlin", "Asia/Seoul", "America/New_York", "UTC")


def zone_of(index: int) -> str:
    """The time zone seed_enrolled gives its index-th user."""
    return ZONES[index % len(ZONES)]


async def seed_enrolled(
    database_url: str,
    users: int,
    now: datetime,
    due: Mapping[Habit, datetime],
    first_id: int,
    min_days: int = 0,
) -> list[int]:
    """Users who finished the intake `min_days` to `min_days` + 14 days before `now`, English
    and Korean, in four zones, coaching the habits in `due` (each reminder next due then).
    Returns their ids."""
    ids = list(range(first_id, first_id + users))
    user_rows, reminder_rows = [], []
    for n, uid in enumerate(ids):
        zone = zone_of(n)
        days_in = min_days + n % 15
        user_rows.append(
            {
                "id": uid,
                "language": "en" if n % 2 == 0 else "ko",
                "intake_step": "done",
                "timezone": zone,
                "consented_at": now - timedelta(days=days_in, hours=1),
                "plan_started_on": local_date(now, zone) - timedelta(days=days_in),
            }
        )
        for habit, at in due.items():
            reminder_rows.append(
                {
                    "user_id": uid,
                    "kind": habit.value,
                    "local_time": at.astimezone(zone_info(zone)).time().replace(tzinfo=None),
                    "next_fire_at": at,
                }
            )
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(User), user_rows)
            if reminder_rows:
                await conn.execute(insert(Reminder), reminder_rows)
    except IntegrityError:
        raise BenchError("the database already has these users: give it an empty one") from None
    finally:
        await engine.dispose()
    return ids


async def seed_history(database_url: str, user_id: int, started: date, now: datetime) -> None:
    """One English user in Berlin whose plan began on `started`: the three habits logged day
    by day up to `now` (at most 84 days; mostly done, some skipped, some missed) and a
    baseline plus a rating for each week since."""
    rng = random.Random(84)
    days = min(84, (now.date() - started).days + 1)
    weeks = min(13, days // 7 + 1)
    checkins, scores = [], []
    for offset in range(days):
        day = started + timedelta(days=offset)
        for habit in HABITS:
            roll = rng.random()
            if roll < 0.75:
                status = "done"
            elif roll < 0.85:
                status = "skipped"
            else:
                continue  # missed
            at = datetime.combine(day, datetime.min.time(), now.tzinfo) + timedelta(hours=20)
            checkins.append(
                {
                    "user_id": user_id,
                    "habit": habit.value,
                    "day": day,
                    "status": status,
                    "updated_at": at,
                }
            )
    for week in range(weeks):
        for symptom in SYMPTOMS:
            scores.append(
                {
                    "user_id": user_id,
                    "week": week,
                    "symptom": symptom.value,
                    "score": min(5, 2 + week // 4 + rng.randint(0, 1)),
                    "recorded_at": now - timedelta(weeks=weeks - 1 - week),
                }
            )
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(User),
                [
                    {
                        "id": user_id,
                        "language": "en",
                        "intake_step": "done",
                        "timezone": "Europe/Berlin",
                        "plan_started_on": started,
                    }
                ],
            )
            await conn.execute(
                insert(Reminder), [{"user_id": user_id, "kind": h.value} for h in HABITS]
            )
            await conn.execute(insert(CheckIn), checkins)
            await conn.execute(insert(SymptomScore), scores)
    finally:
        await engine.dispose()


# -- concurrent and sequential runs -----------------------------------------------------------


def add_update_options(parser: argparse.ArgumentParser, compare: bool = True) -> None:
    """--api-latency-ms and --sequential (and --compare-sequential, --sequential-taps)."""
    parser.add_argument(
        "--api-latency-ms",
        type=float,
        default=0.0,
        help="every Bot API call is answered this late (0: at once); from the first measured "
        "update on, setup is not slowed",
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="run the bot with MAX_CONCURRENT_UPDATES=1 (one update at a time)",
    )
    if compare:
        parser.add_argument(
            "--compare-sequential",
            action="store_true",
            help="run twice, as configured and with MAX_CONCURRENT_UPDATES=1, and report both "
            "(the default when --api-latency-ms is given without --sequential)",
        )
        parser.add_argument(
            "--sequential-taps",
            type=int,
            default=None,
            help="requests in the sequential run of a comparison (default: as many as the first)",
        )


def comparing(args: argparse.Namespace) -> bool:
    """Whether to run both ways: asked for, or implied by a latency without --sequential."""
    return not args.sequential and (args.compare_sequential or args.api_latency_ms > 0)


def concurrency(sequential: bool) -> dict[str, object]:
    """Settings overrides for one run: MAX_CONCURRENT_UPDATES=1 when sequential."""
    return {"max_concurrent_updates": 1} if sequential else {}


def side_by_side(
    concurrent: dict[str, object], sequential: dict[str, object], keys: Sequence[str]
) -> dict[str, object]:
    """The first run's figures with the sequential run's `keys` beside them, and the speedup
    in updates per second."""
    result = dict(concurrent)
    for key in keys:
        result[f"sequential_{key}"] = sequential[key]
    slow = float(sequential["updates_per_s"])  # type: ignore[arg-type]
    fast = float(concurrent["updates_per_s"])  # type: ignore[arg-type]
    result["speedup"] = round(fast / slow, 2) if slow else None
    return result


def per_second(count: int, seconds: float) -> float:
    """A rate, rounded to 0.1 (0 for no time)."""
    return round(count / seconds, 1) if seconds > 0 else 0.0


# -- watching the bot's calls to tapped messages ----------------------------------------------


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
        """Wrap the server's methods that a tap's handling calls."""
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
        """Watch for the bot's calls for this tap."""
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


# -- users tapping check-ins ------------------------------------------------------------------

# How likely each button is, against the others on screen: mostly logging and answering the
# follow-up, now and then a skip, a look at another day or at a ticked habit, rarely an undo.
WEIGHTS = {"done": 1.0, "ans": 1.0, "skip": 0.25, "day": 0.25, "open": 0.25, "undo": 0.1}
STAY = 4.0  # buttons on the message tapped last are this much likelier (the follow-up)
TAP_TIMEOUT = 60.0  # a queue of 200 taps takes seconds; a lost tap must still end the run
_query_ids = itertools.count(1)


@dataclass(frozen=True)
class Timing:
    """One tap's milliseconds: to delivery, to the answer, to the bot's last call."""

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
        """Tap a button and wait until the bot has answered it and edited its message."""
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


def tappers(
    api: FakeBotAPI, watch: Watch, ids: list[int], seed_value: int, first_id: int
) -> list[Tapper]:
    """A Tapper for each seeded user; the n-th user's choices are the same whatever its id."""
    return [
        Tapper(
            api,
            watch,
            FakeUser(api, uid, f"u{uid}", "en" if n % 2 == 0 else "ko"),
            random.Random(f"{seed_value}:{first_id + n}"),  # each user's choices, however timed
        )
        for n, uid in enumerate(ids)
    ]


async def prepare(application: CoachApplication, people: list[Tapper], cards_per_user: int) -> None:
    """Each user's /today checklist and reminder cards (one dispatch round): what they tap."""
    for tapper in people:
        today = await tapper.user.ask("/today")
        assert today.message_id is not None
        tapper.message_ids.append(today.message_id)
    expected = cards_per_user * len(people)
    counts = await application.bot_data[RUNTIME_KEY].dispatcher.run_round()
    if counts is None or counts["sent"] != expected:
        raise BenchError(f"expected {expected} reminders sent, got {counts}")
    for tapper in people:
        for _ in range(cards_per_user):
            card = await tapper.user.reply()
            assert card.message_id is not None
            tapper.message_ids.append(card.message_id)


async def prepare_from_process(people: list[Tapper], cards_per_user: int) -> None:
    """As prepare(), for a bot in its own process: its first dispatch round sends the cards
    (due already), then each user opens /today."""
    for tapper in people:
        for _ in range(cards_per_user):
            try:
                card = await tapper.user.reply(STARTUP)
            except TimeoutError:
                raise BenchError(f"user {tapper.user.id}: no reminder card") from None
            assert card.message_id is not None
            tapper.message_ids.append(card.message_id)
    for tapper in people:
        today = await tapper.user.ask("/today")
        assert today.message_id is not None
        tapper.message_ids.append(today.message_id)


def drain_events(api: FakeBotAPI, chat_id: int) -> None:
    """Forget what the bot did in a chat so far (the edits of taps), before asking anew."""
    queue = api.events[chat_id]
    while not queue.empty():
        queue.get_nowait()


# -- the bot as a real process ----------------------------------------------------------------

WEBHOOK_SECRET = "webhook-secret_for-benchmarks-0123456789"
PUBLIC_URL = "https://bot.example.test"
STARTUP = 60.0
STOP_LIMIT = 30.0  # a container runtime would have killed it long before


class BotProcess:
    """`coach run` or `coach webhook` in its own process, its log (JSON lines) in a file."""

    def __init__(
        self,
        api: FakeBotAPI,
        database_url: str,
        workdir: Path,
        webhook_port: int | None = None,
        **settings: str,
    ) -> None:
        self.metrics_port = free_port()
        self.webhook_port = webhook_port
        extra: dict[str, str] = {}
        if webhook_port is not None:
            extra = {
                "WEBHOOK_URL": PUBLIC_URL,
                "WEBHOOK_SECRET": WEBHOOK_SECRET,
                "WEBHOOK_LISTEN": "127.0.0.1",
                "WEBHOOK_PORT": str(webhook_port),
            }
        ours = {
            "METRICS_LISTEN": "127.0.0.1",
            "METRICS_PORT": str(self.metrics_port),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
        }
        self.env = bot_process_env(api, database_url, **ours | extra | settings)
        self.workdir = workdir
        self.log_path = workdir / f"bot-{self.metrics_port}.log"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def webhook(self) -> str:
        """Where Telegram (the fake server) posts updates to this process."""
        return f"http://127.0.0.1:{self.webhook_port}/telegram"

    async def start(self) -> float:
        """Launch it and wait until /healthz answers 200; seconds that took."""
        began = time.monotonic()
        command = "webhook" if self.webhook_port is not None else "run"
        # A file, not a pipe: an unread pipe fills and stalls the bot.
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "coach", command, env=self.env, cwd=self.workdir,
                stdout=asyncio.subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        async with aiohttp.ClientSession() as client:
            while time.monotonic() - began < STARTUP:
                if self.process.returncode is not None:
                    raise BenchError("the bot exited: " + self.log_tail())
                try:
                    url = f"http://127.0.0.1:{self.metrics_port}/healthz"
                    async with client.get(url) as response:
                        if response.status == 200:
                            return time.monotonic() - began
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise BenchError("the bot did not become healthy: " + self.log_tail())

    async def stop(self, sig: int = signal.SIGTERM) -> float:
        """Send the signal (if it still runs); seconds until it exited."""
        assert self.process is not None
        began = time.monotonic()
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            await asyncio.wait_for(self.process.wait(), STOP_LIMIT)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise BenchError(f"the bot took over {STOP_LIMIT:.0f} s to stop") from None
        return time.monotonic() - began

    def cpu_seconds(self) -> float:
        """CPU time (user and system) the process has used so far, from /proc (Linux):
        unlike wall time, barely moved by other work on a shared machine."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def kill(self) -> None:
        """SIGKILL it if it still runs (after a run that failed)."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    def log_lines(self) -> list[dict[str, Any]]:
        """The log's JSON lines (any other line as a message of level "RAW")."""
        lines = []
        for raw in self.log_path.read_text(errors="replace").splitlines():
            if not raw.strip():
                continue
            try:
                lines.append(json.loads(raw))
            except ValueError:
                lines.append({"level": "RAW", "message": raw})
        return lines

    def log_tail(self, size: int = 2000) -> str:
        """The end of the log, for an error message."""
        return self.log_path.read_text(errors="replace")[-size:] if self.log_path.exists() else ""
