"""The /ws/rcc websocket: live case, alert, answer and fleet events for RCC users (FastAPI)."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from alerts.exceptions import ProtocolError, VesselNotBound
from alerts.live.protocol import CLOSE_POLICY, RateBucket, envelope, error_frame, parse_frame
from alerts.live.rcc_feed import RccClient
from alerts.live.runtime import AlertsRuntime
from sar_coord.auth.deps import RCC
from sar_coord.auth.service import Principal, resolve_credential
from sar_coord.core.config import get_settings

router = APIRouter(tags=["alerts"])


def _runtime(ws: WebSocket) -> AlertsRuntime:
    runtime: AlertsRuntime = ws.app.state.alerts
    return runtime


async def _rcc_principal(ws: WebSocket, token: str) -> Principal:
    maker: async_sessionmaker[AsyncSession] = ws.app.state.sessionmaker
    async with maker() as session:
        principal = await resolve_credential(session, token, get_settings())
        await session.commit()
    if principal is None:
        raise ProtocolError("invalid or expired credentials")
    if principal.role not in RCC:
        raise VesselNotBound("the RCC channel is for RCC operators")
    return principal


async def _auth_token(ws: WebSocket, max_bytes: int) -> str:
    """The token of the first frame {"type": "auth", "data": {"token": ...}} (10 s to send it)."""
    try:
        raw = await asyncio.wait_for(ws.receive_text(), timeout=10)
    except TimeoutError as exc:
        raise ProtocolError("send an auth frame first") from exc
    if len(raw) > max_bytes:
        raise ProtocolError("message too large")
    type_, data = parse_frame(raw)
    token = data.get("token")
    if type_ != "auth" or not isinstance(token, str) or not token:
        raise ProtocolError("the first frame must be auth with a token")
    return token


@router.websocket("/ws/rcc")
async def rcc_channel(ws: WebSocket) -> None:
    """Live case, alert, answer and fleet events for RCC users (rcc_operator, admin; JWT).

    Authenticated by an `Authorization: Bearer` header or a first `auth` frame; a token in
    the URL is refused (URLs land in access logs and browser history).
    """
    runtime = _runtime(ws)
    settings = runtime.settings
    header = ws.headers.get("authorization", "")
    await ws.accept()
    try:
        if "token" in ws.query_params:
            raise ProtocolError("tokens never travel in a URL: send an auth frame first")
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
        else:
            token = await _auth_token(ws, settings.max_message_bytes)
        principal = await _rcc_principal(ws, token)
    except (ProtocolError, VesselNotBound) as exc:
        with contextlib.suppress(Exception):
            await ws.send_text(error_frame(exc.code, str(exc.detail)))
            await ws.close(CLOSE_POLICY)
        return
    except WebSocketDisconnect:
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
