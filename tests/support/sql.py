"""The SQL a piece of code runs, as the database receives it (any engine in this process)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every statement run inside the block, in order."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def reads_of(table: str, seen: list[str]) -> list[str]:
    """The SELECTs among `seen` that read `table` (as FROM or JOIN)."""
    pattern = re.compile(rf"\b(FROM|JOIN)\s+{table}\b", re.IGNORECASE)
    return [s for s in seen if s.lstrip().upper().startswith("SELECT") and pattern.search(s)]
