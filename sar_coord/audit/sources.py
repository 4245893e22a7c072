"""What the audit feature reads from other features: declared here, wired by the composition root.

The audit log sits below every feature (they all append to it), so it may not import them: the
evidence pack and the records check ask for their data through these callables, which
`sar_coord.main.wire_features()` points at the owning features' services (and at the alerts
feature, which `sar_coord` may not import either).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

LoggedRecord = tuple[str, int, dict[str, Any]]
"""(log kind, record id, the record's payload as stored now)."""


@dataclass(frozen=True, slots=True)
class TrackWindow:
    """Positions wanted for an evidence pack: around a point (WGS 84), in a UTC time window."""

    lon: float
    lat: float
    start_at: datetime
    end_at: datetime
    radius_m: float
    limit: int


@dataclass(frozen=True, slots=True)
class AuditSources:
    """The owning features' read functions the audit feature uses."""

    case: Callable[[AsyncSession, int], Awaitable[dict[str, Any]]]
    """The case's facts (id, reference, datum lat/lon, times, RCCs); raises CaseNotFound."""
    timeline: Callable[[AsyncSession, int], Awaitable[list[dict[str, Any]]]]
    """The case's events, oldest first."""
    tracks: Callable[[AsyncSession, TrackWindow], Awaitable[list[dict[str, Any]]]]
    """Vessel positions in the window, by MMSI then time."""
    alerts_and_answers: Callable[[AsyncSession, int, int | None], Awaitable[dict[str, list[Any]]]]
    """{"alerts", "recipients", "answers"} of a case, optionally for one vessel (MMSI)."""
    disembarkations: Callable[[AsyncSession, int], Awaitable[list[dict[str, Any]]]]
    """The case's disembarkations as JSON documents."""
    logged_records: Sequence[Callable[[AsyncSession, int], AsyncIterator[LoggedRecord]]]
    """Each yields every logged record of its feature, read in pages of the given size."""


_wired: list[AuditSources] = []


def wire(sources: AuditSources) -> None:
    """Install the read functions (the composition root calls this once per process)."""
    _wired[:] = [sources]


def sources() -> AuditSources:
    """The installed read functions, or RuntimeError when the composition root did not wire them."""
    if not _wired:
        raise RuntimeError("audit sources are not wired: call sar_coord.main.wire_features()")
    return _wired[0]
