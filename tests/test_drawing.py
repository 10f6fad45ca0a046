"""The drawing process (coach/bot/drawing.py): charts and PDFs are drawn outside the bot's
process, so they never hold its event loop, and a worker that dies is replaced."""

from __future__ import annotations

import asyncio
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

from coach.bot import drawing
from coach.bot.drawing import draw
from coach.i18n import Catalog


async def test_drawings_run_in_another_process_which_is_replaced_when_it_dies() -> None:
    worker = await draw(os.getpid)
    assert worker != os.getpid(), "drawn in the bot's own process"
    assert await draw(os.getpid) == worker, "one worker, kept between drawings"
    os.kill(worker, signal.SIGKILL)
    replacement = await draw(os.getpid)  # the pool is broken: started again, tried once more
    assert replacement not in (worker, os.getpid())
    assert await draw(pow, 2, 10) == 1024


def test_a_translator_crosses_to_the_drawing_process_as_its_language() -> None:
    for language in ("en", "ko"):
        t = Catalog().translator(language)
        copy = pickle.loads(pickle.dumps(t))
        assert copy.language == language
        assert copy("progress-chart-caption") == t("progress-chart-caption")
        assert len(pickle.dumps(t)) < 1000, "the bundles themselves are not pickled"


def _running(pid: int) -> bool:
    """Alive, and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_the_worker_exits_when_the_bot_is_killed() -> None:
    """SIGKILL leaves nobody to shut the pool down: the worker notices its parent is gone."""
    script = (
        "import asyncio, os, signal\n"
        "from coach.bot.drawing import draw\n"
        "async def main():\n"
        "    print(await draw(os.getpid), flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    worker = int(done.stdout.split()[0])
    deadline = time.monotonic() + 20
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(worker), "the drawing worker outlived the killed bot"


async def test_the_worker_stops_at_the_process_exit() -> None:
    """coach run and coach webhook call shutdown() as they exit: the worker goes with them,
    and the next drawing (another run in this process) starts a new one."""
    worker = await draw(os.getpid)
    drawing.shutdown()
    for _ in range(200):
        if not _running(worker):
            break
        await asyncio.sleep(0.1)
    assert not _running(worker), "the drawing worker outlived shutdown()"
    assert await draw(os.getpid) not in (worker, os.getpid())
