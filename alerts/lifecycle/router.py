"""HTTP routes of alerts and answers, and the /ws/rcc websocket (roles stated per route)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, WebSocket, WebSocketDisconnect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from alerts.exceptions import ProtocolError, VesselNotBound
from alerts.lifecycle import service
from alerts.live.protocol import (
    CLOSE_POLICY,
    RateBucket,
    envelope,
    error_frame,
    iso_z,
    parse_frame,
)
from alerts.live.rcc_feed import RccClient
from alerts.live.runtime import AlertsRuntime
from alerts.live.ship_auth import pick_vessel
from alerts.models import ShipDelivery
from alerts.schemas import (
    AlertCancel,
    AlertCreate,
    AlertDetail,
    AlertRead,
    AlertUpdate,
    AnswerBody,
    AnswerRead,
    RecipientRead,
)
from sar_coord.auth.deps import RCC, RCC_OR_AUDITOR, require_role
from sar_coord.auth.service import Principal, resolve_credential
from sar_coord.core.config import get_settings
from sar_coord.core.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["alerts"])
ws_router = APIRouter(tags=["alerts"])

RccUser = Annotated[Principal, Depends(require_role(*RCC))]
RccOrAuditor = Annotated[Principal, Depends(require_role(*RCC_OR_AUDITOR))]
ShipMaster = Annotated[Principal, Depends(require_role("ship_master"))]


def _actor(principal: Principal) -> service.Actor:
    return service.Actor(principal.username, principal.user_id)


@router.post("/alerts", response_model=AlertRead, status_code=201)
async def issue_alert(body: AlertCreate, session: SessionDep, user: RccUser) -> Any:
    """Issue a targeted or area alert (rcc_operator, admin)."""
    return await service.issue_alert(session, body, actor=_actor(user))


@router.get("/alerts", response_model=list[AlertRead])
async def list_alerts(session: SessionDep, user: RccOrAuditor, case_id: int | None = None) -> Any:
    """Alerts, newest first (rcc_operator, auditor, admin)."""
    return await service.list_alerts(session, case_id=case_id)


@router.get("/alerts/{alert_id}", response_model=AlertDetail)
async def get_alert(alert_id: int, session: SessionDep, user: RccOrAuditor) -> Any:
    """An alert with every recipient and its reachability (rcc_operator, auditor, admin)."""
    alert = await service.get_alert(session, alert_id)
    recipients = await service.list_recipients(session, alert_id)
    return AlertDetail(
        **AlertRead.model_validate(alert).model_dump(),
        recipients=[RecipientRead.model_validate(r) for r in recipients],
    )


@router.patch("/alerts/{alert_id}", response_model=AlertRead)
async def update_alert(alert_id: int, body: AlertUpdate, session: SessionDep, user: RccUser) -> Any:
    """Change an alert's text or widen its radius (rcc_operator, admin)."""
    return await service.update_alert(session, alert_id, body, actor=_actor(user))


@router.post("/alerts/{alert_id}/cancel", response_model=AlertRead)
async def cancel_alert(alert_id: int, body: AlertCancel, session: SessionDep, user: RccUser) -> Any:
    """Cancel an alert; every ship it reached is told (rcc_operator, admin)."""
    return await service.cancel_alert(session, alert_id, reason=body.reason, actor=_actor(user))


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


def _runtime(ws: WebSocket) -> AlertsRuntime:
    runtime: AlertsRuntime = ws.app.state.alerts
    return runtime


async def _rcc_principal(ws: WebSocket, token: str | None) -> Principal:
    maker: async_sessionmaker[AsyncSession] = ws.app.state.sessionmaker
    async with maker() as session:
        principal = await resolve_credential(session, token or "", get_settings())
        await session.commit()
    if principal is None:
        raise ProtocolError("invalid or expired credentials")
    if principal.role not in RCC:
        raise VesselNotBound("the RCC channel is for RCC operators")
    return principal


@ws_router.websocket("/ws/rcc")
async def rcc_channel(ws: WebSocket, token: str | None = None) -> None:
    """Live case, alert, answer and fleet events for RCC users (rcc_operator, admin; JWT)."""
    runtime = _runtime(ws)
    settings = runtime.settings
    header = ws.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
    await ws.accept()
    try:
        principal = await _rcc_principal(ws, token)
    except (ProtocolError, VesselNotBound) as exc:
        with contextlib.suppress(Exception):
            await ws.send_text(error_frame(exc.code, str(exc.detail)))
            await ws.close(CLOSE_POLICY)
        return
    client = RccClient(asyncio.Queue(maxsize=settings.queue_size))
    closed = asyncio.Event()
    client.on_drop = closed.set
    await ws.send_text(envelope("welcome", {"user": principal.username, "role": principal.role}))
    runtime.rcc_feed.add(client)
    sender = asyncio.create_task(_rcc_sender(ws, client))
    receiver = asyncio.create_task(
        _rcc_receiver(
            ws,
            client,
            settings.max_message_bytes,
            RateBucket(settings.rate_per_s, settings.rate_burst),
        )
    )
    dropped = asyncio.create_task(closed.wait())
    try:
        await asyncio.wait({sender, receiver, dropped}, return_when=asyncio.FIRST_COMPLETED)
        if receiver.done() and not receiver.cancelled():
            failure = receiver.exception()
            if isinstance(failure, ProtocolError):
                with contextlib.suppress(Exception):
                    await ws.send_text(error_frame(failure.code, str(failure.detail)))
                    await ws.close(CLOSE_POLICY)
        elif dropped.done():
            with contextlib.suppress(Exception):
                await ws.close(1013, "too slow: reconnect")
    finally:
        runtime.rcc_feed.remove(client)
        for task in (sender, receiver, dropped):
            task.cancel()
        for task in (sender, receiver, dropped):
            with contextlib.suppress(BaseException):
                await task


async def _rcc_sender(ws: WebSocket, client: RccClient) -> None:
    while True:
        await ws.send_text(await client.queue.get())


async def _rcc_receiver(
    ws: WebSocket, client: RccClient, max_bytes: int, bucket: RateBucket
) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            raw = await ws.receive_text()
            if len(raw) > max_bytes:
                raise ProtocolError("message too large")
            if not bucket.allow():
                raise ProtocolError("message rate exceeded")
            type_, data = parse_frame(raw)
            if type_ == "subscribe":
                client.bbox = _bbox(data.get("bbox"))
            elif type_ == "ping":
                client.offer(envelope("pong", {"nonce": data.get("nonce")}))
            else:
                raise ProtocolError(f"unknown frame type {type_!r}")


def _bbox(value: object) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise ProtocolError("bbox is [min_lon, min_lat, max_lon, max_lat]")
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in value)
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ProtocolError("bbox out of range")
    return (min_lon, min_lat, max_lon, max_lat)


def include(app: Any) -> None:
    """Mount the HTTP routes and the /ws/rcc websocket on an app."""
    app.include_router(router)
    app.include_router(ws_router)


__all__ = ["include", "router", "ws_router"]
