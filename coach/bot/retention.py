"""The retention policy, run by the bot itself: every hour, users silent for longer than
USER_RETENTION_DAYS are purged (every row about them, as /delete would), in batches;
USER_RETENTION_DAYS=0 turns it off.

Silent means they sent nothing at all: no message, no tap (users.last_seen_at, noted at the
first update of each day by `on_any_update`). A user who blocked the bot can send nothing,
so they are purged once the period has passed since their last word too. Several
instances may purge at once: each user is deleted in a transaction of their own that holds
their row, and a user seen again meanwhile is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes, Job, JobQueue

from coach.bot.context import Clock, CoachContext
from coach.services.account import AccountService

log = logging.getLogger(__name__)

PURGE_EVERY = 3600.0  # seconds
PURGE_BATCH = 500  # users a run purges at most (the rest wait an hour)
JOB = "coach.retention"


async def purge_round(account: AccountService, clock: Clock, days: float) -> int:
    """One run of the policy: how many users it purged."""
    cutoff = clock() - timedelta(days=days)
    purged = await account.purge(await account.silent(cutoff, PURGE_BATCH), cutoff)
    if purged:
        log.info("purged %d users silent for more than %g days (USER_RETENTION_DAYS)", purged, days)
    return purged


def start_purging(
    job_queue: JobQueue,
    account: AccountService,
    clock: Clock,
    days: float,
    on_error: Callable[[str], None] = lambda where: None,
) -> Job | None:
    """The hourly run; none when USER_RETENTION_DAYS is 0 (the policy is off). A failed
    run is logged and counted (on_error("retention"), /metrics)."""
    if not days:
        return None

    async def run(_context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await purge_round(account, clock, days)
        except Exception:  # housekeeping: the next hour tries again
            log.exception("the retention run failed; trying again in an hour")
            on_error("retention")

    return job_queue.run_repeating(run, interval=PURGE_EVERY, first=60, name=JOB)


async def on_any_update(update: Update, context: CoachContext) -> None:
    """Before every other handler (group -1): the user was seen today."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    runtime = context.runtime
    await runtime.services.account.seen(user.id, runtime.clock())
