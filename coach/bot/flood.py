"""Flood control: one person's burst of updates is cut short, politely, before it reaches
the database, so nobody else's replies wait behind it.

Per process and in memory, on purpose: it protects this process's queue, costs no query,
and forgets everything after a quiet minute. (With several instances each applies it.)
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

FORGET_AFTER = 60.0


class FloodGate:
    """A sliding window per user: admit(user) says whether an update goes on, and whether
    this is the first one turned away in the current burst (the one to explain)."""

    def __init__(
        self, max_updates: int, window: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._max = max_updates
        self._window = window
        self._monotonic = monotonic
        self._seen: dict[int, deque[float]] = {}
        self._told: set[int] = set()
        self._swept_at = 0.0

    def admit(self, user_id: int) -> tuple[bool, bool]:
        """(let it through, tell the user to slow down)."""
        now = self._monotonic()
        if now - self._swept_at > FORGET_AFTER:
            self._sweep(now)
        seen = self._seen.setdefault(user_id, deque())
        while seen and now - seen[0] > self._window:
            seen.popleft()
        if len(seen) < self._max:
            seen.append(now)
            self._told.discard(user_id)
            return True, False
        first = user_id not in self._told
        self._told.add(user_id)
        return False, first

    def _sweep(self, now: float) -> None:
        self._swept_at = now
        for user_id in [u for u, s in self._seen.items() if not s or now - s[-1] > FORGET_AFTER]:
            del self._seen[user_id]
            self._told.discard(user_id)
