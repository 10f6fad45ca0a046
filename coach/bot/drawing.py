"""Charts and PDFs, drawn off the update path, in a process of their own.

matplotlib and fpdf are CPU work that holds the GIL, much of it inside C code that never
lets go: in a thread of the bot's process, a PDF held up the event loop, and so every other
user's replies, for as long as it took. So they are drawn in one worker process (spawned,
not forked: the bot's process has threads), started by the first drawing and started again
if it dies. Its arguments and result cross as pickles: frozen views and a Translator (which
pickles as its language and is rebuilt from the catalog there), bytes back.

A drawing runs as a follow-up of the update that asked for it (coach/bot/lanes.py): the
user's next update need not wait either, and the update counts as handled once its drawing
is sent. One drawing per user at a time: asking again meanwhile gets a short note instead
of a second one in line.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from coach.bot.lanes import follow_up

T = TypeVar("T")

PARENT_POLL_SECONDS = 1.0

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _drawing_pool(broken: ProcessPoolExecutor | None = None) -> ProcessPoolExecutor:
    """The worker process's pool: made by the first drawing, and made again (once per
    failure) when the worker died."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool is broken:
            if broken is not None:
                broken.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_follow_parent,
                initargs=(os.getpid(),),
            )
        return _pool


def _follow_parent(parent: int) -> None:
    """In the worker: exit once the bot's process is gone (a SIGKILL leaves no one to shut
    the pool down, and the worker would idle on forever)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="coach-follow-parent", daemon=True).start()


def shutdown() -> None:
    """At the process's exit: the worker is stopped, a drawing in progress abandoned (the
    exit would otherwise wait for it, past a container's grace period)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


async def draw(render: Callable[..., T], *args: object) -> T:
    """Run a renderer (a module-level function) in the drawing process. If that process
    died (killed, out of memory), a new one is started and the drawing tried once more."""
    loop = asyncio.get_running_loop()
    call = functools.partial(render, *args)
    pool = _drawing_pool()
    try:
        return await loop.run_in_executor(pool, call)
    except BrokenProcessPool:
        return await loop.run_in_executor(_drawing_pool(broken=pool), call)


class Drawings:
    """Who has a drawing on its way."""

    def __init__(self) -> None:
        self._busy: set[int] = set()

    def start(
        self,
        user_id: int,
        work: Coroutine[Any, Any, None],
        report: Callable[[Exception], Awaitable[object]],
    ) -> bool:
        """Draw and send off the update path; False (and nothing started) while this user
        already has one on its way. A failure goes to `report` (the error handler)."""
        if user_id in self._busy:
            work.close()
            return False
        self._busy.add(user_id)

        async def run() -> None:
            try:
                await work
            except Exception as error:
                await report(error)
            finally:
                self._busy.discard(user_id)

        follow_up(run())
        return True
