"""Running the bot until SIGTERM or SIGINT, then stopping gracefully.

PTB's run_polling and run_webhook stop the JobQueue only after waiting for its running jobs,
and a dispatch round may have thousands of claimed reminders queued behind the broadcast
limiter. Here the stop comes first to the dispatcher: requests already handed to the Bot API
finish, queued ones end unsent; updates in flight are handled to the end; then unsent claims
are released for another instance to send at once. All well within the 10 s a container
runtime grants between SIGTERM and SIGKILL.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from coach.bot.context import RUNTIME_KEY, CoachApplication

log = logging.getLogger(__name__)

StartUpdates = Callable[[CoachApplication], Awaitable[object]]
# Seconds the stop may spend on updates in flight, leaving time for the release within the
# 10 s between SIGTERM and SIGKILL.
STOP_DEADLINE = 7


async def serve(application: CoachApplication, start_updates: StartUpdates) -> None:
    """Initialize, take updates (polling or webhook) until a stop signal, then stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await start_updates(application)
        await application.start()
        await stop.wait()
        log.info("stopping: finishing updates in flight, releasing unsent reminders")
        application.bot_data[RUNTIME_KEY].dispatcher.stop()
        try:
            async with asyncio.timeout(STOP_DEADLINE):
                if application.updater is not None and application.updater.running:
                    await application.updater.stop()
                if application.running:
                    await application.stop()
        except TimeoutError:
            # Updates still queued are lost (a webhook already answered 200 for them), but
            # the claims below are released in time: better than a SIGKILL mid-way.
            log.warning(
                "updates still queued after %d s: %d dropped",
                STOP_DEADLINE,
                application.update_queue.qsize(),
            )
    finally:
        try:
            await application.shutdown()
        finally:
            if application.post_shutdown is not None:
                await application.post_shutdown(application)  # releases unsent claims
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
    log.info("stopped")
