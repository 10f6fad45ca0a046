"""The service tests' user: enrolled on the default answers at ENROLLED_AT."""

from __future__ import annotations

import pytest

from tests.support.seeding import ENROLLED_AT, seed_enrolled_user

USER = 10_001


@pytest.fixture
async def user(sessionmaker) -> int:  # type: ignore[no-untyped-def]
    """The id of a user who has just finished the default intake (Berlin, every habit)."""
    await seed_enrolled_user(sessionmaker, USER, ENROLLED_AT)
    return USER
