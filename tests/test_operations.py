"""The operator's commands, as real processes: `coach check`, `coach migrate --to`,
`coach backup` while the bot runs, and `coach restore`."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from coach.db.engine import create_engine
from coach.db.migrate import revisions
from tests.fakebot import FakeBotAPI, FakeUser
from tests.support.bot import POSTGRES_URL
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.processes import (
    SECRET,
    Instance,
    bot_process_env,
    coach_env,
    free_port,
    run_coach,
)

LATEST = revisions()[0]


def _revision(database: Path) -> str:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def _users(database: Path) -> set[int]:
    with sqlite3.connect(database) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM users")}


def _lines(out: str) -> dict[str, str]:
    """`coach check`'s report: what was checked -> what it found."""
    return {line.split()[0]: line.split(None, 1)[1] for line in out.strip().splitlines()}


# ---- coach check ----


async def test_check_reports_every_part_and_exits_0(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    env = bot_process_env(fake_api, f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    assert (await run_coach("migrate", env=env, cwd=tmp_path))[0] == 0
    code, out, err = await run_coach("check", env=env, cwd=tmp_path)
    assert code == 0, out + err
    found = _lines(out)
    assert list(found) == ["settings", "database", "schema", "telegram"]
    assert all(value.startswith("ok: ") for value in found.values()), out
    assert f"revision {LATEST}, the latest" in found["schema"]
    assert "@" in found["telegram"] and env["TELEGRAM_BOT_TOKEN"] not in out + err


async def test_check_changes_nothing_on_a_first_run(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    env = bot_process_env(fake_api, f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    code, out, _ = await run_coach("check", env=env, cwd=tmp_path)
    assert code == 0, out
    assert "does not exist yet" in _lines(out)["database"]
    assert not (tmp_path / "new.db").exists()


async def test_check_says_an_old_schema_is_upgraded_at_the_next_start(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    env = bot_process_env(fake_api, f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    assert (await run_coach("migrate", "--to", revisions()[2], env=env, cwd=tmp_path))[0] == 0
    code, out, _ = await run_coach("check", env=env, cwd=tmp_path)
    assert code == 0, out
    assert f"upgrades it to {LATEST}" in _lines(out)["schema"]
    assert _revision(tmp_path / "c.db") == revisions()[2], "check changes nothing"


@pytest.mark.parametrize(
    ("fault", "code", "line", "words"),
    [
        ("setting", 2, "settings", "TELEGRAM_BOT_TOKEN is not a bot token"),
        ("newer schema", 3, "database", "newer than this version"),
        ("database", 3, "database", "does not exist"),
        ("token", 4, "telegram", "Telegram rejected TELEGRAM_BOT_TOKEN"),
        ("telegram", 4, "telegram", "is unreachable"),
    ],
)
async def test_check_exit_codes_name_the_failing_part(
    fake_api: FakeBotAPI, tmp_path: Path, fault: str, code: int, line: str, words: str
) -> None:
    database = tmp_path / "c.db"
    env = bot_process_env(fake_api, f"sqlite+aiosqlite:///{database}")
    assert (await run_coach("migrate", env=env, cwd=tmp_path))[0] == 0
    if fault == "setting":
        env["TELEGRAM_BOT_TOKEN"] = "nonsense"
    elif fault == "newer schema":
        with sqlite3.connect(database) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '0999'")
    elif fault == "database":
        env["DATABASE_URL"] = env.get("COACH_TEST_POSTGRES_URL", "").rsplit("/", 1)[0] + "/nope"
        if not env["DATABASE_URL"].startswith("postgresql"):
            pytest.skip("needs COACH_TEST_POSTGRES_URL")
    elif fault == "token":
        env["TELEGRAM_BOT_TOKEN"] = "123456789:revoked-token-000000000000000000"
    else:
        env["TELEGRAM_API_URL"] = f"http://127.0.0.1:{free_port()}"
    exit_code, out, err = await run_coach("check", env=env, cwd=tmp_path)
    assert exit_code == code, out + err
    found = _lines(out)
    assert found[line].startswith("FAILED: ") and words in found[line], out
    assert "Traceback" not in err


# ---- coach migrate --to ----


async def test_migrate_down_and_up_again_keeps_the_users(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    database = tmp_path / "c.db"
    bot = Instance(fake_api, f"sqlite+aiosqlite:///{database}", tmp_path, "run")
    await bot.start()
    try:
        await FakeUser(fake_api, 42, "Lisa", "en").ask("/start")
    finally:
        await fake_api.release_pollers()
        await bot.stop()
    env = bot.env
    previous = revisions()[1]
    code, out, err = await run_coach("migrate", "--to", previous, env=env, cwd=tmp_path)
    assert code == 0, err
    assert _revision(database) == previous and f"schema at {previous}" in out
    code, _, err = await run_coach("migrate", env=env, cwd=tmp_path)
    assert code == 0, err
    assert _revision(database) == LATEST and _users(database) == {42}
    code, _, err = await run_coach("migrate", "--to", "0999", env=env, cwd=tmp_path)
    assert code == 2 and "--to 0999: no such revision" in err


# ---- coach backup and restore ----


async def _past_the_first_step(user: FakeUser) -> None:
    await user.ask("/start")
    await user.answer(await user.tap("✅ English"))
    while "Step 2 of" not in (await user.next_event()).text:  # to the consent step
        pass


async def test_backup_while_the_bot_runs_then_restore_it(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    database, copy = tmp_path / "coach.db", tmp_path / "backup.db"
    bot = Instance(fake_api, f"sqlite+aiosqlite:///{database}", tmp_path, "run")
    await bot.start()
    early = [FakeUser(fake_api, 100 + n, f"Early{n}", "en") for n in range(5)]
    late = [FakeUser(fake_api, 200 + n, f"Late{n}", "en") for n in range(5)]
    try:
        await asyncio.gather(*(_past_the_first_step(user) for user in early))
        # The copy is made while other users write (their /start makes their rows).
        writes = asyncio.gather(*(user.ask("/start") for user in late))
        code, out, err = await run_coach("backup", str(copy), env=bot.env, cwd=tmp_path)
        await writes
        again = await run_coach("backup", str(copy), env=bot.env, cwd=tmp_path)
        before = _users(database)
        refused = await run_coach("restore", str(copy), env=bot.env, cwd=tmp_path)
        assert _users(database) == before, "a restore under a running bot changes nothing"
    finally:
        await fake_api.release_pollers()
        await bot.stop()
    assert code == 0, err
    assert f"backed up {database} to {copy} (schema {LATEST}" in out
    assert again[0] == 2 and "--force" in again[2], "an existing copy is never overwritten"
    assert refused[0] == 2 and "a bot is running on" in refused[2], refused
    assert "nothing was restored" in refused[2]
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",), "one file"
    assert {100, 101, 102, 103, 104} <= _users(copy)
    assert _users(copy) <= _users(database)

    # The database is lost; the backup comes back.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240
    code, out, err = await run_coach("restore", str(copy), env=bot.env, cwd=tmp_path)
    assert code == 0, err
    assert _users(database) == _users(copy)
    fake_api.resume_pollers()
    await bot.start()
    try:
        restored = await early[0].ask("/start")
    finally:
        await fake_api.release_pollers()
        await bot.stop()
    assert "partway through setup" in restored.text, "the early user's intake came back"


async def test_restore_refuses_what_is_no_database_of_this_version(tmp_path: Path) -> None:
    env = coach_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}")
    (tmp_path / "notes.txt").write_text("not a database " * 100)
    code, _, err = await run_coach("restore", "notes.txt", env=env, cwd=tmp_path)
    assert code == 2 and "not a SQLite database" in err and "nothing was restored" in err
    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES ('0999')")
    code, _, err = await run_coach("restore", "other.db", env=env, cwd=tmp_path)
    assert code == 2 and "schema 0999" in err
    code, _, err = await run_coach("restore", "missing.db", env=env, cwd=tmp_path)
    assert code == 2 and "does not exist" in err
    with sqlite3.connect(tmp_path / "hollow.db") as conn:  # a revision, and no data at all
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute(f"INSERT INTO alembic_version VALUES ('{LATEST}')")
    code, _, err = await run_coach("restore", "hollow.db", env=env, cwd=tmp_path)
    assert code == 2 and "no users table" in err and "nothing was restored" in err, err
    assert not (tmp_path / "coach.db").exists(), "nothing was touched"


async def test_restore_keeps_the_database_it_replaces(tmp_path: Path) -> None:
    """Restoring the wrong backup is undone by restoring the copy kept of what was there."""
    database = tmp_path / "coach.db"
    env = coach_env(DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    assert (await run_coach("migrate", env=env, cwd=tmp_path))[0] == 0
    assert (await run_coach("backup", "empty.db", env=env, cwd=tmp_path))[0] == 0
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO users (id, language) VALUES (43, 'en')")
    code, out, err = await run_coach("restore", "empty.db", env=env, cwd=tmp_path)
    assert code == 0, err
    assert _users(database) == set()
    [kept] = tmp_path.glob("coach.db.pre-restore-*")  # noqa: ASYNC240
    assert f"kept the database as it was in {kept}" in out
    assert _users(kept) == {43}
    # At once, within the same second: the copy kept now must not overwrite `kept`.
    code, _, err = await run_coach("restore", kept.name, env=env, cwd=tmp_path)
    assert code == 0, err
    assert _users(database) == {43}
    assert _users(kept) == {43}


async def test_backup_on_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    env = coach_env(DATABASE_URL="postgresql+asyncpg://coach@127.0.0.1:5432/coach")
    code, _, err = await run_coach("backup", "b.db", env=env, cwd=tmp_path)
    assert code == 2 and "pg_dump" in err and err.count("\n") == 1


# ---- several instances on a new PostgreSQL database ----


@pytest.mark.slow
@pytest.mark.skipif(not POSTGRES_URL, reason="needs COACH_TEST_POSTGRES_URL")
async def test_two_instances_start_together_on_an_empty_postgres_database(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    """The migration lock, proven: both start, one migrates, both answer."""
    url = await asyncio.to_thread(create_postgres_database, POSTGRES_URL, "coach_empty")
    instances = [Instance(fake_api, url, tmp_path) for _ in range(2)]
    try:
        await asyncio.gather(*(instance.start() for instance in instances))
        for instance in instances:
            status, body = await instance.health()
            assert status == 200 and body["database"] == "ok", body
        fake_api.webhook_targets = [(i.webhook, SECRET) for i in instances]
        replies = await asyncio.gather(
            *(FakeUser(fake_api, 300 + n, f"U{n}", "en").ask("/start") for n in range(4))
        )
        assert all("I'm Gut Coach" in reply.text for reply in replies)
    finally:
        for instance in instances:
            await instance.stop()
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                versions = (
                    await conn.execute(text("SELECT version_num FROM alembic_version"))
                ).all()
        finally:
            await engine.dispose()
        await asyncio.to_thread(drop_postgres_database, url, POSTGRES_URL)
    assert versions == [(LATEST,)]
    upgrades = [
        sum("Running upgrade" in str(line["message"]) for line in instance.log_lines())
        for instance in instances
    ]
    assert sorted(upgrades) == [0, len(revisions())], "one instance ran every migration"


async def test_backup_never_writes_over_the_database_or_its_journal(tmp_path: Path) -> None:
    database = tmp_path / "coach.db"
    env = coach_env(DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    assert (await run_coach("migrate", env=env, cwd=tmp_path))[0] == 0
    (tmp_path / "sub").mkdir()
    for target in ("sub/../coach.db", "coach.db-wal", "./coach.db-journal"):
        code, _, err = await run_coach("backup", target, "--force", env=env, cwd=tmp_path)
        assert code == 2 and "is the database (or its journal) itself" in err, (target, err)
    assert _revision(database) == LATEST


async def test_backup_and_restore_faults_are_one_line(tmp_path: Path) -> None:
    env = coach_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}")
    (tmp_path / "coach.db").write_bytes(b"not a database at all " * 200)
    code, _, err = await run_coach("backup", "copy.db", env=env, cwd=tmp_path)
    assert code == 2 and err.count("\n") == 1 and "the backup failed" in err, err
    assert not (tmp_path / "copy.db").exists()
    (tmp_path / "coach.db").unlink()
    assert (await run_coach("migrate", env=env, cwd=tmp_path))[0] == 0
    code, _, err = await run_coach("backup", "/proc/copy.db", env=env, cwd=tmp_path)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    # A backup whose name holds URI characters is still that file.
    code, _, err = await run_coach("backup", "bk#1?.db", env=env, cwd=tmp_path)
    assert code == 0, err
    code, out, err = await run_coach("restore", "bk#1?.db", env=env, cwd=tmp_path)
    assert code == 0 and f"schema {LATEST}" in out, err
    assert sorted(p.name for p in tmp_path.glob("bk*")) == ["bk#1?.db"]  # noqa: ASYNC240


def test_a_try_cut_short_by_its_deadline_says_so() -> None:
    """Not "CancelledError", the cancelled wait inside it: what an operator can act on."""
    from coach.startup import TRY_TIMEOUT, reason

    try:
        try:
            raise asyncio.CancelledError
        except asyncio.CancelledError as cancelled:
            raise TimeoutError from cancelled
    except TimeoutError as error:
        assert reason(error) == f"no answer within {TRY_TIMEOUT:.0f} s"
