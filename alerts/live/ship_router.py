"""HTTP routes of the ship side (ship_master, own vessels only): answers, and the deliveries of
the ship channel read over HTTPS as channel frames."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from alerts.lifecycle import service
from alerts.live.protocol import iso_z
from alerts.live.ship_auth import pick_vessel
from alerts.models import ShipDelivery
from alerts.schemas import AnswerBody, AnswerRead
from sar_coord.auth.deps import require_role
from sar_coord.auth.service import Principal
from sar_coord.core.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["alerts"])
ShipMaster = Annotated[Principal, Depends(require_role("ship_master"))]


@router.post("/alerts/{alert_id}/answers", response_model=AnswerRead)
async def answer_alert(
    alert_id: int,
    body: AnswerBody,
    session: SessionDep,
    user: ShipMaster,
    mmsi: int | None = None,
) -> Any:
    """A ship's answer, idempotent by client_msg_id (ship_master, for a vessel it was sent to)."""
    vessel = pick_vessel(user.user_id, sorted(user.vessel_mmsis), mmsi)
    answer, duplicate = await service.record_answer(
        session, alert_id=alert_id, mmsi=vessel, body=body, user_id=user.user_id
    )
    return AnswerRead.model_validate(answer).model_copy(update={"duplicate": duplicate})


@router.get("/ship/deliveries")
async def ship_deliveries(
    session: SessionDep,
    user: ShipMaster,
    after: Annotated[int, Query(ge=0)] = 0,
    mmsi: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """A vessel's deliveries above `after`, as channel frames (ship_master, own vessels only)."""
    vessel = pick_vessel(user.user_id, sorted(user.vessel_mmsis), mmsi)
    rows = await session.execute(
        select(ShipDelivery)
        .where(ShipDelivery.mmsi == vessel, ShipDelivery.seq > after)
        .order_by(ShipDelivery.seq)
        .limit(limit)
    )
    return [
        {"v": 1, "type": d.kind, "seq": d.seq, "ts": iso_z(d.committed_at), "data": d.payload}
        for d in rows.scalars()
    ]
