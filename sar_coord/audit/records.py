"""Check that stored designations, disembarkations and evaluations still match their log entries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit.models import TransparencyLogEntry
from sar_coord.audit.sources import sources

CHECKED_KINDS = ("designation", "disembarkation", "compliance_evaluation")


def _normal(value: Any) -> Any:
    """A comparable form: ISO 8601 times with an offset become UTC instants."""
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and "T" in value:
        try:
            at = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return at.astimezone(UTC) if at.tzinfo is not None else value
    return value


def _diff(what: str, stored: dict[str, Any], logged: dict[str, Any]) -> list[str]:
    # Times are compared as instants: 12:00+02:00 logged is 10:00Z stored.
    keys = sorted(k for k in stored if _normal(stored[k]) != _normal(logged.get(k)))
    return [
        f"{what}: stored {k} {stored[k]!r} differs from the logged {logged.get(k)!r}" for k in keys
    ]


async def check_records(session: AsyncSession, *, batch: int = 1000) -> list[str]:
    """Return mismatches between record tables and the transparency log (empty: all match).

    The log is the signed source of truth; this finds rows changed behind the append-only
    triggers (by a superuser) and records that were never logged.
    """
    logged: dict[tuple[str, int], dict[str, Any]] = {}
    rows = await session.execute(
        select(
            TransparencyLogEntry.kind, TransparencyLogEntry.record_id, TransparencyLogEntry.entry
        ).where(TransparencyLogEntry.kind.in_(CHECKED_KINDS))
    )
    for kind, record_id, raw in rows.all():
        if record_id is not None:
            logged[(kind, int(record_id))] = json.loads(bytes(raw))["payload"]

    problems: list[str] = []
    for records in sources().logged_records:
        async for kind, record_id, stored in records(session, batch):
            what = f"{kind.replace('_', ' ')} #{record_id}"
            payload = logged.get((kind, record_id))
            if payload is None:
                problems.append(f"{what} is not in the transparency log")
                continue
            problems += _diff(what, stored, payload)
    return problems
