"""/ws/ship on real uvicorn + websockets servers: replay, resume, live, limits, answers."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from alerts import repository
from tests.alerts.factories import make_case, make_ship
from tests.alerts.wsclient import issue, next_control, next_frames, open_ship


async def test_replay_resume_and_live_without_gap(server: Any, committed: Any) -> None:
    async with committed() as s:
        case = await make_case(s)
        ship = await make_ship(s)
    ids = [await issue(committed, case.id, [ship.mmsi], f"m{i}") for i in range(3)]
    ws = await open_ship(server.ship_url(0), ship.token)
    got = await next_frames(ws, 3)
    assert [f["seq"] for f in got] == [1, 2, 3]
    assert [f["data"]["alert_id"] for f in got] == ids
    assert got[0]["v"] == 1 and got[0]["type"] == "alert" and got[0]["ts"].endswith("Z")
    await ws.send(json.dumps({"type": "ack", "data": {"seq": 2}}))
    await ws.close()
    ids += [await issue(committed, case.id, [ship.mmsi], f"m{i}") for i in range(3, 5)]
    ws = await open_ship(server.ship_url(2), ship.token)
    got = await next_frames(ws, 3)
    assert [f["seq"] for f in got] == [3, 4, 5]
    assert [f["data"]["alert_id"] for f in got] == ids[2:]
    live = await issue(committed, case.id, [ship.mmsi], "live")
    (frame,) = await next_frames(ws, 1)
    assert (frame["seq"], frame["data"]["alert_id"]) == (6, live)
    await ws.close()
    # Without resume_from in the URL, a first `resume` frame without a number uses the last ack.
    await asyncio.sleep(0.6)
    async with connect(
        server.ship_url(), additional_headers={"Authorization": f"Bearer {ship.token}"}
    ) as ws:
        await ws.send(json.dumps({"type": "resume", "data": {}}))
        welcome = await next_control(ws, "welcome")
        assert welcome["data"]["resume_from"] == 2
        assert [f["seq"] for f in await next_frames(ws, 4)] == [3, 4, 5, 6]


async def test_bad_token_and_foreign_vessel_are_refused(server: Any, committed: Any) -> None:
    async with committed() as s:
        ship = await make_ship(s)
        other = await make_ship(s)
    # Without a header the socket opens and waits for an auth frame (test_ship_channel_security).
    with pytest.raises(InvalidStatus) as bad:
        await connect(server.ship_url(0), additional_headers={"Authorization": "Bearer sar_nope"})
    assert bad.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as foreign:
        await connect(
            server.ship_url(0) + f"&mmsi={other.mmsi}",
            additional_headers={"Authorization": f"Bearer {ship.token}"},
        )
    assert foreign.value.response.status_code == 403


async def test_malformed_frame_gets_error_and_1008(server: Any, committed: Any) -> None:
    async with committed() as s:
        case = await make_case(s)
        ship = await make_ship(s)
        bystander = await make_ship(s)
    calm = await open_ship(server.ship_url(0), bystander.token)
    ws = await open_ship(server.ship_url(0), ship.token)
    await ws.send("{not json")
    error = json.loads(await ws.recv())
    assert error["type"] == "error" and error["data"]["code"] == "protocol_error"
    with pytest.raises(ConnectionClosed):
        await ws.recv()
    assert ws.close_code == 1008
    alert_id = await issue(committed, case.id, [bystander.mmsi])
    (frame,) = await next_frames(calm, 1)
    assert frame["data"]["alert_id"] == alert_id
    await calm.close()


async def test_oversized_and_too_fast_clients_are_closed(server: Any, committed: Any) -> None:
    async with committed() as s:
        ship = await make_ship(s)
    ws = await open_ship(server.ship_url(0), ship.token)
    await ws.send(json.dumps({"type": "ping", "data": {"nonce": "x" * 40_000}}))
    with pytest.raises(ConnectionClosed):
        while True:
            await ws.recv()
    assert ws.close_code == 1009
    ws = await open_ship(server.ship_url(0), ship.token)
    with pytest.raises(ConnectionClosed):
        for i in range(200):
            await ws.send(json.dumps({"type": "ping", "data": {"nonce": i}}))
        while True:
            await ws.recv()
    assert ws.close_code == 1008


async def test_answers_over_the_socket_are_idempotent(server: Any, committed: Any) -> None:
    async with committed() as s:
        case = await make_case(s)
        ship = await make_ship(s)
        other = await make_ship(s)
    alert_id = await issue(committed, case.id, [ship.mmsi])
    foreign_alert = await issue(committed, case.id, [other.mmsi])
    ws = await open_ship(server.ship_url(0), ship.token)
    answer = {
        "type": "answer",
        "data": {
            "alert_id": alert_id,
            "kind": "accept",
            "client_msg_id": "a1",
            "eta": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        },
    }
    await ws.send(json.dumps(answer))
    first = await next_control(ws, "answer_ack")
    await ws.send(json.dumps(answer))
    second = await next_control(ws, "answer_ack")
    assert first["data"]["duplicate"] is False and second["data"]["duplicate"] is True
    assert first["data"]["answer_id"] == second["data"]["answer_id"]
    answer["data"] |= {"alert_id": foreign_alert, "client_msg_id": "a2"}
    await ws.send(json.dumps(answer))
    rejected = await next_control(ws, "answer_rejected")
    assert rejected["data"]["code"] == "not_alerted"
    bad = {
        "type": "answer",
        "data": {
            "alert_id": alert_id,
            "kind": "rescued",
            "client_msg_id": "a3",
            "counts": {"adults": 3, "names": ["x"]},
        },
    }
    await ws.send(json.dumps(bad))
    rejected = await next_control(ws, "answer_rejected")
    assert rejected["data"]["code"] == "invalid"
    await ws.close()


async def test_long_replay_is_paged_in_order(server: Any, committed: Any) -> None:
    async with committed() as s:
        case = await make_case(s)
        ship = await make_ship(s)
    alert_id = await issue(committed, case.id, [ship.mmsi])
    async with committed() as s:
        for i in range(449):
            await repository.insert_deliveries(
                s,
                alert_id=alert_id,
                kind="update",
                mmsis=[ship.mmsi],
                payload={"alert_id": alert_id, "n": i},
                now=datetime.now(UTC),
            )
    ws = await open_ship(server.ship_url(0), ship.token)
    got = await next_frames(ws, 450, timeout_s=30)
    assert [f["seq"] for f in got] == list(range(1, 451))
    await ws.close()
