"""Running the bot until SIGTERM or SIGINT, then stopping without losing anything.

Start: the Application (its update fetcher and the JobQueue), then the ingress, which first
takes over what a previous run left unhandled in the inbox, then the source of updates
(long polling or the webhook).

Stop, all well within the 10 s a container runtime grants between SIGTERM and SIGKILL:
1. the dispatcher: requests already handed to the Bot API finish and are recorded; queued
   reminders end unsent, their claims released for another instance;
2. the source: no update is acknowledged from now on (the webhook stops listening, the
   poller confirms only what it stored);
3. the lanes: updates waiting for their turn give it up, and those running get what is
   left of STOP_BUDGET but a couple of seconds to finish;
4. the ingress: whatever is still unhandled is handed back in the inbox, for another
   instance at once or this bot's next start (but for updates still running: their
   leases run out by themselves). An acknowledged update is never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Iterator
from typing import Protocol

from coach.bot.context import RUNTIME_KEY, CoachApplication, Runtime

log = logging.getLogger(__name__)

# Seconds the whole stop may take: within the 10 s between SIGTERM and SIGKILL, with room
# for the process to exit.
STOP_BUDGET = 8.5


class UpdateSource(Protocol):
    """Long polling or the webhook server (coach/bot/ingress.py)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@contextlib.contextmanager
def stop_signals(stop: asyncio.Event) -> Iterator[None]:
    """Within the block, SIGTERM and SIGINT set `stop` (instead of ending the process)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def serve(application: CoachApplication, source: UpdateSource, stop: asyncio.Event) -> None:
    """Start, take updates until `stop` is set (stop_signals sets it), then stop."""
    try:
        await start(application, source)
        await stop.wait()
        log.info("stopping: finishing updates in flight, releasing unsent reminders")
    finally:
        await finish(application, source)
    log.info("stopped")


async def start(application: CoachApplication, source: UpdateSource) -> None:
    """Initialize and start the Application, the ingress and the source of updates."""
    await application.initialize()
    runtime = _runtime(application)
    runtime.dispatcher.start()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    # What the inbox holds and what waits at Telegram are gathered first, then started:
    # one user's updates start in update_id order, whichever way each came.
    runtime.lanes.hold()
    try:
        await runtime.ingress.start()
        await source.start()
    finally:
        runtime.lanes.release()


async def finish(application: CoachApplication, source: UpdateSource | None) -> None:
    """The graceful stop (see the module docstring), within STOP_BUDGET seconds in all;
    safe after a failed start."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STOP_BUDGET
    runtime = _runtime(application)
    runtime.dispatcher.stop()
    try:
        if source is not None:
            await _within(source.stop(), deadline - loop.time() - 5, "taking updates")
        # No tap can start one now. What an announcement has left is not sent; the admin
        # hears how far it got.
        await _within(runtime.announcer.stop(), 1.0, "the announcement")
        runtime.lanes.stop()
        if not await _within(runtime.lanes.drain(), deadline - loop.time() - 2, "updates"):
            log.warning("updates still running at the stop: they are handled again later")
        try:
            await _within(runtime.ingress.stop(runtime.lanes.busy), 1.5, "the inbox")
        except Exception as error:  # the database is away: the leases run out by themselves
            log.warning("could not hand back unhandled updates (%s)", type(error).__name__)
        if application.running:
            # Nothing is left to wait for but handlers past the deadline: PTB's stop
            # would wait for them, so it gets what time is left, then the shutdown goes on.
            await _within(application.stop(), max(deadline - loop.time(), 0.1), "handlers")
    finally:
        try:
            await application.shutdown()
        finally:
            if application.post_shutdown is not None:
                await application.post_shutdown(application)  # releases unsent claims


async def _within(work: Awaitable[object], seconds: float, what: str) -> bool:
    """Await `work` for at most `seconds` (at least a moment); False if it was cut short."""
    try:
        async with asyncio.timeout(max(seconds, 0.5)):
            await work
    except TimeoutError:
        log.warning("stopping: %s cut short", what)
        return False
    return True


def _runtime(application: CoachApplication) -> Runtime:
    return application.bot_data[RUNTIME_KEY]
