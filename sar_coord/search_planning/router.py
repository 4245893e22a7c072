"""Routes: search plans of a case (/api/v1/cases/{case_id}/search-plans), RTZ and GPX files."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, status
from fastapi.responses import Response

from sar_coord.auth.deps import RCC, RCC_OR_AUDITOR, require_role
from sar_coord.auth.service import Principal
from sar_coord.cases import service as case_service
from sar_coord.core.deps import SessionDep
from sar_coord.search_planning import service, silent_ships
from sar_coord.search_planning.exceptions import SearchPlanNotFound
from sar_coord.search_planning.schemas import AisGapRead, SearchPlanCreate, SearchPlanRead

router = APIRouter(prefix="/api/v1/cases/{case_id}/search-plans", tags=["search-planning"])
gaps_router = APIRouter(prefix="/api/v1/cases/{case_id}/ais-gaps", tags=["search-planning"])
Rcc = Annotated[Principal, Depends(require_role(*RCC))]
Reader = Annotated[Principal, Depends(require_role(*RCC_OR_AUDITOR))]
ReaderOrMaster = Annotated[Principal, Depends(require_role(*RCC_OR_AUDITOR, "ship_master"))]
CaseId = Annotated[int, Path(ge=1, le=2**63 - 1)]
PlanNo = Annotated[int, Path(ge=1, le=100_000)]
MEDIA = {"rtz": "application/xml", "gpx": "application/gpx+xml"}


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_plan(
    case_id: CaseId, body: SearchPlanCreate, principal: Rcc, session: SessionDep
) -> SearchPlanRead:
    """Compute and store a search plan from the case's drift datum (RCC)."""
    row = await service.create_plan(session, case_id=case_id, body=body, actor=principal.username)
    return SearchPlanRead.model_validate(row)


@router.get("")
async def list_plans(case_id: CaseId, _: Reader, session: SessionDep) -> list[SearchPlanRead]:
    """Every plan of a case, oldest first (RCC, auditor)."""
    return [SearchPlanRead.model_validate(r) for r in await service.list_plans(session, case_id)]


@router.get("/{plan_no}")
async def get_plan(
    case_id: CaseId, plan_no: PlanNo, _: Reader, session: SessionDep
) -> SearchPlanRead:
    """One plan with the coverage achieved so far from the assigned ships' AIS tracks."""
    row = await service.get_plan(session, case_id, plan_no)
    read = SearchPlanRead.model_validate(row)
    read.progress = await service.plan_progress(session, row)
    return read


@router.get(
    "/{plan_no}/sub-areas/{index}.{kind}",
    response_class=Response,
    responses={200: {"content": {m: {} for m in MEDIA.values()}}},
)
async def route_file(
    case_id: CaseId,
    plan_no: PlanNo,
    index: Annotated[int, Path(ge=1, le=12)],
    kind: Literal["rtz", "gpx"],
    principal: ReaderOrMaster,
    session: SessionDep,
) -> Response:
    """A sub-area's pattern as an IEC 61174 RTZ route (ECDIS) or a GPX 1.1 route (plotters);
    a ship master gets only the sub-areas assigned to a vessel they act for."""
    case, _lon, _lat = await case_service.get_case(session, case_id)
    row = await service.get_plan(session, case_id, plan_no)
    assigned = service.sub_area(row, index).get("mmsi")
    if principal.role == "ship_master" and (
        assigned is None or not principal.may_act_for(assigned)
    ):
        raise SearchPlanNotFound(f"search plan {plan_no} has no sub-area {index} for your vessel")
    text = service.route_file(row, case.reference, index, kind)
    filename = f"{case.reference}-plan{plan_no}-area{index}.{kind}"
    return Response(
        text,
        media_type=MEDIA[kind],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@gaps_router.get("")
async def ais_gaps(
    case_id: CaseId,
    _: Reader,
    session: SessionDep,
    radius_nm: Annotated[float, Query(gt=0, le=500)] = 50.0,
    min_gap_min: Annotated[float, Query(gt=0, le=24 * 60)] = 30.0,
    hours_before: Annotated[float, Query(ge=0, le=72)] = 6.0,
    hours_after: Annotated[float, Query(ge=0, le=72)] = 6.0,
    rate_factor: Annotated[float, Query(ge=1, le=100)] = 5.0,
    include_receiver_outages: bool = False,
) -> list[AisGapRead]:
    """Vessels near the case around its time that stopped transmitting (RCC, auditor).

    Silences shared by the vessels around (a receiver outage) are left out unless asked for.
    """
    rows = await silent_ships.case_gaps(
        session,
        case_id=case_id,
        radius_nm=radius_nm,
        min_gap_min=min_gap_min,
        hours_before=hours_before,
        hours_after=hours_after,
        rate_factor=rate_factor,
    )
    return [
        AisGapRead.model_validate(r)
        for r in rows
        if include_receiver_outages or r["cause"] != "receiver_outage"
    ]
