"""Waking the dispatcher with PTB's JobQueue: at the next due time, and every 30 s at least.

Two jobs in all, whatever the number of users: the database is the schedule.
"""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes, Job, JobQueue

from coach.bot.context import Clock
from coach.reminders.dispatcher import Dispatcher

log = logging.getLogger(__name__)

SAFETY_NET = "coach.dispatch.every"
NEXT_DUE = "coach.dispatch.next"
_JOB_OPTIONS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


def start_dispatching(
    job_queue: JobQueue, dispatcher: Dispatcher, clock: Clock, interval: float
) -> Job:
    """Run a round now and every `interval` seconds; each round books the next due time."""

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            if await dispatcher.run_round() is None:
                return  # a round is running; it books the next wake-up when it ends
            next_due = await dispatcher.store.next_due()
        except Exception:  # the heartbeat must survive a bad round (e.g. the database restarting)
            log.exception("dispatch round failed; retrying on the next wake")
            dispatcher.on_error("dispatch")
            return
        if next_due is None:
            return
        delay = (next_due - clock()).total_seconds()
        if delay < interval:
            for job in job_queue.get_jobs_by_name(NEXT_DUE):
                job.schedule_removal()
            job_queue.run_once(tick, when=max(delay, 0.05), name=NEXT_DUE, job_kwargs=_JOB_OPTIONS)

    return job_queue.run_repeating(
        tick, interval=interval, first=0.1, name=SAFETY_NET, job_kwargs=_JOB_OPTIONS
    )
