"""Routes: RCCs record disembarkations (evaluated and logged); RCCs and auditors read them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from sar_coord.auth.deps import RCC, RCC_OR_AUDITOR, require_role
from sar_coord.auth.service import Principal
from sar_coord.core.deps import SessionDep
from sar_coord.disembarkation import chain_service, service
from sar_coord.disembarkation.schemas import (
    DisembarkationCreate,
    DisembarkationRead,
    EvaluationRead,
    ReevaluationCreate,
    RescueChainRead,
    RescueStepCreate,
    RescueStepRead,
)

router = APIRouter(prefix="/api/v1/disembarkations", tags=["disembarkation"])
Rcc = Annotated[Principal, Depends(require_role(*RCC))]
Reader = Annotated[Principal, Depends(require_role(*RCC_OR_AUDITOR))]
Auditor = Annotated[Principal, Depends(require_role("auditor", "admin"))]


@router.post("", status_code=status.HTTP_201_CREATED)
async def record_disembarkation(
    principal: Rcc, session: SessionDep, body: DisembarkationCreate
) -> DisembarkationRead:
    """Record a disembarkation (counts only); returns it with its compliance evaluation."""
    return await service.record_disembarkation(
        session, data=body, recorded_by_user_id=principal.user_id
    )


@router.get("")
async def list_disembarkations(
    _: Reader,
    session: SessionDep,
    case_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[DisembarkationRead]:
    """Disembarkations, newest first, with transfers, evaluations and log indices."""
    return await service.list_disembarkations(session, case_id=case_id, limit=limit, offset=offset)


@router.get("/chains/flagged")
async def flagged_chains(_: Reader, session: SessionDep) -> list[RescueChainRead]:
    """Rescue chains not judged pass: people on board with no landing recorded, contradictions."""
    return await chain_service.list_flagged_chains(session)


@router.get("/chains/{case_id}")
async def rescue_chain(_: Reader, session: SessionDep, case_id: int) -> RescueChainRead:
    """A case's rescue chain: rescue and transfer steps, landings, who holds whom, judgement."""
    return await chain_service.get_chain(session, case_id)


@router.post("/chains/{case_id}/steps", status_code=status.HTTP_201_CREATED)
async def record_rescue_step(
    principal: Rcc, session: SessionDep, case_id: int, body: RescueStepCreate
) -> RescueStepRead:
    """Record a rescue or a ship-to-ship transfer of a case (counts only); it is logged."""
    return await chain_service.record_step(
        session, case_id=case_id, data=body, recorded_by_user_id=principal.user_id
    )


@router.get("/{disembarkation_id}")
async def get_disembarkation(
    _: Reader, session: SessionDep, disembarkation_id: int
) -> DisembarkationRead:
    """One disembarkation (notes included: RCC and auditor roles only)."""
    return await service.get_disembarkation(session, disembarkation_id)


@router.post("/{disembarkation_id}/reevaluations", status_code=status.HTTP_201_CREATED)
async def reevaluate(
    principal: Auditor, session: SessionDep, disembarkation_id: int, body: ReevaluationCreate
) -> EvaluationRead:
    """Re-judge a landing with the registry "as known then" or "as known now"; logged."""
    return await service.reevaluate(
        session,
        disembarkation_id=disembarkation_id,
        as_known=body.as_known,
        requested_by=f"{principal.username} ({principal.organisation or 'no organisation'})",
    )
