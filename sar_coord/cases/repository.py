"""Case queries: cases with their datum as lon/lat, timelines, active beacon cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from geoalchemy2 import Geometry
from geoalchemy2.elements import WKTElement
from sqlalchemy import cast, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.cases.models import CaseEvent, DistressCase

ACTIVE_STATUSES = ("open", "alerting", "assisting")
"""Statuses in which a case still needs ships; one such case per beacon MMSI at most."""

_GEOM = cast(DistressCase.datum, Geometry)


def point(lon: float, lat: float) -> WKTElement:
    """A WGS 84 point for a geography column (longitude first)."""
    return WKTElement(f"POINT({lon!r} {lat!r})", srid=4326)


async def get_with_position(
    session: AsyncSession, case_id: int, *, for_update: bool = False
) -> tuple[DistressCase, float, float] | None:
    """(case, lon, lat) or None."""
    stmt = select(DistressCase, func.ST_X(_GEOM), func.ST_Y(_GEOM)).where(
        DistressCase.id == case_id
    )
    if for_update:
        stmt = stmt.with_for_update(of=DistressCase)
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    return row[0], float(row[1]), float(row[2])


async def departure_country(session: AsyncSession, case_id: int) -> tuple[str | None] | None:
    """(departure country,) of the case, or None when there is no such case."""
    row = (
        await session.execute(
            select(DistressCase.departure_country).where(DistressCase.id == case_id)
        )
    ).first()
    return None if row is None else (row[0],)


async def list_with_position(
    session: AsyncSession, *, statuses: Sequence[str] | None, limit: int
) -> list[tuple[DistressCase, float, float]]:
    """Cases, newest first, optionally filtered by status."""
    stmt = select(DistressCase, func.ST_X(_GEOM), func.ST_Y(_GEOM)).order_by(
        DistressCase.created_at.desc(), DistressCase.id.desc()
    )
    if statuses:
        stmt = stmt.where(DistressCase.status.in_(list(statuses)))
    rows = (await session.execute(stmt.limit(limit))).all()
    return [(r[0], float(r[1]), float(r[2])) for r in rows]


async def active_case_for_mmsi(session: AsyncSession, mmsi: int) -> DistressCase | None:
    """The active case opened for a beacon MMSI, if any."""
    return await session.scalar(
        select(DistressCase).where(
            DistressCase.source_mmsi == mmsi, DistressCase.status.in_(ACTIVE_STATUSES)
        )
    )


async def events(session: AsyncSession, case_id: int) -> list[CaseEvent]:
    """A case's timeline, oldest first."""
    rows = await session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    )
    return list(rows)


async def latest_event(session: AsyncSession, case_id: int, kind: str) -> CaseEvent | None:
    """The newest event of one kind (e.g. the current on-scene coordinator designation)."""
    return await session.scalar(
        select(CaseEvent)
        .where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )


async def count_events(session: AsyncSession, case_id: int, kind: str) -> int:
    """How many events of one kind a case has (SITREP numbering)."""
    value: Any = await session.scalar(
        select(func.count()).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
    )
    return int(value or 0)


async def statuses(session: AsyncSession, case_ids: Sequence[int]) -> dict[int, str]:
    """Case id -> status for the given ids (unknown ids left out)."""
    if not case_ids:
        return {}
    rows = await session.execute(
        select(DistressCase.id, DistressCase.status).where(DistressCase.id.in_(list(case_ids)))
    )
    return {int(r[0]): str(r[1]) for r in rows}


_EVENT_ROW = text("SELECT id, case_id, at, actor, kind, data FROM case_event WHERE id = :id")


async def event_row(session: AsyncSession, event_id: int) -> Mapping[str, Any] | None:
    """One timeline event (id, case_id, at, actor, kind, data) as a mapping, or None."""
    row = (await session.execute(_EVENT_ROW, {"id": event_id})).first()
    return None if row is None else dict(row._mapping)
