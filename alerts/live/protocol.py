"""Websocket protocol v1: envelopes, client frame parsing and a per-connection rate bucket.

The protocol is written down once, in protocol.schema.json (JSON Schema draft-07, next to this
module): every client frame is validated against it here; the tests hold server frames to its
`ship_server_frame` and `rcc_server_frame` definitions, and the dashboard parses with it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

from alerts.exceptions import ProtocolError

SCHEMA_PATH = Path(__file__).with_name("protocol.schema.json")

VERSION = 1
CLOSE_POLICY = 1008
CLOSE_SERVER_ERROR = 1011
CLOSE_TRY_AGAIN = 1013
INT64_MAX = 2**63 - 1
"""Largest integer a frame may carry (ids, seqs and cursors are PostgreSQL bigints)."""


def iso_z(at: datetime) -> str:
    """ISO 8601 UTC with a Z suffix (millisecond precision)."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def envelope(type_: str, data: dict[str, Any], *, seq: int | None = None) -> str:
    """A control or event frame; `seq` is set only on sequenced ship deliveries."""
    body = {"v": VERSION, "type": type_, "seq": seq, "ts": iso_z(datetime.now(UTC)), "data": data}
    return json.dumps(body, separators=(",", ":"), default=str)


def delivery_frame(kind: str, seq: int, committed_at: datetime, payload_json: str) -> str:
    """A sequenced ship delivery built around its stored JSON payload (no re-serialising)."""
    return DeliveryWire(kind, committed_at, payload_json).text(seq)


def text_frame_header(length: int) -> bytes:
    """RFC 6455 header of an unmasked, unfragmented server text frame of `length` bytes."""
    if length < 126:
        return bytes((0x81, length))
    if length < 65536:
        return b"\x81\x7e" + length.to_bytes(2, "big")
    return b"\x81\x7f" + length.to_bytes(8, "big")


class DeliveryWire:
    """One delivery's frame for many ships, built once: only the seq differs per ship."""

    __slots__ = ("_head", "_tail")

    def __init__(self, kind: str, committed_at: datetime, payload_json: str) -> None:
        self._head = f'{{"v":{VERSION},"type":"{kind}","seq":'.encode()
        self._tail = f',"ts":"{iso_z(committed_at)}","data":{payload_json}}}'.encode()

    def text(self, seq: int) -> str:
        """The frame's text for one ship."""
        return (self._head + str(seq).encode() + self._tail).decode()

    def wire(self, seq: int) -> bytes:
        """The complete websocket frame (header and text) ready for the socket."""
        body = self._head + str(seq).encode() + self._tail
        return text_frame_header(len(body)) + body


def error_frame(code: str, detail: str) -> str:
    """An error envelope (sent before closing with 1008 or 1011)."""
    return envelope("error", {"code": code, "detail": detail})


@cache
def protocol_schema() -> dict[str, Any]:
    """The protocol's JSON Schema document (protocol.schema.json)."""
    doc: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return doc


@cache
def frame_validator(definition: str) -> Callable[[Any], Any]:
    """A compiled validator of one definition ("client_frame", "ship_server_frame", ...).

    Raises fastjsonschema.JsonSchemaValueException on a value that does not match.
    """
    doc = protocol_schema()
    if definition not in doc["definitions"]:
        raise KeyError(f"protocol.schema.json has no definition {definition!r}")
    schema = {
        "$schema": doc["$schema"],
        "definitions": doc["definitions"],
        "$ref": f"#/definitions/{definition}",
    }
    return fastjsonschema.compile(schema)  # type: ignore[no-any-return]


def parse_frame(raw: str | bytes) -> tuple[str, dict[str, Any]]:
    """(type, data) of a client frame, or ProtocolError for anything that is not protocol v1.

    Two flat checks keep the hot path cheap: the envelope (client_envelope), then the data of
    its type (T_data); together they are the schema's client_frame definition.
    """
    if isinstance(raw, bytes):
        raise ProtocolError("binary frames are not part of protocol v1")
    try:
        frame = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ProtocolError("frame is not JSON") from exc
    if not isinstance(frame, dict):
        raise ProtocolError("frame is not an object")
    if frame.get("v", VERSION) != VERSION:
        raise ProtocolError("unsupported protocol version")
    try:
        frame_validator("client_envelope")(frame)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise ProtocolError(f"not a protocol v1 frame: {_describe(exc, 'frame')}") from exc
    type_: str = frame["type"]
    data: dict[str, Any] = frame.get("data", {})
    try:
        frame_validator(f"{type_}_data")(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise ProtocolError(f"not a protocol v1 frame: {_describe(exc, 'frame.data')}") from exc
    return type_, data


def _describe(exc: fastjsonschema.JsonSchemaValueException, name: str) -> str:
    # fastjsonschema calls the validated value "data": name it as the client knows it.
    message = str(exc.message)
    return name + message[4:] if message.startswith("data") else message


def int_field(data: dict[str, Any], name: str) -> int:
    """A non-negative 64-bit integer field of a frame's data, or ProtocolError."""
    return bounded_int(data.get(name), name)


def bounded_int(value: object, name: str) -> int:
    """`value` as an integer in 0..INT64_MAX (a bigint), or ProtocolError naming the field."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= INT64_MAX:
        raise ProtocolError(f"{name} must be an integer in 0..{INT64_MAX}")
    return value


class RateBucket:
    """Token bucket: `rate_per_s` sustained, `burst` at once (monotonic clock)."""

    def __init__(self, rate_per_s: float, burst: int) -> None:
        self._rate = rate_per_s
        self._burst = float(burst)
        self._tokens = float(burst)
        self._at = time.monotonic()

    def allow(self) -> bool:
        """Take one token; False when the client is over its rate."""
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True
