"""Routes: distress cases (/api/v1/cases) and SAR regions (/api/v1/sar-regions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from sar_coord.auth.deps import RCC, RCC_OR_AUDITOR, require_role
from sar_coord.auth.service import Principal
from sar_coord.cases import coordination, regions, repository, service
from sar_coord.cases.schemas import (
    CaseCreate,
    CaseEventRead,
    CaseRead,
    CaseStatus,
    CaseUpdate,
    CoordinationAction,
    CoordinationRead,
    OscDesignation,
    PartnerReport,
    RccChange,
    SarRegionRead,
    SarRegionWrite,
    StatusChange,
)
from sar_coord.core.deps import SessionDep

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
regions_router = APIRouter(prefix="/api/v1/sar-regions", tags=["sar-regions"])
Rcc = Annotated[Principal, Depends(require_role(*RCC))]
Reader = Annotated[Principal, Depends(require_role(*RCC_OR_AUDITOR))]
Admin = Annotated[Principal, Depends(require_role("admin"))]


def _actor(principal: Principal) -> service.Actor:
    return service.Actor(principal.username, principal.user_id, principal.organisation)


async def _read(session: SessionDep, case_id: int) -> CaseRead:
    case, lon, lat = await service.get_case(session, case_id)
    return service.to_read(case, lon, lat)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_case(body: CaseCreate, principal: Rcc, session: SessionDep) -> CaseRead:
    """Open a case from an RCC's entry or a DSC distress alert (lat/lon WGS 84, nm, kn)."""
    case = await service.create_case(session, body=body, actor=_actor(principal))
    return await _read(session, case.id)


@router.post("/partner-report", status_code=status.HTTP_201_CREATED)
async def partner_report(body: PartnerReport, principal: Rcc, session: SessionDep) -> CaseRead:
    """Open a case from a partner's report (hotline, NGO); `reported_by` names the partner."""
    case = await service.report_from_partner(session, body=body, actor=_actor(principal))
    return await _read(session, case.id)


@router.get("")
async def list_cases(
    _: Reader,
    session: SessionDep,
    status_in: Annotated[list[CaseStatus] | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[CaseRead]:
    """Cases, newest first; repeat ?status= to filter."""
    rows = await repository.list_with_position(session, statuses=status_in, limit=limit)
    return [service.to_read(case, lon, lat) for case, lon, lat in rows]


@router.get("/{case_id}")
async def get_case(case_id: int, _: Reader, session: SessionDep) -> CaseRead:
    """One case with its predicted (drifted) datum."""
    return await _read(session, case_id)


@router.patch("/{case_id}")
async def update_case(
    case_id: int, body: CaseUpdate, principal: Rcc, session: SessionDep
) -> CaseRead:
    """Change facts or the datum; the old and new values go to the timeline."""
    await service.update_case(session, case_id=case_id, body=body, actor=_actor(principal))
    return await _read(session, case_id)


@router.post("/{case_id}/status")
async def change_status(
    case_id: int, body: StatusChange, principal: Rcc, session: SessionDep
) -> CaseRead:
    """Move the case along its status machine (409 when the transition is not allowed)."""
    await service.change_status(session, case_id=case_id, body=body, actor=_actor(principal))
    return await _read(session, case_id)


@router.post("/{case_id}/rcc")
async def record_rcc(
    case_id: int, body: RccChange, principal: Rcc, session: SessionDep
) -> CaseRead:
    """Record the first RCC informed or the responsible RCC's acceptance, with times."""
    await service.record_rcc(session, case_id=case_id, body=body, actor=_actor(principal))
    return await _read(session, case_id)


@router.get("/{case_id}/coordination")
async def get_coordination(case_id: int, _: Reader, session: SessionDep) -> CoordinationRead:
    """Who coordinates the case now, the responsible RCC beside it, and the append-only history
    (first RCC informed, requests, acceptances with who and when, refusals, transfers)."""
    case, _lon, _lat = await service.get_case(session, case_id)
    return await _coordination(session, case)


async def _coordination(session: SessionDep, case: Any) -> CoordinationRead:
    read = coordination.to_read(case, await coordination.history(session, case.id))
    osc = await service.on_scene_coordinator(session, case.id)
    return read.model_copy(update={"on_scene_coordinator": osc})


@router.post("/{case_id}/coordination")
async def coordinate(
    case_id: int, body: CoordinationAction, principal: Rcc, session: SessionDep
) -> CoordinationRead:
    """Ask an RCC to take coordination, record its acceptance or refusal, or a transfer
    (409 when the step makes no sense, e.g. accepting what one already coordinates)."""
    case = await service.coordinate(session, case_id=case_id, body=body, actor=_actor(principal))
    return await _coordination(session, case)


@router.post("/{case_id}/osc")
async def designate_osc(
    case_id: int, body: OscDesignation, principal: Rcc, session: SessionDep
) -> CoordinationRead:
    """Designate a ship as on-scene coordinator (recorded in the timeline; the newest counts)."""
    case = await service.designate_osc(session, case_id=case_id, body=body, actor=_actor(principal))
    return await _coordination(session, case)


@router.get("/{case_id}/events")
async def case_events(case_id: int, _: Reader, session: SessionDep) -> list[CaseEventRead]:
    """The case's append-only timeline, oldest first."""
    await service.get_case(session, case_id)
    return [CaseEventRead.model_validate(e) for e in await repository.events(session, case_id)]


@regions_router.get("")
async def list_regions(_: Reader, session: SessionDep) -> list[SarRegionRead]:
    """Every loaded SAR region (GeoJSON, WGS 84) with its RCC's contacts."""
    return await regions.list_regions(session)


@regions_router.put("")
async def put_region(body: SarRegionWrite, _: Admin, session: SessionDep) -> SarRegionRead:
    """Create or replace an RCC's SAR region (validated: closed rings, WGS 84, split at 180)."""
    region = await regions.upsert_region(session, body=body)
    (read,) = [r for r in await regions.list_regions(session) if r.id == region.id]
    return read


@regions_router.delete("/{rcc_name}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_region(rcc_name: str, _: Admin, session: SessionDep) -> None:
    """Remove an RCC's SAR region."""
    await regions.delete_region(session, rcc_name=rcc_name)
