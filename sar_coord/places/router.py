"""Routes: port gazetteer search, port status, designation history, admin designation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status

from sar_coord.auth.deps import ANY_ROLE, require_role
from sar_coord.auth.service import Principal
from sar_coord.core.deps import SessionDep
from sar_coord.core.time import utcnow
from sar_coord.places import service
from sar_coord.places.schemas import (
    DesignationCreate,
    DesignationRead,
    PortRead,
    PortStatus,
)

router = APIRouter(prefix="/api/v1/places", tags=["places"])
Anyone = Annotated[Principal, Depends(require_role(*sorted(ANY_ROLE)))]
Admin = Annotated[Principal, Depends(require_role("admin"))]


@router.get("/ports")
async def search_ports(
    _: Anyone,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=80, description="name or UN/LOCODE part")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[PortRead]:
    """Search the port gazetteer (WGS 84 lat/lon)."""
    return await service.search_ports(session, q=q, country=country, limit=limit, offset=offset)


@router.get("/ports/{locode}")
async def port_status(
    _: Anyone,
    session: SessionDep,
    locode: str,
    at: datetime | None = None,
    as_known: Annotated[
        Literal["then", "now"],
        Query(description="then: sources public by `at`; now: every recorded source"),
    ] = "then",
) -> PortStatus:
    """A port and the designation that applies at `at` (default now, UTC)."""
    port = await service.get_port(session, locode)
    when = at or utcnow()
    snap = await service.registry_snapshot(
        session, at=when, known_at=when if as_known == "then" else None
    )
    d = snap.status_of(port.country, port.locode)
    row = None
    if d is not None:
        rows = await service.list_designations(session, country=port.country)
        row = next(r for r in rows if r.id == d.id)
    return PortStatus(
        port=port,
        at=when,
        status=d.status.value if d else "unassessed",
        designation=DesignationRead.model_validate(row) if row else None,
    )


@router.get("/designations")
async def designation_history(
    _: Anyone,
    session: SessionDep,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    locode: Annotated[str | None, Query(pattern=r"^[A-Za-z2-9]{5}$")] = None,
) -> list[DesignationRead]:
    """Every designation version (never edited), oldest first; filter by country or port."""
    rows = await service.list_designations(session, country=country, locode=locode)
    return [DesignationRead.model_validate(r) for r in rows]


@router.post("/designations", status_code=status.HTTP_201_CREATED)
async def designate(
    principal: Admin, session: SessionDep, body: DesignationCreate
) -> DesignationRead:
    """Add a designation version (admin); it is appended to the transparency log."""
    row = await service.designate(
        session,
        data=body,
        set_by=f"{principal.username} ({principal.organisation or 'no organisation'})",
        set_by_user_id=principal.user_id,
    )
    return DesignationRead.model_validate(row)
