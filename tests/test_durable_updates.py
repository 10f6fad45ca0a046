"""Acceptance tests for issue 14: updates are durable, handled concurrently across users and
in order for each user, and the webhook refuses what it must not read.

Seen from outside only: real `coach webhook` and `coach run` processes
(tests/support/processes.py), the fake Bot API server, and the database's check-in rows.
Where a test waits for the bot to finish its work it also looks at the issue's `updates`
table (stored updates not yet handled) to know the bot still has some; nothing is asserted
about that table.

The fake Bot API server answers each call after LATENCY (30 ms, about what a bot far from
Telegram's data centre sees), and a first process that gets a signal runs with
MAX_CONCURRENT_UPDATES=4: few handlers at once, each waiting on the Bot API, so a backlog
surely builds up behind the posts whatever the machine's speed, and at most 4 updates are
in flight when it dies. The process after it runs with the default.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import signal
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from coach.db.engine import create_engine
from coach.db.models import CheckIn, SymptomScore
from coach.domain.checkins import Amount
from coach.domain.habits import HABITS, SYMPTOMS
from coach.i18n import Catalog
from tests.fakebot import FakeBotAPI, FakeUser
from tests.support.bot import POSTGRES_URL, RunningBot
from tests.support.databases import truncate_all
from tests.support.processes import SECRET, Instance
from tests.support.rows import checkin_count
from tests.support.seeding import seed_due_reminders

# 400, not 5,000: a bot process here handles about 100 taps a second (CPU-bound, with
# concurrency too), and these tests run six times (three tests, both databases) within the
# file's 90 s. 400 already take today's bot, one update at a time at LATENCY per call, far
# past the 7 s a SIGTERM gives it.
TAPS = 400
LATENCY = 0.03
# Today and the two days before, in the users' zone (UTC): every tap stays within reach (three
# days back) even if the test runs across midnight.
DAYS = 3
USERS = -(-TAPS // (DAYS * len(HABITS)))
IN_FLIGHT = 4  # MAX_CONCURRENT_UPDATES of a process that is stopped or killed mid-way
POSTS_AT_ONCE = 8  # Telegram posts to a webhook over a few connections at once
QUIET = 5.0  # no new check-in for this long, and nothing stored left unhandled: settled
SETTLE_CAP = 90.0  # a killed owner's lease may have to run out first
ENGLISH = Catalog().translator("en")
HELP = ENGLISH("help")
Tap = tuple[int, str, date]  # user, habit, day: one check-in row


# -- helpers -----------------------------------------------------------------------------------


def bot_instance(
    api: FakeBotAPI, url: str, cwd: Path, command: str = "webhook", **settings: str
) -> Instance:
    """A bot process logging at INFO: DEBUG lines for thousands of updates would slow it."""
    return Instance(api, url, cwd, command, LOG_LEVEL="INFO", **settings)


async def seed_users(url: str, users: int, first_id: int = 2_000_000) -> tuple[list[int], date]:
    """Enrolled users (UTC) coaching all three habits, their plan begun three days ago and
    no reminder due during the test. Returns the ids and today's date."""
    now = datetime.now(UTC)
    today = now.date()
    ids = await seed_due_reminders(
        url,
        users,
        now + timedelta(hours=6),
        first_id=first_id,
        per_user=len(HABITS),
        started_on=today - timedelta(days=DAYS),
    )
    return ids, today


def distinct_taps(users: list[int], today: date, taps: int) -> list[Tap]:
    """`taps` different (user, habit, day) check-ins, shuffled over the users."""
    every = [
        (user, habit.value, today - timedelta(days=back))
        for user in users
        for habit in HABITS
        for back in range(DAYS)
    ]
    assert len(every) >= taps
    chosen = every[:taps]
    random.Random(14).shuffle(chosen)
    return chosen


def tap_data(action: str, habit: str, day: date, answer: str = "") -> str:
    """A /today button's callback data, as the checklist encodes it."""
    arg = f"{habit}-{day:%Y%m%d}" + (f"-{answer}" if answer else "")
    return f"t::{action}:{arg}"


async def press_all(
    api: FakeBotAPI, taps: Iterable[tuple[int, str]], at_once: int = POSTS_AT_ONCE
) -> list[str]:
    """Each (user, callback data) tapped on a /today checklist; the query ids, in order.
    In webhook mode push_update asserts each post was answered 200."""
    gate = asyncio.Semaphore(at_once)
    people: dict[int, FakeUser] = {}

    async def press(user_id: int, data: str) -> str:
        person = people.setdefault(user_id, FakeUser(api, user_id))
        async with gate:
            return await person.press(data, person._message(text="/today"))

    return await asyncio.gather(*(press(u, d) for u, d in taps))


async def checkin_rows(url: str) -> list[tuple[int, str, date, str, datetime]]:
    """Every check-in: user, habit, day, status, updated_at."""
    engine = create_engine(url)
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(CheckIn.user_id, CheckIn.habit, CheckIn.day, CheckIn.status, CheckIn.updated_at)
        )
        found = [tuple(r) for r in rows]
    await engine.dispose()
    return found  # type: ignore[return-value]


async def unhandled_updates(url: str) -> int:
    """Updates stored and not yet handled (issue 14's `updates` table); 0 without one."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            waiting = await conn.scalar(
                text("SELECT count(*) FROM updates WHERE handled_at IS NULL")
            )
    except DBAPIError:  # no such table: nothing is stored, so nothing is left to handle
        waiting = 0
    finally:
        await engine.dispose()
    return int(waiting or 0)


async def settle(url: str, expected: int) -> int:
    """Wait until all `expected` check-ins are there and no stored update is left to handle
    (a replay would come after the last new row), or none came for QUIET seconds with none
    left (the rest is lost), or SETTLE_CAP passed. The number of check-ins."""
    began = last_change = time.monotonic()
    seen = -1
    while True:
        now_count = await checkin_count(url)
        now = time.monotonic()
        if now_count >= expected and not await unhandled_updates(url):
            return now_count
        if now_count != seen:
            seen, last_change = now_count, now
        elif now - last_change >= QUIET and not await unhandled_updates(url):
            return now_count
        if now - began >= SETTLE_CAP:
            return now_count
        await asyncio.sleep(0.5)


def answers_per_query(api: FakeBotAPI) -> Counter[str]:
    """answerCallbackQuery requests per tap, refused ones (a second answer) included."""
    return Counter(
        params["callback_query_id"]
        for method, params in api.calls
        if method == "answerCallbackQuery"
    )


def lost(expected: list[Tap], rows: list[tuple[int, str, date, str, datetime]]) -> str:
    """How many acknowledged taps have no check-in, in words."""
    missing = len(set(expected) - {r[:3] for r in rows})
    return f"{missing} of {len(expected)} acknowledged taps lost"


async def restart_and_settle(
    api: FakeBotAPI, url: str, cwd: Path, expected: int, command: str = "webhook"
) -> int:
    """A fresh process on the same database until the work settles; the check-ins then."""
    second = bot_instance(api, url, cwd, command)
    if command == "webhook":
        api.webhook_targets = [(second.webhook, SECRET)]
    await second.start()
    try:
        return await settle(url, expected)
    finally:
        if command == "run":
            await api.release_pollers()
        await second.stop()


# -- SIGTERM and SIGKILL with a backlog ------------------------------------------------------


async def let_leases_run_out(url: str) -> None:
    """On PostgreSQL a killed owner's stored updates wait for its lease to run out (another
    instance cannot tell it from a live one); here it runs out at once rather than after a
    wait that proves nothing more. Nothing to do without the issue's `updates` table."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE updates SET lease_until = now() - interval '1 hour' "
                    "WHERE handled_at IS NULL AND lease_until IS NOT NULL"
                )
            )
    except DBAPIError:
        pass
    finally:
        await engine.dispose()


@pytest.mark.slow
async def test_sigterm_in_webhook_mode_loses_no_acknowledged_update(
    fake_api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    """TAPS check-in taps (distinct /today Done taps: each becomes exactly one check-in;
    400 rather than the issue's 5,000, see TAPS) posted to the webhook, every one answered
    200; SIGTERM right after the last 200, most still queued; a fresh process on the same
    database: every acknowledged tap is its check-in, none lost."""
    fake_api.latency = LATENCY
    users, today = await seed_users(database_url, USERS)
    taps = distinct_taps(users, today, TAPS)
    first = bot_instance(fake_api, database_url, tmp_path, MAX_CONCURRENT_UPDATES=str(IN_FLIGHT))
    await first.start()
    fake_api.webhook_targets = [(first.webhook, SECRET)]
    at_signal = -1
    try:
        await press_all(fake_api, [(u, tap_data("done", h, d)) for u, h, d in taps])
        at_signal = await checkin_count(database_url)
    finally:
        await first.stop(signal.SIGTERM)
    at_stop = await checkin_count(database_url)
    assert at_signal < TAPS, "the bot had handled everything before the SIGTERM: nothing tested"
    await restart_and_settle(fake_api, database_url, tmp_path, TAPS)
    rows = await checkin_rows(database_url)
    assert {r[:3] for r in rows} == set(taps), (
        f"{lost(taps, rows)} (the first process had handled {at_signal} at the SIGTERM, "
        f"{at_stop} when it had stopped)"
    )
    assert len(rows) == TAPS and {r[3] for r in rows} == {"done"}


@pytest.mark.slow
async def test_sigterm_in_polling_mode_loses_no_confirmed_update(
    fake_api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    """`coach run`: TAPS taps pushed to getUpdates; once the bot has fetched them all (or
    fetches no more: it may hold back), SIGTERM. An update the bot confirmed through
    getUpdates' offset must be stored by then; one it was handed but never confirmed stays
    on the server and comes again to the restarted process (fine, as long as each ends as
    one check-in). Either way every tap ends as its check-in."""
    fake_api.latency = LATENCY
    users, today = await seed_users(database_url, USERS)
    taps = distinct_taps(users, today, TAPS)
    first = bot_instance(
        fake_api, database_url, tmp_path, "run", MAX_CONCURRENT_UPDATES=str(IN_FLIGHT)
    )
    await first.start()
    at_signal = confirmed = handed = -1
    try:
        await press_all(fake_api, [(u, tap_data("done", h, d)) for u, h, d in taps])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if len(fake_api.fetched_update_ids) in (TAPS, handed):
                break
            handed = len(fake_api.fetched_update_ids)
            await asyncio.sleep(1)
        confirmed, handed = len(fake_api.handled_update_ids), len(fake_api.fetched_update_ids)
        at_signal = await checkin_count(database_url)
    finally:
        await fake_api.release_pollers()
        await first.stop(signal.SIGTERM)
    at_stop = await checkin_count(database_url)
    assert confirmed > at_signal, "no confirmed update was left to handle: nothing tested"
    fake_api.resume_pollers()
    await restart_and_settle(fake_api, database_url, tmp_path, TAPS, "run")
    rows = await checkin_rows(database_url)
    assert {r[:3] for r in rows} == set(taps), (
        f"{lost(taps, rows)}; at the SIGTERM the first process had confirmed {confirmed} "
        f"through the offset, been handed {handed} and handled {at_signal} "
        f"({at_stop} when it had stopped)"
    )
    assert len(rows) == TAPS


@pytest.mark.slow
async def test_sigkill_with_a_backlog_then_a_restart_loses_and_doubles_nothing(
    fake_api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    """TAPS taps acknowledged (200) by a webhook process, which is then SIGKILLed with most
    still queued; after a restart every tap is its check-in, and none was handled twice but
    the few in flight at the kill.

    What "doubled" can honestly mean here: no check-in row can be doubled (one per user,
    habit and day, unique in the database), and a Done tap handled again writes the same
    row with the same status; only its updated_at moves. So a tap handled twice shows only
    in the bot's effects: each handling answers the tap (answerCallbackQuery; Telegram
    refuses a second answer, and the fake server records the request all the same), and
    rewrites the row. So: exactly one row per tap; every tap answered (none lost); none
    answered more than twice; at most IN_FLIGHT answered twice, and at most IN_FLIGHT of the
    taps answered before the kill have a row written after it. Those few are the handlers
    running when the process died, whose "handled" mark was never written: they must run
    again, since nobody can know how far they got."""
    fake_api.latency = LATENCY
    users, today = await seed_users(database_url, USERS)
    taps = distinct_taps(users, today, TAPS)
    first = bot_instance(fake_api, database_url, tmp_path, MAX_CONCURRENT_UPDATES=str(IN_FLIGHT))
    await first.start()
    fake_api.webhook_targets = [(first.webhook, SECRET)]
    try:
        queries = await press_all(fake_api, [(u, tap_data("done", h, d)) for u, h, d in taps])
    finally:
        await first.stop(signal.SIGKILL)
    killed_at = datetime.now(UTC)
    at_kill = await checkin_count(database_url)
    answered_before = set(answers_per_query(fake_api))
    assert at_kill < TAPS, "the bot handled everything before the SIGKILL: nothing tested"
    await let_leases_run_out(database_url)
    await restart_and_settle(fake_api, database_url, tmp_path, TAPS)
    rows = await checkin_rows(database_url)
    assert {r[:3] for r in rows} == set(taps), (
        f"{lost(taps, rows)} (the first process had handled {at_kill} at its SIGKILL)"
    )
    assert Counter(r[:3] for r in rows) == Counter(set(taps)), "one row per tap"
    answers = answers_per_query(fake_api)
    unanswered = [q for q in queries if not answers[q]]
    twice = [q for q in queries if answers[q] == 2]
    more = [q for q in queries if answers[q] > 2]
    assert not unanswered, f"{len(unanswered)} taps never answered: never handled"
    assert not more and len(twice) <= IN_FLIGHT, (
        f"{len(twice)} taps handled twice, {len(more)} more often "
        f"({len(answered_before)} had been answered before the kill)"
    )
    written = {r[:3]: r[4] for r in rows}
    rewritten = [
        tap
        for tap, q in zip(taps, queries, strict=True)
        if q in answered_before and written[tap] > killed_at
    ]
    assert len(rewritten) <= IN_FLIGHT, f"{len(rewritten)} taps handled before the kill again"


# -- two instances, one user's updates spread over both --------------------------------------

ORDER_USERS = 30
ORDER_TAPS = 10  # per user, on one habit and day: alternating over the two instances


def expected_state(sequence: list[tuple[str, str]]) -> tuple[str, str | None] | None:
    """What the check-in holds after these taps in this order (status, detail), or None."""
    state: tuple[str, str | None] | None = None
    for action, answer in sequence:
        if action == "undo":
            state = None
        elif action == "done":  # a day already done keeps its answer (issue 17: 8)
            state = state if state is not None else ("done", None)
        else:  # "ans": the follow-up answer, which also logs the habit done
            state = ("done", answer)
    return state


@pytest.mark.slow
@pytest.mark.skipif(not POSTGRES_URL, reason="needs COACH_TEST_POSTGRES_URL")
async def test_two_instances_handle_one_users_updates_in_order(
    fake_api: FakeBotAPI, postgres_database: str, tmp_path: Path
) -> None:
    """Two webhook instances on one PostgreSQL database, each user's taps alternating between
    them (as a load balancer sends them), with other people's /help now and then to either:
    Done, Undo and the fiber amounts on one day, in a random order, each tap posted once the
    one before was acknowledged. Each tap is answered in the order sent (the fake server sees
    the answers arrive), and what is stored is what that order leaves.

    Today each instance handles its own queue in order, and the user's row lock happens to
    order two instances that keep in step; the other updates put them out of step."""
    fake_api.latency = LATENCY  # each handler waits on the Bot API, as in production
    await truncate_all(postgres_database)
    users, today = await seed_users(postgres_database, ORDER_USERS, first_id=3_000_000)
    instances = [bot_instance(fake_api, postgres_database, tmp_path) for _ in range(2)]
    rng = random.Random(41)
    amounts = [a.value for a in Amount]
    sequences = {
        user: [
            rng.choice([("done", ""), ("undo", ""), ("ans", rng.choice(amounts))])
            for _ in range(ORDER_TAPS)
        ]
        for user in users
    }
    sent: dict[int, list[str]] = defaultdict(list)
    others = [FakeUser(fake_api, 3_100_000 + n) for n in range(5)]
    try:
        await asyncio.gather(*(i.start() for i in instances))
        for user in users:  # one tap at a time, each user's alternating between the two
            for k, (action, answer) in enumerate(sequences[user]):
                # Other people's updates now and then, to either instance: the two queues
                # differ, as they do behind a real load balancer.
                for _ in range(rng.choice([0, 0, 1, 2])):
                    fake_api.webhook_targets = [(rng.choice(instances).webhook, SECRET)]
                    await rng.choice(others).send("/help")
                fake_api.webhook_targets = [(instances[k % 2].webhook, SECRET)]
                tap = (user, tap_data(action, "fiber", today, answer))
                sent[user] += await press_all(fake_api, [tap], at_once=1)
        waiting = {q for queries in sent.values() for q in queries}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if waiting <= set(answers_per_query(fake_api)):
                break
            await asyncio.sleep(0.2)
    finally:
        for instance in instances:
            await instance.stop()
    first_answer: dict[str, int] = {}
    for index, (method, params) in enumerate(fake_api.calls):
        if method == "answerCallbackQuery":
            first_answer.setdefault(params["callback_query_id"], index)
    out_of_order = [
        user
        for user, queries in sent.items()
        if sorted(queries, key=lambda q: first_answer.get(q, len(fake_api.calls))) != queries
    ]
    engine = create_engine(postgres_database)
    async with engine.connect() as conn:
        stored = {
            user_id: (status, detail)
            for user_id, status, detail in await conn.execute(
                select(CheckIn.user_id, CheckIn.status, CheckIn.detail).where(
                    CheckIn.habit == "fiber", CheckIn.day == today
                )
            )
        }
    await engine.dispose()
    wrong = [u for u in users if stored.get(u) != expected_state(sequences[u])]
    unanswered = [q for queries in sent.values() for q in queries if q not in first_answer]
    assert not unanswered, f"{len(unanswered)} taps never answered"
    assert not out_of_order and not wrong, (
        f"{len(out_of_order)} of {ORDER_USERS} users' taps answered out of the order sent, "
        f"{len(wrong)} hold what another order leaves"
    )


# -- /export storm ---------------------------------------------------------------------------

EXPORTS = 20
HELPERS = 10
EXPORTER = 4_000_000
DRAWN = 120.0  # generous: today's bot draws the 20 PDFs one after the other
DRAWN_QUIET = 3.0  # nothing more from the bot for this long: the last PDF has come


async def seed_plan_data(url: str, user_id: int, today: date) -> None:
    """An enrolled user two weeks into the plan, with check-ins and a baseline: /export
    draws a PDF report for them."""
    await seed_due_reminders(
        url,
        1,
        datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=20),
        first_id=user_id,
        per_user=len(HABITS),
        started_on=today - timedelta(days=14),
    )
    engine = create_engine(url)
    rng = random.Random(5)
    async with engine.begin() as conn:
        await conn.execute(
            insert(CheckIn),
            [
                {
                    "user_id": user_id,
                    "habit": habit.value,
                    "day": today - timedelta(days=back),
                    "status": rng.choice(["done", "done", "skipped"]),
                    "updated_at": datetime.combine(today, datetime.min.time(), UTC)
                    - timedelta(days=back, hours=-20),
                }
                for back in range(1, 15)
                for habit in HABITS
            ],
        )
        await conn.execute(
            insert(SymptomScore),
            [
                {
                    "user_id": user_id,
                    "week": week,
                    "symptom": symptom.value,
                    "score": 2 + week,
                    "recorded_at": datetime.combine(today, datetime.min.time(), UTC)
                    - timedelta(days=14 - 7 * week),
                }
                for week in (0, 1)
                for symptom in SYMPTOMS
            ],
        )
    await engine.dispose()


@pytest.mark.slow  # no process, but it draws PDFs
async def test_an_export_storm_holds_up_nobody_elses_help(bot: RunningBot) -> None:
    """One user sends /export EXPORTS times in a row, then others send /help (each of
    HELPERS twice). Every /help is answered before the last export's PDF arrives (an order
    the fake server sees, not a time); each /export gets a text reply (the export's intro with
    its files after it, or a short "still working on it" note for a repeat), never an
    apology, and a PDF does come."""
    await seed_plan_data(bot.settings.database_url, EXPORTER, bot.clock.now.date())
    exporter = bot.user(EXPORTER)
    helpers = [bot.user(EXPORTER + 1 + n) for n in range(HELPERS)]
    for _ in range(EXPORTS):
        await exporter.send("/export")
    for helper in helpers * 2:
        await helper.send("/help")

    async def answered(helper: FakeUser) -> None:
        for _ in range(2):
            assert (await helper.reply(DRAWN)).text == HELP

    await asyncio.gather(*(answered(h) for h in helpers))
    texts: list[str] = []
    pdfs = 0
    while True:  # the exporter's replies, until all came and the bot went quiet
        done = len(texts) >= EXPORTS and pdfs
        try:
            event = await exporter.next_event(DRAWN_QUIET if done else DRAWN)
        except TimeoutError:
            break
        if event.kind == "message":
            texts.append(event.text)
        elif event.kind == "document" and (event.filename or "").endswith(".pdf"):
            pdfs += 1
    assert pdfs >= 1, "no PDF came"
    assert len(texts) >= EXPORTS, f"{len(texts)} text replies to {EXPORTS} /export"
    assert ENGLISH("error-generic") not in texts
    sent = [
        (index, int(params["chat_id"]), params.get("document"))
        for index, (method, params) in enumerate(bot.api.calls)
        if method in ("sendMessage", "sendDocument")
    ]
    last_pdf = max(
        index
        for index, chat, document in sent
        if chat == EXPORTER and document is not None and document.filename.endswith(".pdf")
    )
    helper_ids = {h.id for h in helpers}
    late = [index for index, chat, _ in sent if chat in helper_ids and index > last_pdf]
    assert not late, (
        f"{len(late)} of {2 * HELPERS} /help answered only after the last export's PDF "
        f"({pdfs} PDFs drawn for {EXPORTS} /export)"
    )


# -- what the webhook must not read ----------------------------------------------------------

HUGE = 95 * 1024 * 1024
LARGE = 1024 * 1024 + 4096  # just over the 1 MB an update may be
RSS_SLACK_KB = 30 * 1024


def memory_kb(pid: int, field: str) -> int:
    """A process's VmRSS or VmHWM (its peak since the last reset), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def reset_peak(pid: int) -> None:
    """VmHWM := VmRSS now (Linux's clear_refs), so VmHWM later is the peak since."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


async def post_raw(port: int, body: bytes, secret: str | None = None) -> int:
    """POST a body to /telegram over a plain socket, as an attacker would, stopping as soon
    as an answer comes (a server may answer before reading it all, and close); the answer's
    status, or 0 for none at all."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = ["POST /telegram HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    head.append("Content-Type: application/json")
    if secret is not None:
        head.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    status_line = asyncio.ensure_future(reader.readline())
    view, sent = memoryview(body), 0
    try:
        while sent < len(body) and not status_line.done():
            writer.write(view[sent : sent + 1024 * 1024])
            await writer.drain()
            sent += 1024 * 1024
    except (ConnectionError, OSError):
        pass  # closed on us: the answer may be waiting all the same
    try:
        line = await asyncio.wait_for(status_line, 30)
    except (ConnectionError, OSError, TimeoutError):
        return 0
    finally:
        writer.close()
    parts = line.split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0


def padded_update(update: dict[str, Any], size: int) -> bytes:
    """A real update's JSON, made `size` bytes long with whitespace (still valid JSON)."""
    body = json.dumps(update).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


@pytest.mark.slow
async def test_the_webhook_reads_no_huge_body_and_checks_the_secret(
    fake_api: FakeBotAPI, sqlite_template: Path, tmp_path: Path
) -> None:
    """A 95 MB body without the secret is answered 403 or 413 without the bot reading it: its
    peak memory grows by far less than 95 MB (VmHWM, reset first: the body's buffer would be
    freed again, so the RSS after shows nothing), and the bot still answers the next update.
    A body over 1 MB with the right secret is refused 413; a wrong secret of the right length
    gets 403 (the compare is constant-time; that only the answer can show)."""
    database = tmp_path / "coach.db"
    shutil.copy(sqlite_template, database)
    instance = bot_instance(fake_api, f"sqlite+aiosqlite:///{database}", tmp_path)
    await instance.start()
    user = FakeUser(fake_api, 5_000_001)
    problems: list[str] = []
    try:
        fake_api.webhook_targets = [(instance.webhook, SECRET)]
        assert (await user.ask("/help")).text == HELP
        huge = padded_update({"update_id": 10**9, "message": user._message(text="/help")}, HUGE)
        reset_peak(instance.pid)
        before = memory_kb(instance.pid, "VmRSS")
        status = await post_raw(instance.webhook_port, huge)
        grown = memory_kb(instance.pid, "VmHWM") - before
        if status not in (403, 413):
            problems.append(f"a 95 MB body without the secret got {status}, not 403 or 413")
        if grown >= RSS_SLACK_KB:
            problems.append(f"the 95 MB body was read: peak memory grew by {grown // 1024} MB")
        assert (await user.ask("/help")).text == HELP, "answers after the huge body"
        large = padded_update(
            {"update_id": 10**9 + 1, "message": user._message(text="/help")}, LARGE
        )
        status = await post_raw(instance.webhook_port, large, SECRET)
        if status != 413:
            problems.append(f"{LARGE} bytes with the right secret got {status}, not 413")
        wrong = SECRET[:-1] + ("x" if SECRET[-1] != "x" else "y")
        small = json.dumps({"update_id": 10**9 + 2, "message": user._message(text="/help")})
        status = await post_raw(instance.webhook_port, small.encode(), wrong)
        if status != 403:
            problems.append(f"a wrong secret of the right length got {status}, not 403")
        await user.send("/help")
        before_help = []  # replies to a refused update, if one was handled after all
        while (reply := await user.reply()).text != HELP:
            before_help.append(reply.text)
        if before_help:
            problems.append(f"a refused update was handled: {before_help}")
    finally:
        await instance.stop()
    assert not problems, problems
