"""The `coach` command as a user runs it: a real process, the fake Bot API server over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.fakebot import FakeBotAPI, FakeUser
from tests.support.bot import TEST_TOKEN


def coach_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env["METRICS_PORT"] = "0"
    env.update(extra)
    return env


async def run_coach(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coach", *args,
        env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


async def test_help_describes_the_commands(tmp_path: Path) -> None:
    code, out, _ = await run_coach("--help", env=coach_env(tmp_path), cwd=tmp_path)
    assert code == 0
    assert "run" in out and "migrate" in out


@pytest.mark.parametrize(
    ("token", "expected"),
    [(None, "TELEGRAM_BOT_TOKEN is not set"), ("not-a-token", "does not look like a BotFather")],
)
async def test_run_without_a_valid_token_exits_2_with_one_clear_line(
    tmp_path: Path, token: str | None, expected: str
) -> None:
    env = coach_env(tmp_path, **({"TELEGRAM_BOT_TOKEN": token} if token else {}))
    code, out, err = await run_coach("run", env=env, cwd=tmp_path)
    assert code == 2
    assert err.strip().count("\n") == 0 and expected in err
    assert "Traceback" not in err and out == ""
    if token:
        assert token not in err


async def test_malformed_setting_exits_2_without_traceback(tmp_path: Path) -> None:
    env = coach_env(tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN, DEFAULT_LANGUAGE="fr")
    code, _, err = await run_coach("run", env=env, cwd=tmp_path)
    assert code == 2
    assert "DEFAULT_LANGUAGE" in err and "Traceback" not in err


async def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    env = coach_env(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    code, _, err = await run_coach("migrate", env=env, cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "m.db").stat().st_size > 0


@pytest.mark.slow
async def test_run_answers_start_in_both_languages_and_never_logs_the_token(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    env = coach_env(
        tmp_path,
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
    assert "not medical advice" in english.text
    assert "의학적 조언이 아니에요" in korean.text
    assert (tmp_path / "coach.db").exists(), "the first run creates the SQLite schema itself"
    assert TEST_TOKEN not in err.decode()
    assert TEST_TOKEN.split(":")[1] not in err.decode()
