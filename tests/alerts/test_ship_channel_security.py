"""/ws/ship and /ws/rcc under abuse: huge integers, tokens in URLs, auth frames, revocation."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from alerts.live.protocol import INT64_MAX
from sar_coord.auth import security, service
from sar_coord.auth.models import ApiToken, AppUser
from sar_coord.auth.service import issue_jwt
from sar_coord.core.config import get_settings
from tests.alerts.factories import make_case, make_ship, make_user
from tests.alerts.wsclient import issue, next_control, next_frames, open_ship


async def _refused(ws: Any) -> dict[str, Any]:
    """The error envelope a refused socket gets before its close (asserts close 1008)."""
    error = json.loads(await ws.recv())
    with pytest.raises(ConnectionClosed):
        await ws.recv()
    assert ws.close_code == 1008
    assert error["type"] == "error"
    return error  # type: ignore[no-any-return]


async def test_huge_resume_from_is_refused_and_other_ships_keep_receiving(
    server: Any, committed: Any
) -> None:
    async with committed() as s:
        case = await make_case(s)
        attacker = await make_ship(s)
        bystander = await make_ship(s)
    calm = await open_ship(server.ship_url(0), bystander.token)
    # In the URL, in the auth frame and in a resume frame: each refused with 1008.
    huge = 2**70
    auth = {"Authorization": f"Bearer {attacker.token}"}
    async with connect(server.ship_url(huge), additional_headers=auth) as ws:
        assert "resume_from" in (await _refused(ws))["data"]["detail"]
    async with connect(server.ship_url()) as ws:
        await ws.send(json.dumps({"type": "auth", "data": {"token": attacker.token}} | {}))
        await ws.send(json.dumps({"type": "resume", "data": {"resume_from": huge}}))
        await _refused(ws)
    async with connect(server.ship_url()) as ws:
        frame = {"type": "auth", "data": {"token": attacker.token, "resume_from": huge}}
        await ws.send(json.dumps(frame))
        await _refused(ws)
    async with connect(server.ship_url(), additional_headers=auth) as ws:
        await ws.send(json.dumps({"type": "resume", "data": {"resume_from": huge}}))
        await _refused(ws)
    # The largest bigint is a valid cursor: the ship simply waits beyond every delivery.
    edge = await open_ship(server.ship_url(INT64_MAX), attacker.token)
    alert_id = await issue(committed, case.id, [bystander.mmsi, attacker.mmsi])
    (frame,) = await next_frames(calm, 1)
    assert frame["data"]["alert_id"] == alert_id
    await edge.close()
    await calm.close()


async def test_huge_ids_in_frames_get_an_error_and_1008(server: Any, committed: Any) -> None:
    async with committed() as s:
        ship = await make_ship(s)
    for frame in (
        {"type": "ack", "data": {"seq": 2**64}},
        {"type": "answer", "data": {"alert_id": 2**64, "kind": "accept", "client_msg_id": "x"}},
        {"type": "ack", "data": {"seq": -1}},
        {"type": "ack", "data": {"seq": "5"}},
    ):
        ws = await open_ship(server.ship_url(0), ship.token)
        await ws.send(json.dumps(frame))
        error = await _refused(ws)
        assert error["data"]["code"] == "protocol_error"


async def test_token_in_url_is_refused_and_auth_frame_works(server: Any, committed: Any) -> None:
    async with committed() as s:
        case = await make_case(s)
        ship = await make_ship(s)
    with pytest.raises(InvalidStatus) as in_url:
        await connect(server.ship_url(0) + f"&token={ship.token}")
    assert in_url.value.response.status_code == 401
    alert_id = await issue(committed, case.id, [ship.mmsi])
    async with connect(server.ship_url()) as ws:
        await ws.send(json.dumps({"type": "auth", "data": {"token": ship.token, "resume_from": 0}}))
        welcome = await next_control(ws, "welcome")
        assert welcome["data"]["mmsi"] == ship.mmsi
        (frame,) = await next_frames(ws, 1)
        assert frame["data"]["alert_id"] == alert_id
    async with connect(server.ship_url()) as ws:
        await ws.send(json.dumps({"type": "auth", "data": {"token": "sar_forged"}}))
        assert (await _refused(ws))["data"]["code"] == "unauthenticated"
    async with connect(server.ship_url()) as ws:
        await ws.send(json.dumps({"type": "resume", "data": {"resume_from": 0}}))
        await _refused(ws)


async def test_revoking_a_token_closes_its_open_socket(server: Any, committed: Any) -> None:
    async with committed() as s:
        ship = await make_ship(s)
        other = await make_ship(s)
    ws = await open_ship(server.ship_url(0), ship.token)
    calm = await open_ship(server.ship_url(0), other.token)
    async with committed() as s:
        row = await s.scalar(
            select(ApiToken).where(ApiToken.token_sha256 == security.token_digest(ship.token))
        )
        assert row is not None
        admin = service.Principal(0, "admin", "admin", None, frozenset(), "jwt")
        await service.revoke_api_token(s, token_id=row.id, principal=admin)
    error = await _refused(ws)
    assert "revoked" in error["data"]["detail"]
    # The other ship's socket stays open.
    await calm.send(json.dumps({"type": "ping", "data": {"nonce": 1}}))
    assert (await next_control(calm, "pong"))["data"]["nonce"] == 1
    await calm.close()


async def test_rcc_channel_auth_frame_token_in_url_and_frame_size(
    server: Any, committed: Any
) -> None:
    async with committed() as s:
        user: AppUser = await make_user(s, "rcc_operator")
    token = issue_jwt(user, get_settings())[0]
    url = f"ws://127.0.0.1:{server.http_port}/ws/rcc"
    async with connect(f"{url}?token={token}") as ws:
        error = await _refused(ws)
        assert "URL" in error["data"]["detail"]
    async with connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "auth", "data": {"token": token}}))
        welcome = await next_control(ws, "welcome")
        assert welcome["data"]["role"] == "rcc_operator"
        # A 16 MB frame is refused from its header (1009), before the server reads it.
        with pytest.raises(ConnectionClosed):
            await ws.send(json.dumps({"type": "ping", "data": {"nonce": "x" * 16_000_000}}))
            await ws.recv()
        assert ws.close_code == 1009
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "auth", "data": {"token": "forged"}}))
        await _refused(ws)


async def test_idle_http_connection_is_closed(server: Any) -> None:
    # A connection that never sends a request is closed after the keep-alive timeout (5 s).
    reader, writer = await asyncio.open_connection("127.0.0.1", server.http_port)
    try:
        data = await asyncio.wait_for(reader.read(100), timeout=60)
    finally:
        writer.close()
    assert data == b""  # closed by the server, not by our 60 s guard (that would raise)
