"""Migrations never lose a row: from every revision, with realistic rows in every table, up to
head; from head down to every earlier revision and up again; on SQLite and PostgreSQL. Then
the real bot sends a due reminder and answers /progress on the upgraded database.

Why this is worth its time: SQLite's batch mode alters a table by re-creating it (copy, DROP,
rename), and with foreign keys on that DROP cascades into every child table (see
migrations/env.py). Revisions are read from Alembic's script directory and tables are
reflected, so a revision added later is covered without touching this file, except where the
filler meets a table or a required column it does not know: then it fails, on purpose.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, insert, make_url, select
from sqlalchemy.ext.asyncio import AsyncConnection

from coach.db.engine import create_engine
from coach.db.migrate import alembic_config
from coach.domain.checkins import Amount, Food
from coach.domain.habits import Habit, Symptom
from coach.domain.reminders import Kind, Status
from tests.fakebot import FakeBotAPI
from tests.fakebot.html import parse_html
from tests.support.bot import DATABASES, POSTGRES_URL, FakeClock, running_bot
from tests.support.databases import create_postgres_database, drop_postgres_database

REVISIONS = [
    script.revision
    for script in reversed(list(ScriptDirectory.from_config(alembic_config("")).walk_revisions()))
]
HEAD = REVISIONS[-1]
EARLIER = REVISIONS[:-1]
log = logging.getLogger(__name__)

# The revision that made each table: a downgrade below it drops the table with its rows.
TABLE_SINCE = {
    "users": "0001",
    "reminders": "0002",
    "symptom_scores": "0002",
    "checkins": "0003",
    "deliveries": "0003",
    "group_chats": "0006",
    "updates": "0009",
    "announcements": "0011",
}
# The revision that brought each reminder kind: 0004 gives enrolled users a weekly check-in
# and a finale, 0005 a digest; their downgrades delete those reminders and their deliveries.
KIND_SINCE: dict[str, str] = {
    Habit.FERMENTED: "0002",
    Habit.FIBER: "0002",
    Habit.B12: "0002",
    Kind.CHECKIN: "0004",
    Kind.FINALE: "0004",
    Kind.DIGEST: "0005",
}


def at_least(revision: str, since: str) -> bool:
    """Whether `revision` is `since` or later."""
    return REVISIONS.index(revision) >= REVISIONS.index(since)


def holds(revision: str, table: str, row: dict[str, Any]) -> bool:
    """Whether a database at `revision` can hold this row at all: its table is there, and so
    is its reminder kind. Rows it cannot hold are what a downgrade to it may take."""
    if not at_least(revision, TABLE_SINCE[table]):
        return False
    if table in ("reminders", "deliveries"):
        return at_least(revision, KIND_SINCE[row["kind"]])
    return True


# -- databases --------------------------------------------------------------------------------


@pytest.fixture(params=DATABASES)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a throwaway PostgreSQL database
    (made and dropped as tests/support/databases.py does)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
        return
    url = create_postgres_database(POSTGRES_URL, "coach_migrations")
    yield url
    drop_postgres_database(url, POSTGRES_URL)


async def migrate(url: str, revision: str, down: bool = False) -> None:
    """`alembic upgrade` (or `downgrade`) to `revision`, off the loop: Alembic runs its own."""
    step = command.downgrade if down else command.upgrade
    await asyncio.to_thread(step, alembic_config(url), revision)


async def reflect(conn: AsyncConnection) -> dict[str, Table]:
    """Our tables as the database has them now (Alembic's own left out)."""
    metadata = MetaData()
    await conn.run_sync(metadata.reflect)
    return {name: table for name, table in metadata.tables.items() if name != "alembic_version"}


# -- what the database holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """A table as read back: its columns, and every row by primary key."""

    columns: frozenset[str]
    rows: dict[tuple[Any, ...], dict[str, Any]]


Snapshot = dict[str, Rows]


async def snapshot(url: str) -> Snapshot:
    """Every row of every table."""
    engine = create_engine(url)
    found: Snapshot = {}
    try:
        async with engine.connect() as conn:
            for name, table in (await reflect(conn)).items():
                key = [column.name for column in table.primary_key.columns]
                rows = [dict(row) for row in (await conn.execute(select(table))).mappings()]
                found[name] = Rows(
                    frozenset(table.columns.keys()),
                    {tuple(row[k] for k in key): row for row in rows},
                )
    finally:
        await engine.dispose()
    return found


def figures(before: Snapshot, *after: Snapshot) -> str:
    """Rows per table at each step, e.g. "users 4->4, reminders 19->23"."""
    return ", ".join(
        f"{name} "
        + "->".join(str(len(s[name].rows)) if name in s else "none" for s in (before, *after))
        for name in sorted({name for s in (before, *after) for name in s})
    )


def problems(
    before: Snapshot,
    after: Snapshot,
    kept: Callable[[str, dict[str, Any]], bool] = lambda _table, _row: True,
    columns: Callable[[str], frozenset[str]] | None = None,
) -> list[str]:
    """Rows of `before` that had to be `kept` but are missing from `after`, or came back
    with other values in `columns` (default: every column both have)."""
    found = []
    for name, table in before.items():
        wanted = {key: row for key, row in table.rows.items() if kept(name, row)}
        if not wanted:
            continue
        there = after.get(name, Rows(frozenset(), {}))
        lost = sorted(set(wanted) - set(there.rows))
        if lost:
            found.append(f"{name}: {len(lost)} of {len(wanted)} rows lost, keys {lost[:6]}")
        compared = (columns(name) if columns else table.columns) & there.columns
        changed = sorted(
            key
            for key in set(wanted) & set(there.rows)
            if {c: wanted[key][c] for c in compared} != {c: there.rows[key][c] for c in compared}
        )
        if changed:
            key = changed[0]
            diff = {
                c: (wanted[key][c], there.rows[key][c])
                for c in compared
                if wanted[key][c] != there.rows[key][c]
            }
            found.append(f"{name}: {len(changed)} rows changed, e.g. {key}: {diff}")
    return found


# -- the filler -------------------------------------------------------------------------------

NOW = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # Monday: 09:30 in Seoul, 01:30 in Berlin
SEOUL, BERLIN, NEW_YORK = "Asia/Seoul", "Europe/Berlin", "America/New_York"
SUNDAY = 1 << 6
EVERY_DAY = 127
LISA, MINJI, JUN, OLD = 7001, 7002, 7003, 7004  # OLD finished the plan, then blocked the bot
LISA_START = date(2026, 2, 23)  # a Monday: NOW is the first day of her week 2
LISA_BASELINE = {"energy": 2, "clarity": 3, "digestion": 2, "mood": 3, "nails": 4}
LISA_WEEK_1 = {"energy": 4, "clarity": 3, "digestion": 3, "mood": 4, "nails": 4}


def at(zone: str, day: date, clock: time) -> datetime:
    """A local time in a zone, in UTC."""
    return datetime.combine(day, clock, ZoneInfo(zone)).astimezone(UTC)


def user_rows() -> list[dict[str, Any]]:
    base = {
        "created_at": NOW - timedelta(days=40),
        "updated_at": NOW - timedelta(days=1),
        "intake_round": 1,
        "awaiting": None,
        "consented_at": NOW - timedelta(days=40),
        "safety_blood_thinner": False,
        "safety_histamine": False,
        "safety_ibs": False,
        "safety_pregnant_or_minor": False,
        "active": True,
        "paused": False,
        "paused_until": None,
        "day_ends_at": None,
        "maintenance": False,
        "plan_completed_on": None,
    }
    return [
        {**base, "id": LISA, "language": "en", "intake_step": "done", "timezone": SEOUL,
         "plan_started_on": LISA_START},
        {**base, "id": MINJI, "language": "ko", "intake_step": "done", "timezone": BERLIN,
         "plan_started_on": date(2026, 2, 16), "safety_ibs": True, "safety_blood_thinner": True,
         "paused": True, "paused_until": NOW + timedelta(days=3), "day_ends_at": time(1, 0)},
        {**base, "id": JUN, "language": "en", "intake_step": "habits", "intake_round": 2,
         "awaiting": "timezone", "timezone": NEW_YORK, "plan_started_on": None},
        {**base, "id": OLD, "language": "ko", "intake_step": "done", "timezone": SEOUL,
         "plan_started_on": date(2025, 11, 3), "active": False, "maintenance": True,
         "plan_completed_on": date(2026, 1, 26)},
    ]  # fmt: skip


def reminder_rows(revision: str) -> list[dict[str, Any]]:
    """Every user's reminders of the kinds `revision` knows. Lisa's B12 is due at NOW."""
    lisa = [
        (Habit.B12, time(9, 30), EVERY_DAY, NOW),
        (Habit.FERMENTED, time(12, 30), EVERY_DAY, at(SEOUL, NOW.date(), time(12, 30))),
        (Habit.FIBER, time(19, 0), EVERY_DAY, at(SEOUL, NOW.date(), time(19, 0))),
        (Kind.CHECKIN, time(19, 0), SUNDAY, at(SEOUL, date(2026, 3, 8), time(19, 0))),
        (Kind.DIGEST, time(20, 0), SUNDAY, at(SEOUL, date(2026, 3, 8), time(20, 0))),
        (Kind.FINALE, time(10, 0), EVERY_DAY, at(SEOUL, date(2026, 5, 18), time(10, 0))),
    ]
    minji = [
        (Habit.B12, time(8, 0), EVERY_DAY, at(BERLIN, NOW.date(), time(8, 0))),
        (Habit.FERMENTED, time(19, 0), EVERY_DAY, at(BERLIN, NOW.date(), time(19, 0))),
        (Kind.CHECKIN, time(19, 0), SUNDAY, at(BERLIN, date(2026, 3, 8), time(19, 0))),
        (Kind.DIGEST, time(20, 0), SUNDAY, at(BERLIN, date(2026, 3, 8), time(20, 0))),
        (Kind.FINALE, time(10, 0), EVERY_DAY, at(BERLIN, date(2026, 5, 11), time(10, 0))),
    ]
    base = {"enabled": True, "snoozed": False, "coached_since": None, "off_since": None}
    rows = [
        {**base, "user_id": user, "kind": kind, "local_time": clock, "days": days,
         "next_fire_at": fire}
        for user, reminders in ((LISA, lisa), (MINJI, minji))
        for kind, clock, days, fire in reminders
    ]  # fmt: skip
    rows += [
        # Fiber switched off in /settings mid-plan.
        {**base, "user_id": MINJI, "kind": Habit.FIBER, "enabled": False,
         "local_time": time(8, 0), "days": EVERY_DAY, "next_fire_at": None,
         "off_since": date(2026, 2, 20)},
        # Mid-intake: the habits chosen, no times yet.
        *({**base, "user_id": JUN, "kind": habit, "local_time": None, "days": EVERY_DAY,
           "next_fire_at": None} for habit in Habit),
        # The plan long over and the bot blocked: nothing scheduled.
        *({**base, "user_id": OLD, "kind": kind, "local_time": time(9, 0), "days": EVERY_DAY,
           "next_fire_at": None, "coached_since": date(2025, 11, 10)}
          for kind in (Habit.B12, Habit.FERMENTED, Kind.CHECKIN, Kind.DIGEST, Kind.FINALE)),
    ]  # fmt: skip
    return [row for row in rows if at_least(revision, KIND_SINCE[row["kind"]])]


def delivery_rows(reminders: dict[tuple[int, str], int]) -> list[dict[str, Any]]:
    """What became of the last few occurrences of each scheduled reminder."""
    zones = {LISA: SEOUL, MINJI: BERLIN, OLD: SEOUL}
    outcomes = [
        (Status.SENT, None),
        (Status.SKIPPED, "logged"),
        (Status.MISSED, "late"),
        (Status.SENT, None),
    ]
    rows = []
    message_ids = iter(range(100, 10_000))
    for (user, kind), reminder_id in sorted(reminders.items()):
        if user == JUN:
            continue  # nothing was ever due
        if kind in frozenset(Habit):
            days = [NOW.date() - timedelta(days=n) for n in range(1, 5)]
        elif kind == Kind.FINALE:
            days = [date(2026, 1, 27)] if user == OLD else []
        else:
            days = [date(2026, 3, 1), date(2026, 2, 22)]
        for n, day in enumerate(days):
            status, detail = outcomes[n % len(outcomes)]
            due = at(zones[user], day, time(9, 0))
            sent = status is Status.SENT
            rows.append(
                {
                    "reminder_id": reminder_id,
                    "user_id": user,
                    "kind": kind,
                    "due_at": due,
                    "local_day": day,
                    "status": status.value,
                    "snooze": False,
                    "lease_until": None,
                    "worker": "coach-1:4242",
                    "attempts": 1 if sent else 0,
                    "message_id": next(message_ids) if sent else None,
                    "detail": detail,
                    "updated_at": due + timedelta(seconds=2),
                }
            )
    return rows


def checkin_rows() -> list[dict[str, Any]]:
    """Lisa's first plan week (B12 daily, fermented 3 times, fiber 5 days and one skip with
    a note), and a few days of the others."""
    week = [LISA_START + timedelta(days=n) for n in range(7)]
    rows = [(LISA, Habit.B12, day, "done", None, None) for day in week]
    rows += [
        (LISA, Habit.FERMENTED, week[0], "done", Food.KIMCHI, None),
        (LISA, Habit.FERMENTED, week[2], "done", Food.KEFIR, "Half a glass, went fine"),
        (LISA, Habit.FERMENTED, week[5], "done", Food.YOGURT, None),
        *((LISA, Habit.FIBER, day, "done", Amount.TARGET, None) for day in week[:5]),
        (LISA, Habit.FIBER, week[5], "skipped", None, "Felt bloated after the lentils"),
        (MINJI, Habit.B12, date(2026, 2, 27), "done", None, None),
        (MINJI, Habit.FERMENTED, date(2026, 2, 27), "done", Food.MISO, "된장국 한 그릇"),
        (MINJI, Habit.FERMENTED, date(2026, 2, 28), "skipped", None, None),
        (OLD, Habit.B12, date(2026, 1, 20), "done", None, None),
    ]
    return [
        {"user_id": user, "habit": habit, "day": day, "status": status, "detail": detail,
         "note": note, "updated_at": at(SEOUL, day, time(21, 0))}
        for user, habit, day, status, detail, note in rows
    ]  # fmt: skip


def score_rows() -> list[dict[str, Any]]:
    """Baselines (week 0) from the intake and weekly ratings."""
    weeks = [
        (LISA, 0, LISA_BASELINE, NOW - timedelta(days=8)),
        (LISA, 1, LISA_WEEK_1, NOW - timedelta(hours=14)),
        (MINJI, 0, {s: 3 for s in Symptom}, NOW - timedelta(days=15)),
        (MINJI, 1, {s: 2 for s in Symptom}, NOW - timedelta(days=8)),
        (OLD, 0, {s: 2 for s in Symptom}, datetime(2025, 11, 2, tzinfo=UTC)),
        (OLD, 12, {s: 4 for s in Symptom}, datetime(2026, 1, 25, tzinfo=UTC)),
    ]
    return [
        {"user_id": user, "week": week, "symptom": symptom, "score": score, "recorded_at": when}
        for user, week, scores, when in weeks
        for symptom, score in scores.items()
    ]


def group_chat_rows() -> list[dict[str, Any]]:
    return [
        {"chat_id": -1001234567890, "told_at": NOW - timedelta(days=5)},
        {"chat_id": -4012345678, "told_at": NOW - timedelta(hours=3)},
    ]


def announcement_rows() -> list[dict[str, Any]]:
    """An admin's preview whose Send was taken."""
    return [{"chat_id": 4242, "message_id": 77, "name": "maintenance", "sent_at": NOW}]


def update_rows() -> list[dict[str, Any]]:
    """The inbox: one update handled (its body gone), one stored and not handled yet."""
    message = {"message_id": 7, "date": 1772400000, "text": "/today",
               "chat": {"id": LISA, "type": "private"}, "from": {"id": LISA, "is_bot": False,
               "first_name": "Lisa"}}  # fmt: skip
    return [
        {"update_id": 900001, "chat_key": LISA, "body": "", "received_at": NOW - timedelta(hours=2),
         "handled_at": NOW - timedelta(hours=2), "owner": "old:1", "lease_until": NOW},
        {"update_id": 900002, "chat_key": LISA, "body": json.dumps({"update_id": 900002,
         "message": message}), "received_at": NOW, "handled_at": None, "owner": "old:1",
         "lease_until": NOW},
    ]  # fmt: skip


# In the order foreign keys need; deliveries come last, once the reminders have their ids.
FILLERS: dict[str, Callable[[str], list[dict[str, Any]]]] = {
    "users": lambda _revision: user_rows(),
    "group_chats": lambda _revision: group_chat_rows(),
    "reminders": reminder_rows,
    "symptom_scores": lambda _revision: score_rows(),
    "checkins": lambda _revision: checkin_rows(),
    "updates": lambda _revision: update_rows(),
    "announcements": lambda _revision: announcement_rows(),
}


def only_known_columns(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """The row's values for the columns this revision has; a required column the filler
    does not know fails the test (extend the filler for it)."""
    for column in table.columns:
        required = not (
            column.nullable
            or column.server_default is not None
            or (column.primary_key and column.autoincrement in (True, "auto"))
        )
        assert column.name in row or not required, (
            f"the filler has no value for {table.name}.{column.name}: extend it"
        )
    return {name: value for name, value in row.items() if name in table.columns}


async def fill(url: str, revision: str) -> Snapshot:
    """Realistic rows in every table `revision` has; returns what the database holds then."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            tables = await reflect(conn)
            unknown = set(tables) - set(FILLERS) - {"deliveries"}
            assert not unknown, f"the filler does not know {sorted(unknown)}: extend it"
            assert set(tables) == {
                t for t, since in TABLE_SINCE.items() if at_least(revision, since)
            }
            for name, rows_for in FILLERS.items():
                if name in tables:
                    table = tables[name]
                    rows = [only_known_columns(table, row) for row in rows_for(revision)]
                    await conn.execute(insert(table), rows)
            if "deliveries" in tables:
                reminders = tables["reminders"]
                ids = {
                    (user, kind): rid
                    for rid, user, kind in await conn.execute(
                        select(reminders.c.id, reminders.c.user_id, reminders.c.kind)
                    )
                }
                table = tables["deliveries"]
                rows = [only_known_columns(table, row) for row in delivery_rows(ids)]
                await conn.execute(insert(table), rows)
    finally:
        await engine.dispose()
    filled = await snapshot(url)
    assert all(table.rows for table in filled.values()), figures(filled)
    return filled


# -- the bot on the upgraded database ---------------------------------------------------------


async def the_bot_works(api: FakeBotAPI, url: str) -> None:
    """Lisa's B12 reminder, due at NOW, goes out; her /progress shows her seeded week 1."""
    async with running_bot(api, url, FakeClock(NOW)) as bot:
        assert await bot.dispatcher.run_round() == Counter({"sent": 1})
        lisa = bot.user(LISA)
        reminder = await lisa.reply()
        assert "sublingual B12" in reminder.text and "Week 2 of 12" in reminder.text
        summary = parse_html((await lisa.ask("/progress")).text)
        # Week 2 from plan_started_on; B12 done on all 7 days of week 1 (nothing yet today),
        # fermented foods 3 times (week 1's target); energy from the week-0 baseline to the
        # week-1 rating.
        assert "Your progress: week 2 of 12" in summary
        assert "Sublingual B12\nOverall 100%\n🔥 7 days in a row" in summary
        assert "Fermented foods\nThis week 0% · overall 100%\n🔥 1 week on target" in summary
        assert f"Energy {LISA_BASELINE['energy']} → {LISA_WEEK_1['energy']} ↑" in summary
        assert (await lisa.reply(timeout=60)).kind == "photo"  # the chart, before we stop


# The bot runs on one path each way per database (a bot per revision doubles this file's
# time): through 0003, the earliest revision with every row the bot reads, and the one whose
# upgrade and downgrade emptied check-ins, scores and deliveries before env.py's fix.
BOT_REVISION = "0003"


# -- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("revision", EARLIER)
async def test_upgrading_from_every_revision_keeps_every_row(
    empty_database: str, revision: str, fake_api: FakeBotAPI
) -> None:
    url = empty_database
    await migrate(url, revision)
    before = await fill(url, revision)
    await migrate(url, HEAD)
    after = await snapshot(url)
    path = f"{make_url(url).get_backend_name()} {revision} -> {HEAD}: {figures(before, after)}"
    log.info(path)  # rows per table, before and after (pytest --log-cli-level=INFO)
    lost = problems(before, after)
    assert not lost, path
    if revision == BOT_REVISION:
        await the_bot_works(fake_api, url)


@pytest.mark.parametrize("target", EARLIER)
async def test_downgrading_to_every_revision_and_back_keeps_what_it_can_hold(
    empty_database: str, target: str, fake_api: FakeBotAPI
) -> None:
    """What a downgrade to `target` may take (`holds`): the tables made after it with their
    rows (0006's group chats; 0003's check-ins and deliveries; 0002's reminders and
    scores), 0005's digest reminders and their deliveries, 0004's check-in and finale
    reminders and theirs, and the values of columns made after it (0004's notes, 0003's
    pause). Everything else comes back as it was; the upgrade then gives enrolled users
    their check-in, finale and digest again, as new rows."""
    url = empty_database
    await migrate(url, HEAD)
    before = await fill(url, HEAD)
    await migrate(url, target, down=True)
    down = await snapshot(url)
    assert set(down) == {t for t, since in TABLE_SINCE.items() if at_least(target, since)}
    await migrate(url, HEAD)
    again = await snapshot(url)
    backend = make_url(url).get_backend_name()
    path = f"{backend} {HEAD} -> {target} -> {HEAD}: {figures(before, down, again)}"
    log.info(path)

    def kept(table: str, row: dict[str, Any]) -> bool:
        return holds(target, table, row)

    def columns(table: str) -> frozenset[str]:
        return down[table].columns

    lost = problems(before, down, kept)
    assert not lost, f"{path}: downgraded"
    lost = problems(before, again, kept, columns)
    assert not lost, f"{path}: upgraded again"
    if target == BOT_REVISION:
        await the_bot_works(fake_api, url)


def test_a_sqlite_upgrade_that_leaves_a_broken_foreign_key_fails_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """PRAGMA foreign_key_check runs before the upgrade commits (foreign keys are off while
    it runs); a violation rolls the whole upgrade back."""
    path = tmp_path / "old.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0005")
    with sqlite3.connect(path) as db:  # foreign keys are off in a plain sqlite3 connection
        db.execute("INSERT INTO users (id, language) VALUES (1, 'en')")
        db.execute(
            "INSERT INTO deliveries (reminder_id, user_id, kind, due_at, local_day, status,"
            " updated_at) VALUES (999, 1, 'b12', '2026-03-01 09:00:00', '2026-03-01', 'sent',"
            " '2026-03-01 09:00:02')"
        )
    with pytest.raises(RuntimeError, match="rows would break a foreign key"):
        command.upgrade(config, "head")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0005",)]
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        assert "group_chats" not in tables, "0006 was rolled back"
        assert db.execute("SELECT count(*) FROM deliveries").fetchone() == (1,)


def test_revision_0004_gives_enrolled_users_their_check_in_and_finale(tmp_path: Path) -> None:
    """Users who finished the intake before check-ins existed get the rows new users get."""
    path = tmp_path / "old.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0003")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO users (id, language, intake_step, timezone, plan_started_on, active)"
            " VALUES (1, 'en', 'done', 'Europe/Berlin', '2026-11-18', 1),"
            " (2, 'en', 'habits', NULL, NULL, 1)"
        )
    command.upgrade(config, "0004")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT user_id, kind, days, next_fire_at FROM reminders").fetchall()
    # The plan began on a Wednesday: its weeks close on Tuesdays (bit 1), at 19:00 Berlin
    # time; 12 weeks end on 2027-02-09, so the finale comes at 10:00 the next morning.
    found = {kind: (user, days, fire) for user, kind, days, fire in rows}
    assert set(found) == {"checkin", "finale"}, "the unfinished intake gets none"
    user, days, fire = found["checkin"]
    checkin = datetime.fromisoformat(fire).replace(tzinfo=UTC)
    assert (user, days) == (1, 2) and checkin > datetime.now(UTC)
    local = checkin.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.weekday(), local.hour, local.minute) == (1, 19, 0)
    assert found["finale"][:2] == (1, 127) and found["finale"][2].startswith("2027-02-10 09:00")


def test_revision_0005_gives_enrolled_users_the_weekly_digest(tmp_path: Path) -> None:
    """Sunday 19:00 local for a plan under way (20:00 when the check-in is at Sunday 19:00);
    nothing scheduled for a plan long over."""
    path = tmp_path / "old.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0003")
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())  # weeks close on Sundays
    tuesday = monday + timedelta(days=1)  # weeks close on Mondays
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO users (id, language, intake_step, timezone, plan_started_on, active)"
            " VALUES (1, 'en', 'done', 'Asia/Seoul', ?, 1),"
            " (2, 'en', 'done', 'Asia/Seoul', '2020-01-06', 1),"
            " (3, 'en', 'habits', NULL, NULL, 1),"
            " (4, 'en', 'done', 'Asia/Seoul', ?, 1)",
            (tuesday.isoformat(), monday.isoformat()),
        )
    command.upgrade(config, "0004")  # check-ins at 19:00 on the plan week's last day
    command.upgrade(config, "head")
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT user_id, days, local_time, next_fire_at FROM reminders WHERE kind = 'digest'"
        ).fetchall()
    found = {user: (days, clock, fire) for user, days, clock, fire in rows}
    assert set(found) == {1, 2, 4}, "the unfinished intake gets none"
    days, clock, fire = found[1]
    assert (days, clock[:5]) == (64, "19:00")
    assert found[4][:2] == (64, "20:00:00.000000"), "after the check-in on Sunday at 19:00"
    local = datetime.fromisoformat(fire).replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Seoul"))
    assert (local.weekday(), local.hour) == (6, 19)
    assert found[2][2] is None, "a plan that ended long ago gets no digest"
    command.downgrade(config, "0004")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM reminders WHERE kind = 'digest'").fetchone() == (0,)
