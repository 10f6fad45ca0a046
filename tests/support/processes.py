"""Helpers for tests and benchmarks that run the bot as a real `coach run` or `coach webhook`
process."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

from tests.fakebot import FakeBotAPI
from tests.support.bot import TEST_TOKEN

SECRET = "webhook-secret_for-tests-0123456789"
PUBLIC_URL = "https://bot.example.test"
STARTUP = 60.0


def bot_process_env(api: FakeBotAPI, database_url: str, **settings: str) -> dict[str, str]:
    """This environment, minus any bot settings of the caller's, pointed at the fake server."""
    env = coach_env()
    env.update(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=api.root_url,
        DATABASE_URL=database_url,
        METRICS_PORT="0",  # several processes at once: each test names its own ports
        FLOOD_MAX_UPDATES="1000000",  # the tests' users tap faster than people
    )
    env.update(settings)
    return env


def coach_env(**settings: str) -> dict[str, str]:
    """This environment without any bot settings of the caller's (metrics off), plus these."""
    ours = ("TELEGRAM_", "DATABASE_", "WEBHOOK_", "METRICS_", "LOG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env["METRICS_PORT"] = "0"
    env.update(settings)
    return env


async def run_coach(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """Run `coach ARGS` to its end: the exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coach", *args,
        env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


def free_port() -> int:
    """A TCP port nobody listens on right now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Instance:
    """One bot process (`coach webhook`, or `coach run` for polling) with its own webhook and
    metrics ports; it logs JSON (DEBUG unless `settings` say otherwise) to a file in `cwd`."""

    def __init__(
        self, api: FakeBotAPI, url: str, cwd: Path, command: str = "webhook", **settings: str
    ) -> None:
        self.command = command
        self.webhook_port, self.metrics_port = free_port(), free_port()
        webhook = {
            "WEBHOOK_URL": PUBLIC_URL,
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(self.webhook_port),
        }
        defaults = {
            "METRICS_LISTEN": "127.0.0.1",
            "METRICS_PORT": str(self.metrics_port),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "DEBUG",
            "DISPATCH_INTERVAL_SECONDS": "1",
        }
        if command == "webhook":
            defaults.update(webhook)
        self.env = bot_process_env(api, url, **{**defaults, **settings})
        self.cwd = cwd
        self.process: asyncio.subprocess.Process | None = None
        # A file, not a pipe: a DEBUG log would fill an unread pipe and stall the bot.
        self.log_path = cwd / f"bot-{self.webhook_port}.log"
        self.stderr = b""

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.webhook_port}/telegram"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        """Start the process; return once /healthz says 200 (and the webhook takes posts)."""
        with self.log_path.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "coach", self.command, env=self.env, cwd=self.cwd,
                stdout=asyncio.subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            if self.process.returncode is not None:
                await self.stop()
                raise AssertionError("the bot exited: " + self.stderr.decode()[-2000:])
            try:
                if (await self.health())[0] == 200 and await self._webhook_listens():
                    return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError("the bot did not become healthy")

    async def _webhook_listens(self) -> bool:
        # /healthz may answer before the webhook server listens (both start at startup).
        if self.command != "webhook":
            return True
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.webhook_port)
        except OSError:
            return False
        writer.close()
        await writer.wait_closed()
        return True

    async def health(self) -> tuple[int, dict[str, object]]:
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{self.metrics_port}/healthz") as response,
        ):
            return response.status, await response.json()

    async def metrics(self) -> str:
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{self.metrics_port}/metrics") as response,
        ):
            assert response.status == 200
            return await response.text()

    async def stop(self, sig: int = signal.SIGTERM) -> float:
        """Send the signal; seconds until the process exited."""
        assert self.process is not None
        began = time.monotonic()
        if self.process.returncode is None:
            self.process.send_signal(sig)
        await asyncio.wait_for(self.process.wait(), 30)
        self.stderr = self.log_path.read_bytes()
        return time.monotonic() - began

    def log_lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.stderr.decode().splitlines() if line.strip()]
