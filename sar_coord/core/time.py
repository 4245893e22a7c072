"""The one clock: UTC, time-zone aware; replay mode can follow a feed's timestamps."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """Source of the current UTC time; `follow()` pins it to a replayed feed's time."""

    def __init__(self) -> None:
        self._pinned: datetime | None = None

    def now(self) -> datetime:
        """Current time, UTC, tz-aware."""
        return self._pinned if self._pinned is not None else datetime.now(UTC)

    def follow(self, at: datetime | None) -> None:
        """Pin the clock to a replayed feed's time (None returns to wall time)."""
        if at is not None and at.tzinfo is None:
            raise ValueError("clock times must be tz-aware UTC")
        self._pinned = at


clock = Clock()


def utcnow() -> datetime:
    """Current time from the process clock, UTC."""
    return clock.now()
