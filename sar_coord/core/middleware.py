"""ASGI guards: inputs checked before routing (64-bit integers, NUL, unicode, size) and one
error envelope for every failure, 500s and database outages (503 + Retry-After) included."""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, unquote

import asyncpg
from sqlalchemy import exc as sa_exc

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
MAX_BODY_BYTES = 1_048_576
DB_RETRY_AFTER_S = 5
_INTEGER = re.compile(r"-?[0-9]+")


class BadInput(ValueError):
    """A request input no route can accept (reported as 422 before routing)."""

    def __init__(self, where: str, msg: str, status: int = 422) -> None:
        super().__init__(msg)
        self.where = where
        self.msg = msg
        self.status = status


def check_text(value: str, where: str) -> None:
    """Refuse NUL characters and lone surrogates (PostgreSQL stores neither)."""
    if "\x00" in value:
        raise BadInput(where, "NUL characters are not accepted")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadInput(where, "invalid unicode (lone surrogate)") from exc


def check_token(value: str, where: str) -> None:
    """A path segment or query value: text rules, and integers within 64 bits."""
    check_text(value, where)
    if _INTEGER.fullmatch(value) and not INT64_MIN <= int(value) <= INT64_MAX:
        raise BadInput(where, "integer beyond 64 bits")


def _bounded_int(text: str) -> int:
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise BadInput("body", "integer beyond 64 bits")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadInput("body", "number out of range")
    return value


def _no_constant(text: str) -> Any:
    raise BadInput("body", f"{text} is not a JSON number")


def _walk(value: Any, where: str) -> None:
    if isinstance(value, str):
        check_text(value, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, where)
            _walk(item, where)
    elif isinstance(value, list):
        for item in value:
            _walk(item, where)


def check_json_body(body: bytes) -> None:
    """Refuse JSON with integers beyond 64 bits, NaN/Infinity, NUL or invalid unicode."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput("body", "body is not UTF-8") from exc
    try:
        parsed = json.loads(
            text,
            parse_int=_bounded_int,
            parse_float=_finite_float,
            parse_constant=_no_constant,
        )
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        if isinstance(exc, BadInput):
            raise
        return  # not JSON: the route's own validation answers 422
    _walk(parsed, "body")


def check_request_line(scope: Scope) -> None:
    """Path segments and query values (percent-decoded) follow the same rules."""
    raw_path = scope.get("raw_path") or scope.get("path", "").encode()
    try:
        path = unquote(raw_path.decode("latin-1"), errors="strict")
    except UnicodeDecodeError as exc:
        raise BadInput("path", "path is not UTF-8") from exc
    for segment in path.split("/"):
        check_token(segment, "path")
    query = scope.get("query_string", b"").decode("latin-1")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise BadInput("query", "query is not UTF-8") from exc
    for key, value in pairs:
        check_text(key, "query")
        check_token(value, "query")


def envelope_response(
    status: int, code: str, detail: object, headers: dict[str, str] | None = None
) -> tuple[Message, Message]:
    """The start and body messages of a JSON error envelope."""
    body = json.dumps({"error": code, "detail": detail}).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return (
        {"type": "http.response.start", "status": status, "headers": raw_headers},
        {"type": "http.response.body", "body": body},
    )


def is_database_outage(exc: BaseException) -> bool:
    """True for failures meaning PostgreSQL is unreachable or restarting (not a bad query)."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.DBAPIError | sa_exc.InterfaceError) and exc.orig is not None:
        return is_database_outage(exc.orig)
    if isinstance(exc, sa_exc.TimeoutError):  # the connection pool is exhausted or hung
        return True
    outage = (
        OSError,
        TimeoutError,
        asyncpg.CannotConnectNowError,
        asyncpg.ConnectionDoesNotExistError,
        asyncpg.InterfaceError,
        asyncpg.AdminShutdownError,
        asyncpg.TooManyConnectionsError,
    )
    if isinstance(exc, outage):
        return True
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and is_database_outage(cause)


def _constant(message: Message) -> Receive:
    async def receive() -> Message:
        return message

    return receive


class GuardMiddleware:
    """Checks every HTTP request's inputs before routing and renders any unhandled failure
    as the error envelope (never plain text, never a dropped connection)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app behind the input checks and the catch-all."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            check_request_line(scope)
            receive = await self._checked_body(scope, receive)
        except BadInput as bad:
            detail = [{"loc": [bad.where], "msg": bad.msg, "type": "value_error"}]
            code = "validation_error" if bad.status == 422 else "payload_too_large"
            for message in envelope_response(bad.status, code, detail):
                await send(message)
            return
        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                log.exception("error after the response started: %s", scope.get("path"))
                raise
            if isinstance(exc, sa_exc.DataError):
                # A value the database's column type cannot hold: the input was out of range.
                log.info("input refused by the database on %s: %s", scope.get("path"), exc.orig)
                detail = [{"loc": ["body"], "msg": "value out of range", "type": "value_error"}]
                messages = envelope_response(422, "validation_error", detail)
            elif is_database_outage(exc):
                log.warning("database unavailable: %s %s", type(exc).__name__, scope.get("path"))
                messages = envelope_response(
                    503,
                    "service_unavailable",
                    "the database is unavailable: retry shortly",
                    {"Retry-After": str(DB_RETRY_AFTER_S)},
                )
            else:
                ref = secrets.token_hex(6)
                log.exception("unhandled error %s on %s %s", ref, scope["method"], scope["path"])
                messages = envelope_response(
                    500, "internal_error", f"internal error (reference {ref})"
                )
            for message in messages:
                await send(message)

    async def _checked_body(self, scope: Scope, receive: Receive) -> Receive:
        """Read the body once (bounded), check it if JSON, and replay it to the app."""
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return receive
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                # The client left: hand the app the disconnect as it came.
                return _constant(message)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise BadInput("body", f"body over {MAX_BODY_BYTES} bytes", status=413)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        headers = dict(scope.get("headers") or [])
        if b"json" in headers.get(b"content-type", b"") and body:
            check_json_body(body)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay
