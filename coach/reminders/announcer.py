"""An admin's announcement (/announce), sent to every active user off the update path.

It goes through the broadcast Bot and the same BroadcastLimiter as the reminders, so the two
together keep Telegram's pace (BROADCAST_RATE overall, one message a second per chat), and a
user's replies never wait for it. One announcement at a time per process. It is not stored:
a stop cancels what is left, and the admin is told how many went out and how many did not
(sending it again would reach everyone again, and the report says so).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from coach.reminders.limiter import BroadcastLimiter

log = logging.getLogger(__name__)

SENDERS = 16  # requests in flight at once (the limiter sets the pace)
TRIES = 4  # a 429 or a network error is retried this many times in all


@dataclass
class Report:
    """How an announcement went."""

    total: int
    sent: int = 0
    failed: int = 0  # refused by Telegram, timed out (it may have arrived), or never sent
    blocked: list[int] = field(default_factory=list)  # users who blocked the bot
    stopped: bool = False  # the bot stopped before the end

    @property
    def left(self) -> int:
        return self.total - self.sent - self.failed - len(self.blocked)


class Announcer:
    def __init__(self, bot: Bot, limiter: BroadcastLimiter, paid: bool) -> None:
        self._bot = bot
        self._limiter = limiter
        self._paid = paid
        self._task: asyncio.Task[None] | None = None
        self._closed = False  # stopping: nothing new starts
        self.on_error: Callable[[str], None] = lambda where: None  # /metrics' error count

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(
        self,
        messages: Sequence[tuple[int, str]],
        done: Callable[[Report], Awaitable[None]],
    ) -> bool:
        """Send (chat id, HTML text) pairs in the background, then call `done` with the
        report (also when a stop cut it short). False if one is already on its way."""
        if self.busy or self._closed:
            return False
        self._task = asyncio.create_task(self._run(list(messages), done), name="announcement")
        return True

    async def stop(self) -> None:
        """Cancel what is left (nothing new starts after this); `done` still gets the
        report. A cancel of this call itself (a stop out of time) still cancels it."""
        self._closed = True
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task})

    async def _run(
        self, messages: list[tuple[int, str]], done: Callable[[Report], Awaitable[None]]
    ) -> None:
        report = Report(total=len(messages))
        queue = iter(messages)

        async def sender() -> None:
            for chat_id, text in queue:  # one shared iterator: each message is taken once
                try:
                    outcome = await self._send(chat_id, text)
                except Exception:  # anything Telegram or the limiter did not foresee
                    log.exception("announcement: a message could not be sent")
                    self.on_error("announcement")
                    outcome = "failed"
                if outcome == "sent":
                    report.sent += 1
                elif outcome == "blocked":
                    report.blocked.append(chat_id)
                else:
                    report.failed += 1

        try:
            await asyncio.gather(*(sender() for _ in range(min(SENDERS, len(messages)))))
        except asyncio.CancelledError:
            report.stopped = True
        finally:
            log.info(
                "announcement: %d sent, %d blocked, %d failed, %d not sent",
                report.sent,
                len(report.blocked),
                report.failed,
                report.left,
            )
        try:
            await done(report)
        except Exception:  # the report could not be sent: the log line above has it
            log.warning("the announcement's report could not be delivered", exc_info=True)

    async def _send(self, chat_id: int, text: str) -> str:
        """ "sent", "blocked" or "failed"."""
        for attempt in range(TRIES):
            await self._limiter.wait(chat_id)
            try:
                await self._bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    allow_paid_broadcast=self._paid or None,
                )
                return "sent"
            except RetryAfter as error:
                wait = error.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                self._limiter.pause(seconds)
                await asyncio.sleep(seconds)
            except Forbidden:
                return "blocked"
            except BadRequest as error:
                return "blocked" if "chat not found" in error.message.lower() else "failed"
            except TimedOut:
                return "failed"  # it may have arrived: never sent twice
            except NetworkError:
                await asyncio.sleep(2**attempt)
        return "failed"
