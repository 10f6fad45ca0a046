"""Charts and PDFs, drawn off the update path.

matplotlib draws in one worker thread (its font cache is not made for concurrent drawing),
so the event loop, and every other user's replies, never wait for it. A drawing runs as a
follow-up of the update that asked for it (coach/bot/lanes.py): the user's next update need
not wait either, and the update counts as handled once its drawing is sent. One drawing per
user at a time: asking again meanwhile gets a short note instead of a second one in line.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from coach.bot.lanes import follow_up

T = TypeVar("T")

_DRAWING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-chart")


async def draw(render: Callable[..., T], *args: object) -> T:
    """Run a renderer in the drawing thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_DRAWING, functools.partial(render, *args))


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
