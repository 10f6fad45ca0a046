"""The broadcast limiter's spacing. Only lower bounds are checked: a slow machine makes gaps
longer, never shorter, so these hold however noisy the machine is."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

from coach.reminders.limiter import BroadcastLimiter

RATE = 200  # 5 ms apart overall
PER_CHAT = 0.05
EPSILON = 1e-3


async def send_all(limiter: BroadcastLimiter, chats: list[int]) -> list[tuple[int, float]]:
    sent: list[tuple[int, float]] = []

    async def one(chat: int) -> None:
        await limiter.wait(chat)
        sent.append((chat, time.monotonic()))

    await asyncio.gather(*(one(c) for c in chats))
    return sent


async def test_overall_rate_and_per_chat_spacing() -> None:
    limiter = BroadcastLimiter(RATE, PER_CHAT)
    began = time.monotonic()
    sent = await send_all(limiter, [1, 1, *range(2, 30), 1])
    # Each send wakes at or after its slot, so the k-th wake-up comes no sooner than the
    # k-th slot. (Gaps between wake-ups prove nothing: one late wake-up shortens the next.)
    times = sorted(t for _, t in sent)
    assert len(times) == 31
    assert all(t - began >= k / RATE - EPSILON for k, t in enumerate(times))
    chat_one = sorted(t for c, t in sent if c == 1)
    assert len(chat_one) == 3
    assert all(t - began >= k * PER_CHAT - EPSILON for k, t in enumerate(chat_one))
    # And pairwise: a late wake-up can shorten one chat's gap, but not by half of it (a
    # limiter that let chat 1's messages go together would show gaps near zero).
    assert all(b - a >= PER_CHAT / 2 for a, b in pairwise(chat_one))


async def test_a_pause_holds_everyone_including_reserved_slots() -> None:
    limiter = BroadcastLimiter(RATE, 0.0)
    began = time.monotonic()
    waiting = [asyncio.create_task(limiter.wait(chat)) for chat in range(10)]
    await asyncio.sleep(0)
    limiter.pause(0.2)
    await asyncio.gather(*waiting)
    assert time.monotonic() - began >= 0.2 - EPSILON


async def test_pacing_off_does_not_pace() -> None:
    limiter = BroadcastLimiter(None, 1.0)
    sent = await send_all(limiter, [1] * 50)
    assert len(sent) == 50
    assert limiter._chat_free_at == {}, "no bookkeeping when pacing is off"


async def test_a_stalled_loop_releases_no_burst_past_the_rate() -> None:
    """The loop blocks for half a second while senders wait for reserved slots: those
    whose slots passed must not all go at once. However late they wake, no window of a
    second holds more than the rate (the fake Bot API server answers 429 above 30/s, and
    Telegram does too): the one 429 of the throttled reminders bench."""
    rate, senders = 200, 300
    limiter = BroadcastLimiter(rate, 0.0)
    sent: list[float] = []

    async def one(chat: int) -> None:
        await limiter.wait(chat)
        sent.append(time.monotonic())

    tasks = [asyncio.create_task(one(chat)) for chat in range(senders)]
    await asyncio.sleep(0.1)
    time.sleep(0.5)  # noqa: ASYNC251 - the stall itself: nothing runs meanwhile
    await asyncio.gather(*tasks)
    sent.sort()
    busiest = max(sum(1 for t in sent[i:] if t < start + 1.0) for i, start in enumerate(sent))
    # Each time is taken just after the limiter's own, and a late one only moves a send
    # later; a couple of sends of slack for that.
    assert busiest <= rate + 2, f"{busiest} sends within one second at {rate}/s"
