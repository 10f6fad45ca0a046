"""Running the bot until SIGTERM or SIGINT, then stopping without losing anything.

Start: the Application (its update fetcher and the JobQueue), then the ingress, which first
takes over what a previous run left unhandled in the inbox, then the source of updates
(long polling or the webhook).

Stop, all well within the 10 s a container runtime grants between SIGTERM and SIGKILL:
1. the dispatcher: requests already handed to the Bot API finish and are recorded; queued
   reminders end unsent, their claims released for another instance;
2. the source: no update is acknowledged from now on (the webhook stops listening, the
   poller confirms only what it stored);
3. the lanes: updates waiting for their turn give it up, and those running get until
   STOP_DEADLINE to finish;
4. the ingress: whatever is still unhandled is handed back in the inbox, for another
   instance at once or this bot's next start. An acknowledged update is never lost.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

from coach.bot.context import RUNTIME_KEY, CoachApplication, Runtime

log = logging.getLogger(__name__)

# Seconds the stop may spend on updates in flight, leaving time for the rest within the
# 10 s between SIGTERM and SIGKILL.
STOP_DEADLINE = 7
STOP_GRACE = 1


class UpdateSource(Protocol):
    """Long polling or the webhook server (coach/bot/ingress.py)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


async def serve(application: CoachApplication, source: UpdateSource) -> None:
    """Start, take updates until a stop signal, then stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await start(application, source)
        await stop.wait()
        log.info("stopping: finishing updates in flight, releasing unsent reminders")
    finally:
        await finish(application, source)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    log.info("stopped")


async def start(application: CoachApplication, source: UpdateSource) -> None:
    """Initialize and start the Application, the ingress and the source of updates."""
    await application.initialize()
    _runtime(application).dispatcher.start()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    await _runtime(application).ingress.start()
    await source.start()


async def finish(application: CoachApplication, source: UpdateSource | None) -> None:
    """The graceful stop (see the module docstring); safe after a failed start."""
    runtime = _runtime(application)
    runtime.dispatcher.stop()
    try:
        if source is not None:
            await source.stop()
        runtime.lanes.stop()
        try:
            async with asyncio.timeout(STOP_DEADLINE):
                await runtime.lanes.drain()
        except TimeoutError:
            log.warning("updates still running after %d s: left for the next start", STOP_DEADLINE)
        await runtime.ingress.stop()
        if application.running:
            try:
                # Nothing is left to wait for but handlers past the deadline: PTB's stop
                # would wait for them, so it gets a moment, then the shutdown goes on.
                async with asyncio.timeout(STOP_GRACE):
                    await application.stop()
            except TimeoutError:
                log.warning("handlers still running at the stop: their updates come again")
    finally:
        try:
            await application.shutdown()
        finally:
            if application.post_shutdown is not None:
                await application.post_shutdown(application)  # releases unsent claims


def _runtime(application: CoachApplication) -> Runtime:
    return application.bot_data[RUNTIME_KEY]
