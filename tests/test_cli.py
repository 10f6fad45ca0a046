"""The `coach` command as an operator runs it: a real process, the fake Bot API over HTTP.

Every fault a person must fix is one line on stderr and exit 2; faults that pass by
themselves are retried, logged, and end well once they pass.
"""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import sys
import tomllib
from pathlib import Path

import pytest

from coach.cli import COMMANDS
from coach.db.migrate import revisions
from tests.fakebot import FakeBotAPI, FakeUser
from tests.support.bot import POSTGRES_URL, TEST_TOKEN
from tests.support.processes import (
    PUBLIC_URL,
    SECRET,
    Instance,
    bot_process_env,
    coach_env,
    run_coach,
)

ROOT = Path(__file__).resolve().parent.parent


def _quick_start_token() -> str:
    """The token the README's quick start runs `coach run` with."""
    found = re.search(
        r"TELEGRAM_BOT_TOKEN=(\S+) \.venv/bin/coach run", (ROOT / "README.md").read_text()
    )
    assert found, "the README's quick start runs coach run with a token"
    return found.group(1)


def _env_example(name: str) -> str:
    for line in (ROOT / "deploy" / ".env.example").read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(name)


def assert_one_line(code: int, err: str, *expected: str) -> None:
    """Exit 2 and one line on stderr, `coach: ...`, holding every expected fragment."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coach: "), err
    for fragment in expected:
        assert fragment in lines[0], (fragment, lines[0])


async def test_help_says_what_each_command_does_needs_and_an_example(tmp_path: Path) -> None:
    code, out, _ = await run_coach("--help", env=coach_env(), cwd=tmp_path)
    assert code == 0
    for name in COMMANDS:
        assert name in out
        code, out_sub, _ = await run_coach(name, "--help", env=coach_env(), cwd=tmp_path)
        assert code == 0
        assert COMMANDS[name][1].split(":")[0][:40] in " ".join(out_sub.split())
        assert re.search(rf"example:\n  .*coach {name}\b", out_sub), out_sub


async def test_version_is_the_package_version_and_in_the_changelog(tmp_path: Path) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    code, out, _ = await run_coach("--version", env=coach_env(), cwd=tmp_path)
    assert code == 0 and out.strip() == f"coach {version}"
    headings = [
        line for line in (ROOT / "CHANGELOG.md").read_text().splitlines() if line[:3] == "## "
    ]
    assert headings[0].startswith(f"## {version} "), "the newest entry is this version"
    assert headings[0].endswith(f"schema {revisions()[0]}"), "and names the schema it needs"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, ["TELEGRAM_BOT_TOKEN is not set", "@BotFather"]),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, ["TELEGRAM_BOT_TOKEN is not a bot token"]),
        ({"TELEGRAM_BOT_TOKEN": _quick_start_token()}, ["placeholder", "@BotFather"]),
        ({"TELEGRAM_BOT_TOKEN": _env_example("TELEGRAM_BOT_TOKEN")}, ["placeholder"]),
        ({"DEFAULT_LANGUAGE": "fr"}, ["DEFAULT_LANGUAGE"]),
        ({"DATABASE_URL": "postgres://coach:pw@db/coach"}, ["DATABASE_URL", "asyncpg"]),
        ({"DATABASE_URL": "sqlite:///coach.db"}, ["DATABASE_URL", "aiosqlite"]),
        ({"DATABASE_URL": "::garbled::"}, ["DATABASE_URL", "not a database URL"]),
        ({"DATABASE_URL": "mysql+aiomysql://a@b/c"}, ["DATABASE_URL", "mysql"]),
        ({"LOG_LEVEL": "INFOO"}, ["LOG_LEVEL", "DEBUG, INFO"]),
        ({"DATABASE_URL": "sqlite+aiosqlite:///no/such/folder/c.db"}, ["no/such/folder"]),
        ({"DATABASE_URL": "sqlite+aiosqlite:///a-file/c.db"}, ["a-file", "not a folder"]),
        # A folder nobody may create files in, root included: /proc.
        ({"DATABASE_URL": "sqlite+aiosqlite:////proc/coach.db"}, ["cannot write in /proc"]),
    ],
)
async def test_a_wrong_setting_is_one_line_and_exit_2(
    tmp_path: Path, settings: dict[str, str], expected: list[str]
) -> None:
    (tmp_path / "a-file").write_text("")
    env = coach_env(**{"TELEGRAM_BOT_TOKEN": TEST_TOKEN, **settings})
    if not settings:
        env.pop("TELEGRAM_BOT_TOKEN")  # the case of no token at all
    code, out, err = await run_coach("run", env=env, cwd=tmp_path)
    assert_one_line(code, err, *expected)
    assert out == ""
    assert "pw" not in err and TEST_TOKEN not in err
    assert not (tmp_path / "coach.db").exists(), "settings are checked before anything is made"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"WEBHOOK_URL": ""}, ["WEBHOOK_URL is not set"]),
        ({"WEBHOOK_URL": "ftp://bot.example.com"}, ["WEBHOOK_URL", "https"]),
        ({"WEBHOOK_URL": "https://"}, ["WEBHOOK_URL", "host"]),
        ({"WEBHOOK_SECRET": ""}, ["WEBHOOK_SECRET is not set", "openssl rand"]),
        ({"WEBHOOK_SECRET": "short"}, ["WEBHOOK_SECRET", "16-256"]),
        ({"WEBHOOK_SECRET": _env_example("WEBHOOK_SECRET")}, ["WEBHOOK_SECRET", "placeholder"]),
    ],
)
async def test_a_wrong_webhook_setting_is_one_line_and_exit_2(
    tmp_path: Path, settings: dict[str, str], expected: list[str]
) -> None:
    webhook = {"WEBHOOK_URL": PUBLIC_URL, "WEBHOOK_SECRET": SECRET}
    env = coach_env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, **{**webhook, **settings})
    code, _, err = await run_coach("webhook", env=env, cwd=tmp_path)
    assert_one_line(code, err, *expected)
    if settings.get("WEBHOOK_SECRET"):
        assert settings["WEBHOOK_SECRET"] not in err


@pytest.mark.skipif(not POSTGRES_URL, reason="needs COACH_TEST_POSTGRES_URL")
async def test_a_postgres_database_that_does_not_exist_is_one_line_and_exit_2(
    tmp_path: Path,
) -> None:
    missing = POSTGRES_URL.rsplit("/", 1)[0] + "/no_such_database"
    env = coach_env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, DATABASE_URL=missing)
    code, _, err = await run_coach("run", env=env, cwd=tmp_path)
    assert_one_line(code, err, "DATABASE_URL", 'database "no_such_database" does not exist')


async def test_a_token_telegram_rejects_is_one_line_and_exit_2(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    revoked = "123456789:revoked-token-000000000000000000"
    env = bot_process_env(fake_api, f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    env["TELEGRAM_BOT_TOKEN"] = revoked
    code, _, err = await run_coach("run", env=env, cwd=tmp_path)
    assert code == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("coach: Telegram rejected TELEGRAM_BOT_TOKEN"), err
    assert "Traceback" not in err and revoked.split(":")[1] not in err
    assert _tables(tmp_path / "c.db") == set(), "no migration before Telegram accepts the token"


async def test_a_busy_webhook_port_is_one_line_and_exit_2(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = bot_process_env(
            fake_api,
            f"sqlite+aiosqlite:///{tmp_path / 'c.db'}",
            WEBHOOK_URL=PUBLIC_URL,
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(port),
        )
        code, _, err = await run_coach("webhook", env=env, cwd=tmp_path)
    assert_one_line(code, err, f"WEBHOOK_PORT: cannot listen on 127.0.0.1:{port}")
    assert _tables(tmp_path / "c.db") == set(), "told before the database is touched"


async def test_a_schema_newer_than_this_version_is_refused_and_left_alone(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    import sqlite3

    database = tmp_path / "c.db"
    env = bot_process_env(fake_api, f"sqlite+aiosqlite:///{database}")
    assert (await run_coach("migrate", env=env, cwd=tmp_path))[0] == 0
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")
    code, _, err = await run_coach("run", env=env, cwd=tmp_path)
    assert code == 2, err
    assert "revision 0999, newer than this version" in err.strip().splitlines()[-1]
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0999",)


async def test_a_schema_upgrade_that_fails_is_one_line_and_exit_2(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    """A database that says 0003 but holds none of its tables (a bad restore, say): the
    upgrade fails; no restart would fix it, so no restart loop (exit 1) and no traceback."""
    import sqlite3

    database = tmp_path / "c.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0003')")
    env = bot_process_env(fake_api, f"sqlite+aiosqlite:///{database}")
    code, _, err = await run_coach("run", env=env, cwd=tmp_path)
    assert code == 2, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("coach: the schema upgrade from 0003 to "), err
    assert "failed (OperationalError: no such table" in last


async def test_telegram_unreachable_at_the_start_is_retried_until_it_answers(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    door = await fake_api.behind_door()
    await door.refuse()
    bot = Instance(fake_api, f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", tmp_path, "run")
    with bot.log_path.open("wb") as log:
        bot.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "coach", "run", env=bot.env, cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    try:
        await _until(lambda: _count(bot, "the Bot API at") >= 2, bot)
        await door.open()
        reply = await FakeUser(fake_api, 42, "Lisa", "en").ask("/start")
        assert "I'm Gut Coach" in reply.text
    finally:
        await fake_api.release_pollers()
        await bot.stop(signal.SIGTERM)
    assert bot.process.returncode == 0
    retries = [line for line in bot.log_lines() if "trying again" in str(line["message"])]
    assert len(retries) >= 2 and all(line["level"] == "WARNING" for line in retries)
    assert "Traceback" not in bot.stderr.decode()


async def test_a_stop_while_waiting_for_the_database_exits_at_once_and_cleanly(
    tmp_path: Path,
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens there once this closes
    env = coach_env(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test",
        LOG_FORMAT="json",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coach", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    first = await asyncio.wait_for(process.stderr.readline(), 30)
    assert b"the database (PostgreSQL 127.0.0.1:" in first and b"trying again" in first
    process.send_signal(signal.SIGTERM)
    rest = await asyncio.wait_for(process.stderr.read(), 10)
    assert await process.wait() == 0
    assert b"Traceback" not in rest


async def test_a_busy_metrics_port_never_takes_the_bot_down(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = bot_process_env(
            fake_api,
            f"sqlite+aiosqlite:///{tmp_path / 'c.db'}",
            METRICS_LISTEN="127.0.0.1",
            METRICS_PORT=str(taken.getsockname()[1]),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "coach", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stderr is not None
        reading = asyncio.create_task(process.stderr.read())
        try:
            reply = await FakeUser(fake_api, 42, "Lisa", "en").ask("/start")
        finally:
            await fake_api.release_pollers()
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
    err = (await reading).decode()
    assert "I'm Gut Coach" in reply.text
    assert process.returncode == 0
    assert "/healthz and /metrics are off: cannot listen on 127.0.0.1:" in err
    assert "Traceback" not in err


def test_the_default_metrics_port_is_not_a_common_service_port() -> None:
    from coach.config import Settings

    # Prometheus (9090), its exporters (9100-9999), Grafana, Alertmanager, PostgreSQL,
    # Redis, the webhook's own default.
    common = {3000, 5432, 6379, 8080, 9090, 9093, 9091, *range(9100, 10000)}
    assert Settings.model_fields["metrics_port"].default not in common


async def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    env = coach_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    code, out, err = await run_coach("migrate", env=env, cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "m.db").stat().st_size > 0
    assert "schema at" in out


@pytest.mark.slow
async def test_run_answers_start_in_both_languages_and_never_logs_the_token(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    env = coach_env(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=fake_api.root_url,
        LOG_LEVEL="DEBUG",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coach", "run",
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    # Read as it comes: a DEBUG log fills a pipe's buffer, and a bot blocked writing its log
    # answers nobody.
    reading = asyncio.create_task(process.stderr.read())
    try:
        english = await FakeUser(fake_api, 42, "Lisa", "en").ask("/start")
        korean = await FakeUser(fake_api, 43, "민지", "ko").ask("/start")
    finally:
        await fake_api.release_pollers()
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)
        err = await reading
    assert "I'm Gut Coach" in english.text
    assert "저는 Gut Coach예요" in korean.text
    assert (tmp_path / "coach.db").exists(), "the first run creates the SQLite schema itself"
    assert TEST_TOKEN not in err.decode()
    assert TEST_TOKEN.split(":")[1] not in err.decode()
    assert re.search(r"Gut Coach \d+\.\d+\.\d+\S* starting as @\w+ \(long polling", err.decode())


async def test_an_idle_bot_logs_one_line_per_meaningful_event(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    """At INFO: no scheduler line per round (a round a second here), no migration set-up."""
    bot = Instance(
        fake_api,
        f"sqlite+aiosqlite:///{tmp_path / 'c.db'}",
        tmp_path,
        "run",
        LOG_LEVEL="INFO",
        DISPATCH_INTERVAL_SECONDS="1",
    )
    await bot.start()
    await asyncio.sleep(3)  # three safety-net rounds
    await fake_api.release_pollers()
    await bot.stop()
    messages = [(line["logger"], line["message"]) for line in bot.log_lines()]
    loggers = {logger for logger, _ in messages}
    assert loggers <= {"coach", "coach.bot.health", "coach.bot.runner", "telegram.ext.Application"}
    assert len(messages) <= 10, messages
    assert ("coach", f"the schema is at {revisions()[0]}") in messages


def _tables(database: Path) -> set[str]:
    import sqlite3

    if not database.exists():
        return set()
    with sqlite3.connect(database) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}


def _count(bot: Instance, fragment: str) -> int:
    text = bot.log_path.read_text(errors="replace")
    return text.count(fragment)


async def _until(condition, bot: Instance, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert bot.process is not None and bot.process.returncode is None, bot.log_path.read_text()
        assert loop.time() < deadline, bot.log_path.read_text()
        await asyncio.sleep(0.1)
