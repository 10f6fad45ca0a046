"""Mixed load: one user asks for /export every second while others tap check-ins and ask
/help, through the real bot and the fake Bot API server.

200 enrolled users (seeded as in checkin.py: three habits, each with /today and three
reminder cards to tap on) and one more with 84 days of check-ins and weekly ratings, so each
/export draws the PDF report (as in progress.py). After one warm-up /export (fonts and
matplotlib loading), for --seconds: the others, each one action at a time, pause --think-ms
on average and then tap a button on their messages (checkin.py's walk) or, one time in
four, send /help; the /export user sends /export every --export-every-s, whether or not the
last one was answered. Afterwards the run waits (up to a minute) for the exports' answers.

Prints one JSON line. The others: others_requests, others_per_s, others_p50_ms,
others_p99_ms (a tap timed as in checkin.py, /help to its reply reaching the server), and
taps_p99_ms, help_p99_ms. The /export user: exports_sent, exports_answered (a first reply
came: the intro, or any other message), export_reply_p50_ms / _p99_ms (to that reply),
export_pdfs (PDF reports received) and export_pdf_p50_ms / _p99_ms (from the /export to
its PDF).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _harness
from _harness import BenchError, Tapper, Watch, drain_events, ms, per_second

from coach.bot.app import build_application
from coach.domain.habits import Habit
from coach.i18n import Catalog
from tests.fakebot import BotEvent, FakeBotAPI, FakeUser
from tests.support.bot import TEST_TOKEN, FakeClock, bot_settings, start_bot, stop_bot

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # as in checkin.py
DUE_MINUTES_AGO = {Habit.B12: 90, Habit.FIBER: 45, Habit.FERMENTED: 0}
FIRST_ID = 60_000
EXPORTER = 90_000
PLAN_DAYS = 84  # the exporter is on the plan's last day: every chart and table is full
REPLY_TIMEOUT = 60.0
ANSWER_GRACE = 60.0  # after the run, how long the exports' answers may still take
PDF_NAME = "gut-coach-report.pdf"


@dataclass
class Exports:
    """The /export user's requests and what came back, matched in order."""

    intro: str  # the first reply of an /export that draws the PDF
    sent: list[float] = field(default_factory=list)
    replies: list[tuple[float, BotEvent]] = field(default_factory=list)  # first messages
    pdfs: list[float] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self, user: FakeUser) -> None:
        """Note each message and PDF the bot sends the user, as it arrives."""
        while True:
            event = await user.next_event(timeout=3600)
            at = time.perf_counter()
            if event.kind == "message":
                self.replies.append((at, event))
            elif event.kind == "document" and event.filename == PDF_NAME:
                self.pdfs.append(at)
            self.arrived.set()

    def figures(self) -> dict[str, object]:
        """The /export user's counts and timings."""
        # One user's updates are answered in order, one first message each: the k-th
        # message answers the k-th /export. A PDF follows only an intro, in the same order.
        reply_s = [at - sent for sent, (at, _) in zip(self.sent, self.replies, strict=False)]
        drawing = [
            sent
            for sent, (_, event) in zip(self.sent, self.replies, strict=False)
            if event.text == self.intro
        ]
        pdf_s = [at - sent for sent, at in zip(drawing, self.pdfs, strict=False)]
        return {
            "exports_sent": len(self.sent),
            "exports_answered": min(len(self.replies), len(self.sent)),
            "export_reply_p50_ms": ms(reply_s, 0.5),
            "export_reply_p99_ms": ms(reply_s, 0.99),
            "export_pdfs": len(self.pdfs),
            "export_pdf_p50_ms": ms(pdf_s, 0.5),
            "export_pdf_p99_ms": ms(pdf_s, 0.99),
        }

    async def wait_settled(self, seconds: float) -> None:
        """Until every /export is answered (and its PDF came), or `seconds` have passed."""
        try:
            async with asyncio.timeout(seconds):
                while not self.settled():
                    self.arrived.clear()
                    await self.arrived.wait()
        except TimeoutError:
            pass

    def settled(self) -> bool:
        """Every /export answered, and every intro followed by its PDF."""
        intros = sum(1 for _, event in self.replies if event.text == self.intro)
        return len(self.replies) >= len(self.sent) and len(self.pdfs) >= intros


async def measure(args: argparse.Namespace, database_url: str) -> dict[str, object]:
    """One run: seed, prepare, load for --seconds, wait for the exports; the figures."""
    due = {habit: NOW - timedelta(minutes=m) for habit, m in DUE_MINUTES_AGO.items()}
    ids = await _harness.seed_enrolled(database_url, args.users, NOW, due, FIRST_ID)
    started = NOW.date() - timedelta(days=PLAN_DAYS - 1)
    await _harness.seed_history(database_url, EXPORTER, started, NOW)
    api = FakeBotAPI(TEST_TOKEN)
    await api.start()
    settings = bot_settings(
        api,
        database_url,
        log_level="WARNING",
        broadcast_throttle=False,
        **_harness.concurrency(args.sequential),
    )
    application = build_application(settings, FakeClock(NOW), dispatch_automatically=False)
    await start_bot(application)
    watch = Watch()
    watch.install(api)
    exports = Exports(intro=Catalog().translator("en")("export-intro"))
    taps: list[float] = []
    helps: list[float] = []
    reader: asyncio.Task[None] | None = None
    try:
        people = _harness.tappers(api, watch, ids, args.seed, FIRST_ID)
        await _harness.prepare(application, people, len(DUE_MINUTES_AGO))
        exporter = FakeUser(api, EXPORTER, "Lisa", "en")
        await exporter.send("/export")  # warm-up: fonts and matplotlib load
        for _ in range(3):  # the intro, the CSV, the PDF
            await exporter.reply(REPLY_TIMEOUT)
        reader = asyncio.create_task(exports.read(exporter))
        api.latency = args.api_latency_ms / 1000
        began = time.perf_counter()
        deadline = began + args.seconds
        last = began

        async def other(tapper: Tapper) -> None:
            nonlocal last
            rng = tapper.rng
            await asyncio.sleep(rng.uniform(0, args.think_ms) / 1000)  # not all at once
            while True:
                if rng.random() < args.help_share:
                    drain_events(api, tapper.user.id)
                    sent = time.perf_counter()
                    await tapper.user.send("/help")
                    try:
                        await tapper.user.reply(REPLY_TIMEOUT)
                    except TimeoutError:
                        raise BenchError(f"user {tapper.user.id}: no answer to /help") from None
                    helps.append(time.perf_counter() - sent)
                else:
                    taps.append((await tapper.tap()).total_ms / 1000)
                done = time.perf_counter()
                last = max(last, done)
                pause = rng.uniform(0.5, 1.5) * args.think_ms / 1000
                if done + pause >= deadline:
                    return
                await asyncio.sleep(pause)

        async def exporting() -> None:
            if not args.export_every_s:
                return
            for n in itertools.count():  # on a fixed beat, answered or not
                at = began + n * args.export_every_s
                if at >= deadline:
                    return
                await asyncio.sleep(max(0.0, at - time.perf_counter()))
                exports.sent.append(time.perf_counter())
                await exporter.send("/export")

        await asyncio.gather(exporting(), *(other(p) for p in people))
        elapsed = last - began  # to the last action's end (not a pause after it)
        await exports.wait_settled(ANSWER_GRACE)
        api.latency = 0.0
    finally:
        if reader is not None:
            reader.cancel()
        await api.release_pollers()
        await stop_bot(application)
        await api.stop()
    if watch.surprises or api.layout_violations:
        raise BenchError(f"unexpected: {dict(watch.surprises)} {api.layout_violations[:3]}")
    others = taps + helps
    result: dict[str, object] = {
        "bench": "mixed",
        "users": args.users,
        "seconds": round(elapsed, 1),
        "think_ms": args.think_ms,
        "others_requests": len(others),
        "others_per_s": per_second(len(others), elapsed),
        "others_p50_ms": ms(others, 0.5),
        "others_p99_ms": ms(others, 0.99),
        "taps": len(taps),
        "taps_p99_ms": ms(taps, 0.99),
        "helps": len(helps),
        "help_p99_ms": ms(helps, 0.99),
        **exports.figures(),
    }
    if args.api_latency_ms:
        result["api_latency_ms"] = args.api_latency_ms
    if args.sequential:
        result["sequential"] = True
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=200, help="users tapping and asking /help")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the load runs")
    parser.add_argument(
        "--think-ms", type=float, default=8000.0, help="a user's pause between actions, on average"
    )
    parser.add_argument(
        "--help-share", type=float, default=0.25, help="the share of actions that are /help"
    )
    parser.add_argument(
        "--export-every-s", type=float, default=1.0, help="seconds between /exports (0: none)"
    )
    parser.add_argument("--seed", type=int, default=1, help="for the choice of buttons")
    parser.add_argument("--database-url", default=None, help="an empty migrated database")
    _harness.add_update_options(parser, compare=False)
    args = parser.parse_args()
    if args.users < 1 or args.think_ms <= 0:
        parser.error("need at least one user, and a pause between their actions")
    with tempfile.TemporaryDirectory() as scratch:
        try:
            url = _harness.scratch_database(Path(scratch), "bench", args.database_url)
            result = asyncio.run(measure(args, url))
        except BenchError as error:
            parser.exit(1, f"mixed: {error}\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
