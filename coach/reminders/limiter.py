"""Pacing for broadcast traffic (reminders, digests), apart from the users' own replies.

PTB's AIORateLimiter puts every request in one bucket, so a reply to a tap would queue behind
a broadcast. Here only the dispatcher waits; interactive replies never pass through this.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class BroadcastLimiter:
    """At most `rate` messages a second overall and one per `per_chat` seconds to each chat.

    Slots are reserved in advance and spaced exactly, so the rate holds over any window
    instead of bursting at the start of each second. rate=None switches pacing off.
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
        self._next_for_chat: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        """Return when a message to this chat may go out."""
        if not self._interval:
            return
        now = self._monotonic()
        chat_slot = max(now, self._next_for_chat.get(chat_id, 0.0))
        self._next_for_chat[chat_id] = chat_slot + self._per_chat
        if chat_slot > now:
            await asyncio.sleep(chat_slot - now)
            now = self._monotonic()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)
        if len(self._next_for_chat) > 10_000:
            self._forget_idle_chats()

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until retry_after has passed."""
        self._next_slot = max(self._next_slot, self._monotonic() + seconds)

    def _forget_idle_chats(self) -> None:
        now = self._monotonic()
        self._next_for_chat = {c: t for c, t in self._next_for_chat.items() if t > now}
