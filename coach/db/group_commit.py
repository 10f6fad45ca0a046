"""Group commit: callers submit items and wait; items that arrive together share one
transaction (the reminder dispatcher's sends and records)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from typing import Generic, TypeVar

T = TypeVar("T")
# A group commit waits this long for company: fewer, larger transactions.
GATHER_SECONDS = 0.01


class GroupCommit(Generic[T]):
    """Callers submit items and wait; items that arrive together share one transaction.

    One commit per message would cap throughput at the database's commit rate; this keeps
    per-message ordering (each caller resumes only after its item is durable).
    """

    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[Collection[T] | None]],
        gather: float = GATHER_SECONDS,
    ) -> None:
        self._flush = flush
        self._gather = gather
        self._pending: list[tuple[T, asyncio.Future[bool]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> bool:
        """Wait until the item is stored; False if the flush declined it."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            await asyncio.sleep(self._gather)  # let items arriving meanwhile join the batch
            batch, self._pending = self._pending, []
            try:
                accepted = await self._flush([item for item, _ in batch])
            except Exception as error:  # each waiter learns its item was not stored
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
            else:
                for item, future in batch:
                    if not future.done():
                        future.set_result(accepted is None or item in accepted)

    async def wait(self) -> None:
        """Until everything submitted so far is flushed (or failed)."""
        while self._task is not None and not self._task.done():
            await asyncio.gather(self._task, return_exceptions=True)
