"""Port gazetteer queries and versioned place-of-safety designations (each logged)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit.service import append_entry
from sar_coord.places.exceptions import PortNotFound
from sar_coord.places.models import PlaceDesignation, PlaceOfSafety
from sar_coord.places.registry import Designation, DesignationStatus, RegistrySnapshot
from sar_coord.places.schemas import DesignationCreate, PortRead


def _port_query() -> Select[Any]:
    geom = PlaceOfSafety.location.cast(Geometry)
    return select(
        PlaceOfSafety.locode,
        PlaceOfSafety.name,
        PlaceOfSafety.country,
        PlaceOfSafety.country_name,
        PlaceOfSafety.other_names,
        func.ST_Y(geom).label("lat"),
        func.ST_X(geom).label("lon"),
    )


async def search_ports(
    session: AsyncSession,
    *,
    q: str | None = None,
    country: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[PortRead]:
    """Return ports whose name or UN/LOCODE matches `q` (case-insensitive), by LOCODE."""
    stmt = _port_query().order_by(PlaceOfSafety.locode).limit(limit).offset(offset)
    if country:
        stmt = stmt.where(PlaceOfSafety.country == country.upper())
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            or_(
                PlaceOfSafety.name.ilike(like),
                PlaceOfSafety.locode.ilike(like),
                func.array_to_string(PlaceOfSafety.other_names, " ").ilike(like),
            )
        )
    rows = (await session.execute(stmt)).mappings().all()
    return [PortRead.model_validate(dict(r)) for r in rows]


async def get_port(session: AsyncSession, locode: str) -> PortRead:
    """Return one port or raise PortNotFound."""
    row = (
        (await session.execute(_port_query().where(PlaceOfSafety.locode == locode.upper())))
        .mappings()
        .first()
    )
    if row is None:
        raise PortNotFound(f"no port {locode!r} in the gazetteer")
    return PortRead.model_validate(dict(row))


async def list_designations(
    session: AsyncSession, *, country: str | None = None, locode: str | None = None
) -> list[PlaceDesignation]:
    """Return the designation history (all versions), oldest first."""
    stmt = select(PlaceDesignation).order_by(PlaceDesignation.id)
    if country:
        stmt = stmt.where(PlaceDesignation.country == country.upper())
    if locode:
        stmt = stmt.where(
            or_(
                PlaceDesignation.locode == locode.upper(),
                (PlaceDesignation.locode.is_(None))
                & (PlaceDesignation.country == locode.upper()[:2]),
            )
        )
    return list((await session.scalars(stmt)).all())


async def logged_records(
    session: AsyncSession, batch: int = 1000
) -> AsyncIterator[tuple[str, int, dict[str, Any]]]:
    """Every designation as ("designation", id, payload as stored now), for the records check."""
    del batch  # the designation history is small: one read
    for d in await list_designations(session):
        yield "designation", d.id, to_rule_designation(d).canonical() | {"set_by": d.set_by}


def to_rule_designation(d: PlaceDesignation) -> Designation:
    """Convert a row to the rules' immutable value."""
    return Designation(
        id=d.id,
        country=d.country,
        locode=d.locode,
        status=DesignationStatus(d.status),
        legal_basis=d.legal_basis,
        citation=d.citation,
        effective_from=d.effective_from,
        effective_until=d.effective_until,
        set_at=d.set_at,
        issuing_body=d.issuing_body,
        citation_title=d.citation_title,
        citation_date=d.citation_date,
        citation_reference=d.citation_reference,
        citation_url=d.citation_url,
    )


async def registry_snapshot(
    session: AsyncSession, *, at: datetime, known_at: datetime | None = None
) -> RegistrySnapshot:
    """Return the registry for instant `at` (UTC): every recorded version, or with `known_at`
    only those whose source was public by then ("as known then")."""
    rows = await list_designations(session)
    return RegistrySnapshot(at, tuple(to_rule_designation(d) for d in rows), known_at)


async def designate(
    session: AsyncSession,
    *,
    data: DesignationCreate,
    set_by: str,
    set_by_user_id: int | None,
) -> PlaceDesignation:
    """Store a new designation version and append it to the transparency log."""
    if data.locode is not None:
        await get_port(session, data.locode)
    row = PlaceDesignation(
        country=data.country,
        locode=data.locode,
        status=data.status,
        legal_basis=data.legal_basis,
        citation=data.full_citation(),
        issuing_body=data.issuing_body,
        citation_title=data.citation_title,
        citation_date=data.citation_date,
        citation_reference=data.citation_reference,
        citation_url=data.citation_url,
        effective_from=data.effective_from,
        effective_until=data.effective_until,
        set_by=set_by,
        set_by_user_id=set_by_user_id,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row, ["set_at"])
    await append_entry(
        session,
        kind="designation",
        payload=to_rule_designation(row).canonical() | {"set_by": set_by},
        record_id=row.id,
        port_locode=data.locode,
    )
    return row


def _same_source(row: PlaceDesignation, data: DesignationCreate) -> bool:
    return (
        row.country == data.country
        and row.locode == data.locode
        and row.status == data.status
        and row.citation_title == data.citation_title
        and row.citation_date == data.citation_date
        and row.effective_from == data.effective_from
        and row.effective_until == data.effective_until
    )


async def import_designations(
    session: AsyncSession, *, designations: list[DesignationCreate], set_by: str
) -> tuple[list[PlaceDesignation], int]:
    """Store each designation not already recorded (same place, status, source and period);
    return (stored rows, duplicates skipped). Each stored one is logged like `designate`."""
    existing = await list_designations(session)
    stored: list[PlaceDesignation] = []
    skipped = 0
    for data in designations:
        if any(_same_source(r, data) for r in [*existing, *stored]):
            skipped += 1
            continue
        stored.append(await designate(session, data=data, set_by=set_by, set_by_user_id=None))
    return stored, skipped
