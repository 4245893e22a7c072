"""Read queries over the transparency log and checkpoints (auditor filters, export rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit.export import LogRow
from sar_coord.audit.models import LogCheckpoint, TransparencyLogEntry


@dataclass(frozen=True)
class EntryFilter:
    """Auditor filters; all optional, combined with AND; times UTC."""

    case_id: int | None = None
    mmsi: int | None = None
    port_locode: str | None = None
    outcome: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(f: EntryFilter) -> Select[TransparencyLogEntry]:
    q = select(TransparencyLogEntry).order_by(TransparencyLogEntry.leaf_index)
    if f.case_id is not None:
        q = q.where(TransparencyLogEntry.case_id == f.case_id)
    if f.mmsi is not None:
        q = q.where(TransparencyLogEntry.vessel_mmsis.contains([f.mmsi]))
    if f.port_locode:
        q = q.where(TransparencyLogEntry.port_locode == f.port_locode.upper())
    if f.outcome:
        q = q.where(TransparencyLogEntry.outcome == f.outcome)
    if f.kind:
        q = q.where(TransparencyLogEntry.kind == f.kind)
    if f.since is not None:
        q = q.where(TransparencyLogEntry.logged_at >= f.since)
    if f.until is not None:
        q = q.where(TransparencyLogEntry.logged_at < f.until)
    return q


async def list_entries(
    session: AsyncSession, f: EntryFilter, *, limit: int | None = 100, offset: int = 0
) -> list[TransparencyLogEntry]:
    """Return matching entries in leaf order."""
    q = _filtered(f).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return list((await session.scalars(q)).all())


async def all_rows(session: AsyncSession) -> list[LogRow]:
    """Return every entry as export rows, in leaf order."""
    rows = await session.scalars(
        select(TransparencyLogEntry).order_by(TransparencyLogEntry.leaf_index)
    )
    return [
        LogRow(
            r.leaf_index,
            r.kind,
            bytes(r.entry),
            bytes(r.leaf_hash),
            r.logged_at,
            {
                "record_id": r.record_id,
                "case_id": r.case_id,
                "vessel_mmsis": sorted(r.vessel_mmsis),
                "port_locode": r.port_locode,
                "outcome": r.outcome,
            },
        )
        for r in rows.all()
    ]


async def checkpoint_notes(session: AsyncSession) -> list[str]:
    """Return every signed checkpoint note, smallest tree first."""
    q = select(LogCheckpoint.note).order_by(LogCheckpoint.tree_size)
    return list((await session.scalars(q)).all())
