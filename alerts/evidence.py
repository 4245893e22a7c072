"""A case's alerts, recipients and ship answers as JSON documents, for the audit evidence pack."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# "(:mmsi IS NULL OR ...)": one vessel's rows, or all rows of the case.
_ALERTS_SQL = text(
    "SELECT to_jsonb(a) FROM alert a WHERE a.case_id = :id AND (CAST(:mmsi AS bigint) IS NULL"
    " OR EXISTS (SELECT 1 FROM alert_recipient r WHERE r.alert_id = a.id"
    " AND r.mmsi = CAST(:mmsi AS bigint))) ORDER BY a.id"
)
_RECIPIENTS_SQL = text(
    "SELECT to_jsonb(r) FROM alert_recipient r JOIN alert a ON a.id = r.alert_id"
    " WHERE a.case_id = :id AND (CAST(:mmsi AS bigint) IS NULL"
    " OR r.mmsi = CAST(:mmsi AS bigint)) ORDER BY r.id"
)
_ANSWERS_SQL = text(
    "SELECT to_jsonb(r) FROM ship_answer r WHERE r.case_id = :id"
    " AND (CAST(:mmsi AS bigint) IS NULL OR r.mmsi = CAST(:mmsi AS bigint)) ORDER BY r.id"
)


async def alerts_and_answers(
    session: AsyncSession, case_id: int, mmsi: int | None = None
) -> dict[str, list[Any]]:
    """Alerts for the case (with recipients) and ship answers, optionally for one vessel only."""
    p = {"id": case_id, "mmsi": mmsi}
    return {
        "alerts": list((await session.scalars(_ALERTS_SQL, p)).all()),
        "recipients": list((await session.scalars(_RECIPIENTS_SQL, p)).all()),
        "answers": list((await session.scalars(_ANSWERS_SQL, p)).all()),
    }
