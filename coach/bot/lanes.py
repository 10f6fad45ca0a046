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
        self._lanes: dict[int, list[int]] = {}  # each lane's updates not yet done, by id
        self._active: dict[int, int] = {}  # the update each lane is running now
        self._wake: dict[int, asyncio.Event] = {}
        self._busy: set[int] = set()  # updates running, or their follow-ups
        self._idle = asyncio.Event()
        self._idle.set()
        self._go = asyncio.Event()  # cleared while the start gathers what is waiting
        self._go.set()
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

    @property
    def busy(self) -> frozenset[int]:
        """The updates running now, or whose follow-ups are."""
        return frozenset(self._busy)

    def hold(self) -> None:
        """No update starts until `release`: a start gathers what the inbox and Telegram
        hold first, so that one user's updates start in update_id order."""
        self._go.clear()

    def release(self) -> None:
        self._go.set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):  # not a Telegram update: nothing to order
            await coroutine
            return
        key, update_id = lane_key(update), update.update_id
        self.expect(update)
        try:
            turn = await self._turn(key, update_id)
        except BaseException:
            _close(coroutine)
            self._leave(key, update_id)
            raise
        if not turn:
            _close(coroutine)  # stopping: left unhandled in the inbox for whoever is next
            return
        self._busy.add(update_id)
        self._idle.clear()
        started = False
        try:
            follow_ups: list[asyncio.Task[Any]] = []
            token = _FOLLOW_UPS.set(follow_ups)
            try:
                async with self._running:
                    if not self._stopping:  # a stop while it waited for a slot: it waits on
                        started = True
                        await coroutine  # a handler's errors go to the error handler
            finally:
                _FOLLOW_UPS.reset(token)
                if not started:
                    _close(coroutine)
                self._leave(key, update_id)  # the user's next update may start
            if started:
                if follow_ups:
                    await asyncio.gather(*follow_ups, return_exceptions=True)
                if all(not t.cancelled() for t in follow_ups):
                    await self._on_handled(update)
        except Exception:  # the update stays unhandled, and is handled again later
            log.exception("update %s failed outside its handlers", update_id)
        finally:
            self._done(update_id)

    async def _turn(self, key: int, update_id: int) -> bool:
        """Wait until this update is the oldest of its lane and no other of the lane runs,
        and no earlier one of its chat is unhandled elsewhere; False if stopping first."""
        pause = ELSEWHERE_POLL[0]
        while True:
            await self._go.wait()
            if self._stopping:
                break
            lane = self._lanes[key]
            if lane[0] == update_id and key not in self._active:
                if await self._clear_elsewhere(key, update_id):
                    if lane[0] == update_id and key not in self._active and not self._stopping:
                        self._active[key] = update_id
                        return True
                    continue  # an earlier one came meanwhile: it goes first
                await asyncio.sleep(pause)
                pause = min(pause * 2, ELSEWHERE_POLL[1])
                continue
            wake = self._wake.setdefault(update_id, asyncio.Event())
            await wake.wait()
            wake.clear()
        self._leave(key, update_id)
        return False

    async def _clear_elsewhere(self, key: int, update_id: int) -> bool:
        """No earlier update of this chat unhandled on another instance (or no way to
        know right now: the database is away; then look again shortly)."""
        if self._waits_elsewhere is None:
            return True
        try:
            return not await self._waits_elsewhere(key, update_id)
        except Exception as error:
            log.warning("could not check for earlier updates (%s)", type(error).__name__)
            return False

    def _leave(self, key: int, update_id: int) -> None:
        lane = self._lanes.get(key)
        self._wake.pop(update_id, None)
        if self._active.get(key) == update_id:
            del self._active[key]
        if lane is None or update_id not in lane:
            return
        lane.remove(update_id)
        if not lane:
            del self._lanes[key]
        elif (wake := self._wake.get(lane[0])) is not None:
            wake.set()

    def _done(self, update_id: int) -> None:
        self._busy.discard(update_id)
        if not self._busy:
            self._idle.set()

    def stop(self) -> None:
        """No update starts from now on; those waiting for their turn, or for a slot, give
        it up (they stay unhandled, for the next instance or the next start)."""
        self._stopping = True
        self._go.set()
        for wake in self._wake.values():
            wake.set()

    async def drain(self) -> None:
        """Wait for the handlers running now, and their follow-ups, to finish."""
        await self._idle.wait()

    async def initialize(self) -> None:
        """Updates may start (again, after a stop): lanes begin empty."""
        self._stopping = False
        self._lanes.clear()
        self._active.clear()
        self._wake.clear()

    async def shutdown(self) -> None:
        """Nothing to free."""


def _close(coroutine: Awaitable[Any]) -> None:
    """A handler that will not run: close its coroutine (no "never awaited" warning)."""
    if isinstance(coroutine, Coroutine):
        coroutine.close()
