"""Updates handled concurrently across users and in order for each user.

python-telegram-bot hands every update to an update processor (the builder's
concurrent_updates()); this one gives each user (each chat key) a lane. Updates of one lane
run one at a time, in update_id order; lanes run side by side, at most `running` handlers
at once. A user waiting for their own earlier update holds no slot, so one user's backlog
never stalls anyone else.

Across instances (PostgreSQL), an update also waits while an earlier one of its chat is
unhandled on another instance (coach/services/inbox.py): one user's updates stay in order
even when a load balancer spreads them.

Work a handler starts off the update path (a chart, a PDF: `follow_up`) does not hold the
lane, but the update counts as handled only once that work is done too: a stop that cuts
it short leaves the update to be handled again.
"""

from __future__ import annotations

import asyncio
import bisect
import contextvars
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# How many updates may wait in the processor at once (python-telegram-bot's own bound).
QUEUED = 100_000
# An update waiting for another instance to handle an earlier one of its chat looks again
# after this long, then less and less often.
ELSEWHERE_POLL = (0.02, 0.5)

_FOLLOW_UPS: contextvars.ContextVar[list[asyncio.Task[Any]] | None] = contextvars.ContextVar(
    "coach_follow_ups", default=None
)


def lane_key(update: Update) -> int:
    """Whose update it is: the user's id, else the chat's; -update_id for neither (a lane
    of its own)."""
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return -update.update_id


def follow_up(work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Run `work` off the update path (the user's next update need not wait for it); the
    update being handled counts as handled once it is done."""
    task = asyncio.ensure_future(work)
    pending = _FOLLOW_UPS.get()
    if pending is not None:
        pending.append(task)
    return task


class Lanes(BaseUpdateProcessor):
    """One lane per user; `expect` an update when it arrives, so its place is kept even
    while python-telegram-bot's queue is still handing it over."""

    def __init__(
        self,
        running: int,
        on_handled: Callable[[Update], Awaitable[None]],
        waits_elsewhere: Callable[[int, int], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(QUEUED)
        self._running = asyncio.Semaphore(running)
        self._on_handled = on_handled
        self._waits_elsewhere = waits_elsewhere
        self._lanes: dict[int, list[int]] = {}
        self._wake: dict[int, asyncio.Event] = {}
        self._busy = 0  # handlers and their follow-ups not yet done
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False

    def expect(self, update: Update) -> None:
        """Keep the update's place in its lane (by update_id), from the moment it arrives."""
        lane = self._lanes.setdefault(lane_key(update), [])
        if update.update_id not in lane:
            bisect.insort(lane, update.update_id)

    @property
    def waiting(self) -> int:
        """Updates expected and not yet done (running or waiting for their turn)."""
        return sum(len(lane) for lane in self._lanes.values())

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):  # not a Telegram update: nothing to order
            await coroutine
            return
        key, update_id = lane_key(update), update.update_id
        self.expect(update)
        try:
            turn = await self._turn(key, update_id)
        except asyncio.CancelledError:
            _close(coroutine)
            self._leave(key, update_id)
            raise
        if not turn:
            _close(coroutine)  # stopping: left unhandled in the inbox for whoever is next
            return
        self._busy += 1
        self._idle.clear()
        try:
            follow_ups: list[asyncio.Task[Any]] = []
            token = _FOLLOW_UPS.set(follow_ups)
            try:
                async with self._running:
                    await coroutine  # a handler's errors go to the error handler in there
            finally:
                _FOLLOW_UPS.reset(token)
                self._leave(key, update_id)  # the user's next update may start
            if follow_ups:
                await asyncio.gather(*follow_ups, return_exceptions=True)
            if all(not t.cancelled() for t in follow_ups):
                await self._on_handled(update)
        except Exception:  # the update stays unhandled, and is handled again later
            log.exception("update %s failed outside its handlers", update_id)
        finally:
            self._done()

    async def _turn(self, key: int, update_id: int) -> bool:
        """Wait until this update is the oldest of its lane, and no earlier one of its chat
        is unhandled elsewhere; False if the processor stops first."""
        pause = ELSEWHERE_POLL[0]
        while not self._stopping:
            lane = self._lanes[key]
            if lane[0] == update_id:
                if self._waits_elsewhere is None or not await self._waits_elsewhere(key, update_id):
                    return True
                await asyncio.sleep(pause)
                pause = min(pause * 2, ELSEWHERE_POLL[1])
                continue
            wake = self._wake.setdefault(update_id, asyncio.Event())
            await wake.wait()
            wake.clear()
        self._leave(key, update_id)
        return False

    def _leave(self, key: int, update_id: int) -> None:
        lane = self._lanes.get(key)
        self._wake.pop(update_id, None)
        if lane is None or update_id not in lane:
            return
        lane.remove(update_id)
        if not lane:
            del self._lanes[key]
        elif (wake := self._wake.get(lane[0])) is not None:
            wake.set()

    def _done(self) -> None:
        self._busy -= 1
        if self._busy == 0:
            self._idle.set()

    def stop(self) -> None:
        """No update starts from now on; those waiting for their turn give it up (they stay
        unhandled, for the next instance or the next start)."""
        self._stopping = True
        for wake in self._wake.values():
            wake.set()

    async def drain(self) -> None:
        """Wait for the handlers running now, and their follow-ups, to finish."""
        await self._idle.wait()

    async def initialize(self) -> None:
        """Updates may start (again, after a stop)."""
        self._stopping = False

    async def shutdown(self) -> None:
        """Nothing to free."""


def _close(coroutine: Awaitable[Any]) -> None:
    """A handler that will not run: close its coroutine (no "never awaited" warning)."""
    if isinstance(coroutine, Coroutine):
        coroutine.close()
