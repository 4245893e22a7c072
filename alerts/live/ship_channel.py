"""The /ws/ship channel on the `websockets` library's own server (no ASGI, no compression)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State

from alerts.config import AlertsSettings
from alerts.exceptions import ProtocolError
from alerts.lifecycle import service
from alerts.live.hub import Hub, ShipSocket
from alerts.live.protocol import (
    CLOSE_POLICY,
    CLOSE_TRY_AGAIN,
    INT64_MAX,
    RateBucket,
    bounded_int,
    envelope,
    error_frame,
    int_field,
    parse_frame,
)
from alerts.live.ship_auth import ShipIdentity, resolve_ship
from alerts.models import ShipCursor, ShipSequence
from alerts.schemas import AnswerBody
from sar_coord.auth.service import live_token_ids
from sar_coord.core import events
from sar_coord.core.errors import AppError

log = logging.getLogger(__name__)

SHIP_PATH = "/ws/ship"
HEALTH_PATH = "/healthz"
FIRST_FRAME_TIMEOUT_S = 10.0
_answer_adapter: TypeAdapter[Any] = TypeAdapter(AnswerBody)


def bearer_token(headers: Any, query: dict[str, list[str]]) -> str | None:
    """The API token from `Authorization: Bearer ...`; a token in the URL is refused."""
    if "token" in query:
        raise ProtocolError("tokens never travel in a URL: send an auth frame first")
    auth = headers.get("Authorization") or ""
    if auth.lower().startswith("bearer "):
        return str(auth[7:].strip())
    return None


def _optional_int(query: dict[str, list[str]], name: str) -> int | None:
    values = query.get(name)
    if not values:
        return None
    value = values[0]
    if not (value.isascii() and value.isdigit() and len(value) <= 19):
        raise ProtocolError(f"{name} must be an integer in 0..{INT64_MAX}")
    return bounded_int(int(value), name)


@dataclass(slots=True)
class _Handshake:
    """What the HTTP upgrade established, for the connection handler."""

    identity: ShipIdentity | None = None
    resume_from: int | None = None
    mmsi: int | None = None
    last_seq: int = 0
    error: ProtocolError | None = None


class ShipServer:
    """Serves /ws/ship: authenticates (header or first frame), replays from resume_from, streams."""

    def __init__(
        self,
        hub: Hub,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: AlertsSettings,
        listener: events.Listener | None = None,
    ) -> None:
        self._hub = hub
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._listener = listener
        self._server: Server | None = None
        self._revocations: asyncio.Task[None] | None = None
        # Handshake results, for the handler; dropped with the connection object.
        self._pending: weakref.WeakKeyDictionary[ServerConnection, _Handshake] = (
            weakref.WeakKeyDictionary()
        )
        # Open sockets by the API token they were opened with (revocation closes them).
        self._by_token: dict[int, set[ServerConnection]] = {}
        self.port: int | None = None

    async def start(self) -> int:
        """Listen (SO_REUSEPORT, so every worker can share the port); returns the bound port."""
        s = self._settings
        if self._listener is not None:
            queue = self._listener.subscribe(events.AUTH, maxsize=1000)
            self._revocations = asyncio.create_task(self._watch_revocations(queue))
        self._server = await serve(
            self._handle,
            s.ship_ws_host,
            s.ship_ws_port,
            process_request=self._process_request,
            compression=None,
            max_size=s.max_message_bytes,
            max_queue=16,
            ping_interval=s.ping_interval_s,
            ping_timeout=s.ping_timeout_s,
            close_timeout=2,
            # A reconnect storm (every ship after a restart) queues handshakes on the DB pool.
            open_timeout=30,
            reuse_port=s.ship_ws_reuse_port,
            backlog=4096,
        )
        sockets = list(self._server.sockets)
        self.port = int(sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        """Stop accepting and close every connection (clients resume elsewhere)."""
        if self._revocations is not None:
            self._revocations.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._revocations
        if self._server is not None:
            self._server.close(close_connections=True)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), timeout=5)

    async def _watch_revocations(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Close every socket opened with a token as soon as its revocation commits."""
        while True:
            payload = await queue.get()
            if payload.get("_resync"):
                # Notifications may have been lost: re-check every open socket's token.
                await self._recheck_all()
                continue
            token_id = payload.get("token_id")
            for ws in list(self._by_token.get(token_id, ()) if isinstance(token_id, int) else ()):
                _close_soon(ws, "credentials revoked")

    async def _recheck_all(self) -> None:
        ids = list(self._by_token)
        if not ids:
            return
        async with self._sessionmaker() as session:
            live = set(await live_token_ids(session, ids))
        for token_id in ids:
            if token_id not in live:
                for ws in list(self._by_token.get(token_id, ())):
                    _close_soon(ws, "credentials revoked")

    async def _process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        url = urlsplit(request.path)
        if url.path == HEALTH_PATH:
            return connection.respond(HTTPStatus.OK, "ok\n")
        if url.path != SHIP_PATH:
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        query = parse_qs(url.query)
        shake = _Handshake()
        try:
            token = bearer_token(request.headers, query)
            shake.mmsi = _optional_int(query, "mmsi")
            shake.resume_from = _optional_int(query, "resume_from")
        except ProtocolError as exc:
            if "token" in query:
                return connection.respond(HTTPStatus.UNAUTHORIZED, f"{exc.detail}\n")
            # Refused after the upgrade, with an error envelope and close 1008.
            shake.error = exc
            self._pending[connection] = shake
            return None
        if token:
            try:
                await self._authenticate(shake, token, shake.mmsi)
            except AppError as exc:
                return connection.respond(HTTPStatus(exc.status_code), f"{exc.detail}\n")
        # Without a header the first frame must be {"type": "auth", "data": {"token": ...}}.
        self._pending[connection] = shake
        return None

    async def _authenticate(self, shake: _Handshake, token: str, mmsi: int | None) -> None:
        async with self._sessionmaker() as session:
            shake.identity = await resolve_ship(session, token, mmsi)
            last_seq = await session.scalar(
                select(ShipSequence.last_seq).where(ShipSequence.mmsi == shake.identity.mmsi)
            )
            await session.commit()  # the token's last_used_at
        shake.last_seq = int(last_seq or 0)

    async def _handle(self, ws: ServerConnection) -> None:
        shake = self._pending.pop(ws)
        if self._settings.sndbuf_bytes:
            raw = ws.transport.get_extra_info("socket")
            if raw is not None:
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self._settings.sndbuf_bytes)
        bucket = RateBucket(self._settings.rate_per_s, self._settings.rate_burst)
        try:
            if shake.error is not None:
                raise shake.error
            if shake.identity is None:
                await self._auth_frame(ws, shake)
            assert shake.identity is not None
            if shake.resume_from is None:
                shake.resume_from = await self._first_frame(ws, shake.identity)
        except ProtocolError as exc:
            await _refuse(ws, exc)
            return
        except AppError as exc:
            await _refuse(ws, ProtocolError(str(exc.detail)), code=exc.code)
            return
        except ConnectionClosed:
            return
        identity, resume_from = shake.identity, shake.resume_from
        sock = ShipSocket(
            identity.mmsi,
            resume_from,
            self._settings.queue_size,
            lambda r: _kill(ws, sender, r),
            functools.partial(_write_now, ws, self._settings.write_buffer_bytes),
            # Ready-made frames are valid only with no extension (no compression) negotiated.
            None
            if ws.protocol.extensions
            else functools.partial(_write_wire, ws, self._settings.write_buffer_bytes),
        )
        welcome = {"mmsi": identity.mmsi, "resume_from": resume_from, "last_seq": shake.last_seq}
        sock.queue.put_nowait(envelope("welcome", welcome))
        sender = asyncio.create_task(self._sender(ws, sock))
        self._hub.register(sock)
        expiry = _expire_at(ws, identity.expires_at)
        if identity.token_id is not None:
            self._by_token.setdefault(identity.token_id, set()).add(ws)
        try:
            async for raw in ws:
                if not bucket.allow():
                    raise ProtocolError("message rate exceeded")
                await self._on_frame(sock, identity, raw)
        except ProtocolError as exc:
            await _refuse(ws, exc)
        except ConnectionClosed:
            pass
        finally:
            if expiry is not None:
                expiry.cancel()
            if identity.token_id is not None:
                peers = self._by_token.get(identity.token_id)
                if peers is not None:
                    peers.discard(ws)
                    if not peers:
                        del self._by_token[identity.token_id]
            self._hub.unregister(sock)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await sender

    async def _auth_frame(self, ws: ServerConnection, shake: _Handshake) -> None:
        """Authenticate from a first `auth` frame {token, mmsi?, resume_from?}."""
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout=FIRST_FRAME_TIMEOUT_S)
        except TimeoutError as exc:
            raise ProtocolError("send an auth frame first") from exc
        type_, data = parse_frame(raw)
        if type_ != "auth":
            raise ProtocolError("the first frame must be auth (or send an Authorization header)")
        token = data.get("token")
        if not isinstance(token, str) or not token or len(token) > 4096:
            raise ProtocolError("auth needs a token")
        mmsi = int_field(data, "mmsi") if data.get("mmsi") is not None else shake.mmsi
        if data.get("resume_from") is not None:
            shake.resume_from = int_field(data, "resume_from")
        await self._authenticate(shake, token, mmsi)
        if shake.resume_from is None:
            assert shake.identity is not None
            shake.resume_from = await self._acked(shake.identity)

    async def _first_frame(self, ws: ServerConnection, identity: ShipIdentity) -> int:
        """resume_from from a first `resume` frame; without a number, the last acked seq."""
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout=FIRST_FRAME_TIMEOUT_S)
        except TimeoutError as exc:
            raise ProtocolError("send resume_from (query parameter or first frame)") from exc
        type_, data = parse_frame(raw)
        if type_ != "resume":
            raise ProtocolError("the first frame must be resume")
        if "resume_from" in data:
            return int_field(data, "resume_from")
        return await self._acked(identity)

    async def _acked(self, identity: ShipIdentity) -> int:
        async with self._sessionmaker() as session:
            acked = await session.scalar(
                select(ShipCursor.acked_seq).where(ShipCursor.mmsi == identity.mmsi)
            )
        return int(acked or 0)

    async def _sender(self, ws: ServerConnection, sock: ShipSocket) -> None:
        low_water = max(1, sock.queue.maxsize // 4)
        while True:
            frame = await sock.queue.get()
            sock.inflight = True
            await ws.send(frame)
            sock.inflight = False
            if sock.needs_more and sock.queue.qsize() <= low_water:
                sock.needs_more = False
                self._hub.mark_dirty(sock)

    async def _on_frame(self, sock: ShipSocket, identity: ShipIdentity, raw: str | bytes) -> None:
        type_, data = parse_frame(raw)
        if type_ == "ack":
            self._hub.ack(sock, int_field(data, "seq"))
        elif type_ == "ping":
            self._reply(sock, envelope("pong", {"nonce": data.get("nonce")}))
        elif type_ == "answer":
            self._reply(sock, await self._answer(identity, data))
        else:
            raise ProtocolError(f"unknown frame type {type_!r}")

    def _reply(self, sock: ShipSocket, frame: str) -> None:
        if not sock.offer(frame):
            sock.drop("too slow: reconnect and resume")

    async def _answer(self, identity: ShipIdentity, data: dict[str, Any]) -> str:
        """Record an answer frame {alert_id, kind, client_msg_id, ...}; reply with its outcome."""
        data = dict(data)
        alert_id = int_field(data, "alert_id")
        data.pop("alert_id")
        try:
            body = _answer_adapter.validate_python(data)
        except ValidationError as exc:
            detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            return envelope(
                "answer_rejected",
                {"client_msg_id": data.get("client_msg_id"), "code": "invalid", "detail": detail},
            )
        try:
            async with self._sessionmaker() as session:
                answer, duplicate = await service.record_answer(
                    session,
                    alert_id=alert_id,
                    mmsi=identity.mmsi,
                    body=body,
                    user_id=identity.user_id,
                )
                await session.commit()
        except AppError as exc:
            return envelope(
                "answer_rejected",
                {"client_msg_id": body.client_msg_id, "code": exc.code, "detail": str(exc.detail)},
            )
        return envelope(
            "answer_ack",
            {"client_msg_id": body.client_msg_id, "answer_id": answer.id, "duplicate": duplicate},
        )


def _write_now(ws: ServerConnection, limit_bytes: int, frame: str) -> bool:
    """Write a frame synchronously (websockets' broadcast path) unless the socket is backed up."""
    if ws.protocol.state is not State.OPEN or ws.transport.get_write_buffer_size() > limit_bytes:
        return False
    try:
        broadcast([ws], frame, raise_exceptions=True)
    except Exception:
        return False
    return True


def _write_wire(ws: ServerConnection, limit_bytes: int, data: bytes) -> bool:
    """Write a complete pre-built frame straight to the transport, unless backed up or closing.

    Safe because this server never fragments a message and negotiates no extension: frames
    from the connection's own writer are always whole, so this one cannot land inside one.
    """
    if ws.protocol.state is not State.OPEN or ws.transport.get_write_buffer_size() > limit_bytes:
        return False
    ws.transport.write(data)
    return True


async def _refuse(ws: ServerConnection, exc: ProtocolError, code: str | None = None) -> None:
    with contextlib.suppress(ConnectionClosed):
        await ws.send(error_frame(code or exc.code, str(exc.detail)))
        await ws.close(CLOSE_POLICY, str(exc.detail)[:120])


def _close_soon(ws: ServerConnection, reason: str) -> None:
    """Send an error envelope and close 1008 without waiting (credentials no longer valid)."""
    task = asyncio.get_running_loop().create_task(
        _refuse(ws, ProtocolError(reason), code="unauthenticated")
    )
    _closing.add(task)
    task.add_done_callback(_closing.discard)


def _expire_at(ws: ServerConnection, expires_at: datetime | None) -> asyncio.TimerHandle | None:
    """Close the socket when its credential expires (UTC)."""
    if expires_at is None:
        return None
    delay_s = max(0.0, (expires_at - datetime.now(UTC)).total_seconds())
    return asyncio.get_running_loop().call_later(delay_s, _close_soon, ws, "credentials expired")


_closing: set[asyncio.Task[None]] = set()


async def _kill(ws: ServerConnection, sender: asyncio.Task[None], reason: str) -> None:
    """Drop a slow client: stop its sender, try a clean close briefly, else abort the socket."""
    sender.cancel()
    try:
        await asyncio.wait_for(ws.close(CLOSE_TRY_AGAIN, reason), timeout=1.0)
    except (TimeoutError, ConnectionClosed, OSError):
        ws.transport.abort()
