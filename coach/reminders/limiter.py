"""Pacing for broadcast traffic (reminders, digests), apart from the users' own replies.

PTB's AIORateLimiter puts every request in one bucket, so a reply to a tap would queue behind
a broadcast. Here only the dispatcher waits; interactive replies never pass through this.
The rate is per process: with N instances on one bot token, set BROADCAST_RATE to 25/N.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import defaultdict, deque
from collections.abc import Callable

WINDOW = 1.0  # Telegram counts broadcasts per second


class BroadcastLimiter:
    """At most `rate` messages a second overall and one per `per_chat` seconds to each chat.

    Global slots are reserved in advance and spaced exactly, so the rate holds over any
    window instead of bursting at the start of each second. A stall of the event loop (a
    busy process, a slow machine) would wake every sender whose slot passed meanwhile at
    once, so the sends of the last WINDOW are counted too: never more than `rate` of them.
    A chat's next slot is set from the moment its message actually goes out. rate=None
    switches pacing off.
    """

    def __init__(
        self,
        rate: float | None,
        per_chat: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._per_chat = per_chat if rate else 0.0
        self._monotonic = monotonic
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._pauses = 0  # bumped by pause(): slots reserved before it are void
        self._chat_free_at: dict[int, float] = {}
        self._chat_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._per_window = max(1, math.floor(rate * WINDOW)) if rate else 0
        self._recent: deque[float] = deque()  # when the sends of the last WINDOW went

    async def wait(self, chat_id: int) -> None:
        """Return when a message to this chat may go out."""
        if not self._interval:
            return
        lock = self._chat_locks[chat_id]
        async with lock:  # one message per chat at a time in here, in arrival order
            free_at = self._chat_free_at.get(chat_id, 0.0)
            if (delay := free_at - self._monotonic()) > 0:
                await asyncio.sleep(delay)
            await self._global_slot()
            self._chat_free_at[chat_id] = self._monotonic() + self._per_chat
        if not lock.locked() and len(self._chat_locks) > 10_000:
            self._forget_idle_chats()

    async def _global_slot(self) -> None:
        while True:
            pauses = self._pauses
            now = self._monotonic()
            slot = max(now, self._next_slot, self._paused_until)
            self._next_slot = slot + self._interval
            if slot > now:
                await asyncio.sleep(slot - now)
            if pauses == self._pauses:  # no 429 came in while we waited: our slot stands
                await self._within_window()
                return

    async def _within_window(self) -> None:
        """Wait while `rate` messages went out within the last WINDOW; then count this one."""
        while True:
            now = self._monotonic()
            while self._recent and self._recent[0] <= now - WINDOW:
                self._recent.popleft()
            if len(self._recent) < self._per_window:
                self._recent.append(now)
                return
            await asyncio.sleep(self._recent[0] + WINDOW - now)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until retry_after has passed; then pace again."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)
        self._next_slot = self._paused_until
        self._pauses += 1

    def _forget_idle_chats(self) -> None:
        now = self._monotonic()
        for chat in [c for c, t in self._chat_free_at.items() if t <= now]:
            lock = self._chat_locks.get(chat)
            if lock is None or not lock.locked():
                self._chat_free_at.pop(chat, None)
                self._chat_locks.pop(chat, None)
