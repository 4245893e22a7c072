"""protocol.schema.json: client frames are validated with it, and real server frames match it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import fastjsonschema
import httpx
import pytest
from sqlalchemy import text
from websockets.asyncio.client import ClientConnection, connect

from alerts.exceptions import ProtocolError
from alerts.live.protocol import (
    INT64_MAX,
    DeliveryWire,
    envelope,
    error_frame,
    frame_validator,
    parse_frame,
    protocol_schema,
)
from sar_coord.auth.service import issue_jwt
from sar_coord.core import events
from sar_coord.core.config import get_settings
from tests.alerts.conftest import Server, free_port
from tests.alerts.factories import make_case, make_ship, make_user
from tests.alerts.wsclient import open_ship

VALID_CLIENT_FRAMES = [
    {"v": 1, "type": "auth", "data": {"token": "sar_x"}},
    {"type": "auth", "data": {"token": "sar_x", "mmsi": 247000001, "resume_from": None}},
    {"type": "ack", "data": {"seq": INT64_MAX}},
    {"v": 1, "type": "resume", "data": {"resume_from": 0}},
    {"type": "resume"},
    {"v": 1, "type": "ack", "data": {"seq": 12}},
    {"type": "ping", "data": {"nonce": "n1"}},
    {"type": "ping"},
    {"type": "answer", "data": {"alert_id": 7, "kind": "decline", "client_msg_id": "m1"}},
    {"type": "answer", "data": {"alert_id": 7, "kind": "accept", "eta": "2030-01-01T10:00:00Z"}},
    {"type": "subscribe", "data": {"bbox": [170, -20, -170, -10]}},
    {"type": "subscribe", "data": {"bbox": None}},
]
INVALID_CLIENT_FRAMES = [
    {"type": "auth"},
    {"type": "auth", "data": {"token": ""}},
    {"type": "auth", "data": {"token": "t" * 4097}},
    {"type": "auth", "data": {"token": "sar_x", "resume_from": 2**70}},
    {"type": "ack", "data": {"seq": INT64_MAX + 1}},
    {"type": "ack"},
    {"type": "ack", "data": {"seq": -1}},
    {"type": "ack", "data": {"seq": True}},
    {"type": "ack", "data": {"seq": "3"}},
    {"type": "ack", "data": []},
    {"type": "hello", "data": {}},
    {"type": 3},
    {"data": {}},
    {"type": "answer", "data": {"kind": "accept"}},
    {"type": "answer", "data": {"alert_id": 1, "kind": "maybe"}},
    {"type": "subscribe", "data": {"bbox": [1, 2, 3]}},
    {"type": "subscribe", "data": {"bbox": [0, 0, 0, 200]}},
    {"type": "resume", "data": {"resume_from": 1.5}},
]


def _matches(definition: str, frame: Any) -> bool:
    try:
        frame_validator(definition)(frame)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def assert_frame(definition: str, frame: dict[str, Any]) -> None:
    """Fail with the schema's message when a server frame does not match its definition."""
    try:
        frame_validator(definition)(frame)
    except fastjsonschema.JsonSchemaValueException as exc:
        pytest.fail(f"{definition}: {exc.message}: {json.dumps(frame)[:400]}")


def test_every_reference_resolves() -> None:
    doc = protocol_schema()
    refs = {
        m.split("/")[-1]
        for m in json.dumps(doc).replace('"', " ").split()
        if m.startswith("#/definitions/")
    }
    assert refs <= set(doc["definitions"])
    for name in doc["definitions"]:
        frame_validator(name)


@pytest.mark.parametrize("frame", VALID_CLIENT_FRAMES)
def test_valid_client_frames_parse(frame: dict[str, Any]) -> None:
    assert _matches("client_frame", frame)
    assert parse_frame(json.dumps(frame)) == (frame["type"], frame.get("data", {}))


@pytest.mark.parametrize("frame", INVALID_CLIENT_FRAMES)
def test_invalid_client_frames_are_refused_with_a_reason(frame: dict[str, Any]) -> None:
    # The server's two flat checks (envelope, then T_data) agree with the whole definition.
    assert not _matches("client_frame", frame)
    with pytest.raises(ProtocolError) as info:
        parse_frame(json.dumps(frame))
    assert str(info.value.detail).startswith("not a protocol v1 frame: frame")


def test_frames_built_by_the_protocol_module_match() -> None:
    assert_frame("ship_server_frame", json.loads(error_frame("invalid", "bad")))
    assert_frame("rcc_server_frame", json.loads(envelope("pong", {"nonce": None})))
    payload = {
        "alert_id": 1,
        "kind": "area",
        "status": "active",
        "radius_nm": 20.0,
        "message": "m",
        "issued_at": "2026-12-01T10:00:00Z",
        "case_id": 2,
        "case_reference": "C-2",
        "datum": {"lat": 35.0, "lon": 14.0},
        "datum_uncertainty_nm": 2.0,
        "persons_on_board": None,
        "boat_type": None,
        "responsible_rcc": None,
    }
    wire = DeliveryWire("alert", datetime.now(UTC), json.dumps(payload))
    assert_frame("ship_server_frame", json.loads(wire.text(5)))
    # A delivery without its seq, or a control frame with one, is not protocol v1.
    assert not _matches("ship_server_frame", json.loads(envelope("alert", payload)))
    assert not _matches("ship_server_frame", json.loads(envelope("pong", {"nonce": 1}, seq=3)))
    assert not _matches("ship_server_frame", {**json.loads(wire.text(5)), "data": {}})


class Recorder:
    """Reads a socket's frames, holding every one to the channel's schema definition."""

    def __init__(self, ws: ClientConnection, definition: str) -> None:
        self.ws = ws
        self.definition = definition
        self.types: list[str] = []

    async def until(self, pred: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        async with asyncio.timeout(15):
            while True:
                frame: dict[str, Any] = json.loads(await self.ws.recv())
                assert_frame(self.definition, frame)
                self.types.append(frame["type"])
                if pred(frame):
                    return frame


@pytest.fixture(scope="module")
async def server(db_url: str) -> AsyncIterator[Server]:
    """The composition root's app with an escalation deadline of 1 s."""
    srv = Server(db_url, free_port(), free_port(), {"ALERTS_ESCALATE_AFTER_S": "1"}, real=True)
    try:
        await srv.start()
        yield srv
    finally:
        srv.stop()


async def test_server_frames_of_a_whole_alert_match_the_schema(
    server: Server, committed: Any
) -> None:
    async with committed() as s:
        case = await make_case(s, lat=-40.0, lon=60.0)
        ship = await make_ship(s, lat=-40.0, lon=60.05)
        rcc = await make_user(s, "rcc_operator")
    jwt = {"Authorization": f"Bearer {issue_jwt(rcc, get_settings())[0]}"}
    rcc_ws = await connect(f"ws://127.0.0.1:{server.http_port}/ws/rcc", additional_headers=jwt)
    rcc_feed = Recorder(rcc_ws, "rcc_server_frame")
    await rcc_feed.until(lambda f: f["type"] == "welcome")
    await rcc_ws.send(
        json.dumps({"v": 1, "type": "subscribe", "data": {"bbox": [59, -41, 61, -39]}})
    )
    await rcc_ws.send(json.dumps({"v": 1, "type": "ping", "data": {"nonce": 5}}))
    await rcc_feed.until(lambda f: f["type"] == "pong")

    ship_ws = await open_ship(server.ship_url(0), ship.token)
    bridge = Recorder(ship_ws, "ship_server_frame")
    async with asyncio.timeout(10):
        while True:
            async with committed() as s:
                seen = await s.scalar(
                    text("SELECT last_seen_at FROM ship_cursor WHERE mmsi = :m"), {"m": ship.mmsi}
                )
            if seen is not None:
                break
            await asyncio.sleep(0.1)

    async with httpx.AsyncClient(base_url=server.http_url, headers=jwt) as c:
        body = {"case_id": case.id, "kind": "targeted", "mmsis": [ship.mmsi], "message": "Go"}
        r = await c.post("/api/v1/alerts", json=body)
        assert r.status_code == 201, r.text
        alert_id = r.json()["id"]
        alert = await bridge.until(lambda f: f["type"] == "alert")
        await ship_ws.send(json.dumps({"v": 1, "type": "ack", "data": {"seq": alert["seq"]}}))
        await rcc_feed.until(lambda f: f["type"] == "alert")
        await rcc_feed.until(lambda f: f["type"] == "escalation")

        r = await c.patch(f"/api/v1/alerts/{alert_id}", json={"message": "Go now"})
        assert r.status_code == 200, r.text
        await bridge.until(lambda f: f["type"] == "update")

        answer = {
            "alert_id": alert_id,
            "kind": "decline",
            "client_msg_id": "d-1",
            "reason": "too_far",
        }
        await ship_ws.send(json.dumps({"v": 1, "type": "answer", "data": answer}))
        await bridge.until(lambda f: f["type"] == "answer_ack")
        wrong = {"alert_id": alert_id, "kind": "accept", "client_msg_id": "a-1"}
        await ship_ws.send(json.dumps({"v": 1, "type": "answer", "data": wrong}))
        await bridge.until(lambda f: f["type"] == "answer_rejected")
        await ship_ws.send(json.dumps({"v": 1, "type": "ping", "data": {"nonce": "x"}}))
        await bridge.until(lambda f: f["type"] == "pong")
        await rcc_feed.until(lambda f: f["type"] == "answer")

        r = await c.post(f"/api/v1/alerts/{alert_id}/cancel", json={"reason": "resolved"})
        assert r.status_code == 200, r.text
        await bridge.until(lambda f: f["type"] == "cancel")
        await rcc_feed.until(lambda f: f["type"] == "case_event")

    async with committed() as s:
        await s.execute(
            text("UPDATE vessel_latest SET sog_kn = 7.5, updated_at = now() WHERE mmsi = :m"),
            {"m": ship.mmsi},
        )
        await events.notify(s, events.FLEET, {"max_updated_at": datetime.now(UTC), "count": 1})
    await rcc_feed.until(lambda f: f["type"] == "fleet")

    # A frame that is not protocol v1 gets an error frame (schema-valid), then close 1008.
    await ship_ws.send(json.dumps({"v": 1, "type": "ack", "data": {"seq": "x"}}))
    error = await bridge.until(lambda f: f["type"] == "error")
    assert "frame.data.seq" in error["data"]["detail"]
    await rcc_ws.close()
    await ship_ws.close()
    assert {"alert", "update", "cancel", "answer_ack", "answer_rejected", "pong"} <= set(
        bridge.types
    )
    assert {"welcome", "alert", "escalation", "answer", "case_event", "fleet"} <= set(
        rcc_feed.types
    )
