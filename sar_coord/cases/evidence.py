"""A case's facts and timeline as JSON-ready rows, for the audit feature's evidence pack."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.cases.exceptions import CaseNotFound

_CASE_SQL = text(
    "SELECT id, reference, status, source, datum_at, closed_at,"
    " ST_Y(datum::geometry) AS lat, ST_X(datum::geometry) AS lon,"
    " persons_on_board, departure_country, first_rcc, first_rcc_informed_at,"
    " responsible_rcc, responsible_rcc_accepted_at, created_at"
    " FROM distress_case WHERE id = :id"
)
_TIMELINE_SQL = text(
    "SELECT id, at, actor, kind, data FROM case_event WHERE case_id = :id ORDER BY at, id"
)


async def case_facts(session: AsyncSession, case_id: int) -> dict[str, Any]:
    """The case's identity, status, datum (WGS 84 lat/lon), UTC times and RCCs; or CaseNotFound."""
    row = (await session.execute(_CASE_SQL, {"id": case_id})).mappings().first()
    if row is None:
        raise CaseNotFound(f"no case {case_id}")
    return dict(row)


async def case_timeline(session: AsyncSession, case_id: int) -> list[dict[str, Any]]:
    """The case's events, oldest first."""
    rows = await session.execute(_TIMELINE_SQL, {"id": case_id})
    return [dict(r) for r in rows.mappings().all()]
