"""HTTP routes and /ws/rcc on real uvicorn: roles, isolation, answers, RCC feed, escalation."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from websockets.asyncio.client import ClientConnection, connect

from sar_coord.auth.models import AppUser
from sar_coord.auth.service import issue_jwt
from sar_coord.core import events
from sar_coord.core.config import get_settings
from tests.alerts.conftest import Server, free_port
from tests.alerts.factories import make_case, make_ship, make_user
from tests.alerts.wsclient import issue, next_frames, open_ship


@pytest.fixture(scope="module")
async def esc_server(db_url: str) -> AsyncIterator[Server]:
    """The composition root's app (create_app) with an escalation deadline of 2 s."""
    srv = Server(db_url, free_port(), free_port(), {"ALERTS_ESCALATION_AFTER_S": "2"}, real=True)
    try:
        await srv.start()
        yield srv
    finally:
        srv.stop()


def _jwt(user: AppUser) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_jwt(user, get_settings())[0]}"}


async def _rcc_ws(server: Server, headers: dict[str, str]) -> ClientConnection:
    ws = await connect(f"ws://127.0.0.1:{server.http_port}/ws/rcc", additional_headers=headers)
    welcome = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert welcome["type"] == "welcome", welcome
    return ws


def _in_an_hour() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).isoformat()


async def _next_of(ws: ClientConnection, pred: Any, timeout_s: float = 10) -> dict[str, Any]:
    async with asyncio.timeout(timeout_s):
        while True:
            frame = json.loads(await ws.recv())
            if pred(frame):
                return frame  # type: ignore[no-any-return]


async def test_ship_master_cannot_use_rcc_or_auditor_routes(
    esc_server: Server, committed: Any
) -> None:
    async with committed() as s:
        case = await make_case(s)
        ship = await make_ship(s)
    alert_id = await issue(committed, case.id, [ship.mmsi])
    h = {"Authorization": f"Bearer {ship.token}"}
    body = {"case_id": case.id, "kind": "targeted", "mmsis": [ship.mmsi], "message": "x"}
    async with httpx.AsyncClient(base_url=esc_server.http_url) as c:
        assert (await c.post("/api/v1/alerts", json=body, headers=h)).status_code == 403
        assert (await c.get("/api/v1/alerts", headers=h)).status_code == 403
        assert (await c.get(f"/api/v1/alerts/{alert_id}", headers=h)).status_code == 403
        r = await c.patch(f"/api/v1/alerts/{alert_id}", json={"message": "y"}, headers=h)
        assert r.status_code == 403
        r = await c.post(f"/api/v1/alerts/{alert_id}/cancel", json={"reason": "x"}, headers=h)
        assert r.status_code == 403
        assert (await c.get("/api/v1/alerts")).status_code == 401
    ws = await connect(f"ws://127.0.0.1:{esc_server.http_port}/ws/rcc", additional_headers=h)
    error = json.loads(await ws.recv())
    assert error["type"] == "error"
    await ws.wait_closed()
    assert ws.close_code == 1008


async def test_ship_token_reads_and_answers_only_for_its_vessel(
    esc_server: Server, committed: Any
) -> None:
    async with committed() as s:
        case = await make_case(s)
        ship = await make_ship(s)
        other = await make_ship(s)
    mine = await issue(committed, case.id, [ship.mmsi])
    theirs = await issue(committed, case.id, [other.mmsi])
    h = {"Authorization": f"Bearer {ship.token}"}
    async with httpx.AsyncClient(base_url=esc_server.http_url) as c:
        own = (await c.get("/api/v1/ship/deliveries", headers=h)).json()
        assert [(f["seq"], f["data"]["alert_id"]) for f in own] == [(1, mine)]
        r = await c.get(f"/api/v1/ship/deliveries?mmsi={other.mmsi}", headers=h)
        assert r.status_code == 403
        answer = {"kind": "decline", "client_msg_id": "d-1", "reason": "own_safety"}
        r1 = await c.post(f"/api/v1/alerts/{mine}/answers", json=answer, headers=h)
        r2 = await c.post(f"/api/v1/alerts/{mine}/answers", json=answer, headers=h)
        assert r1.status_code == r2.status_code == 200, r1.text
        assert r1.json()["id"] == r2.json()["id"] and r2.json()["duplicate"] is True
        other_answer = dict(answer, client_msg_id="d-2")
        r = await c.post(f"/api/v1/alerts/{theirs}/answers", json=other_answer, headers=h)
        assert r.status_code == 403 and r.json()["error"] == "not_alerted"
        r = await c.post(
            f"/api/v1/alerts/{mine}/answers?mmsi={other.mmsi}", json=other_answer, headers=h
        )
        assert r.status_code == 403
        named = {"kind": "rescued", "client_msg_id": "r-1", "counts": {"adults": 2, "names": ["A"]}}
        r = await c.post(f"/api/v1/alerts/{mine}/answers", json=named, headers=h)
        assert r.status_code == 422


async def test_rcc_issues_ship_answers_rcc_sees_it_live(esc_server: Server, committed: Any) -> None:
    async with committed() as s:
        case = await make_case(s, lat=-30.0, lon=100.0)
        ship = await make_ship(s, lat=-30.0, lon=100.05)
        rcc = await make_user(s, "rcc_operator")
        auditor = await make_user(s, "auditor")
    ship_ws = await open_ship(esc_server.ship_url(0), ship.token)
    rcc_ws = await _rcc_ws(esc_server, _jwt(rcc))
    # Presence is written in batches: wait until the server has recorded the ship as connected.
    async with asyncio.timeout(10):
        while True:
            async with committed() as s:
                seen = await s.scalar(
                    text("SELECT last_seen_at FROM ship_cursor WHERE mmsi = :m"), {"m": ship.mmsi}
                )
            if seen is not None:
                break
            await asyncio.sleep(0.1)
    async with httpx.AsyncClient(base_url=esc_server.http_url) as c:
        body = {"case_id": case.id, "kind": "area", "radius_nm": 10, "message": "Rubber boat"}
        r = await c.post("/api/v1/alerts", json=body, headers=_jwt(rcc))
        assert r.status_code == 201, r.text
        alert_id = r.json()["id"]
        (frame,) = await next_frames(ship_ws, 1)
        assert frame["data"]["alert_id"] == alert_id and frame["data"]["case_id"] == case.id
        issued = await _next_of(
            rcc_ws,
            lambda f: (
                f["type"] == "case_event"
                and f["data"]["kind"] == "alert_issued"
                and f["data"]["case_id"] == case.id
            ),
        )
        assert issued["data"]["data"]["alert_id"] == alert_id
        accept = {"kind": "accept", "client_msg_id": "acc-1", "eta": _in_an_hour()}
        r = await c.post(
            f"/api/v1/alerts/{alert_id}/answers",
            json=accept,
            headers={"Authorization": f"Bearer {ship.token}"},
        )
        assert r.status_code == 200, r.text
        seen = await _next_of(
            rcc_ws, lambda f: f["type"] == "answer" and f["data"]["alert_id"] == alert_id
        )
        assert seen["data"]["mmsi"] == ship.mmsi and seen["data"]["kind"] == "accept"
        detail = (await c.get(f"/api/v1/alerts/{alert_id}", headers=_jwt(auditor))).json()
        assert [rcp["mmsi"] for rcp in detail["recipients"]] == [ship.mmsi]
        assert detail["recipients"][0]["reachable"] is True
    await ship_ws.close()
    await rcc_ws.close()


async def _cursor_moved(committed: Any, mmsi: int, column: str, after: Any = None) -> Any:
    """Wait until the hub's batched flush has written ship_cursor.<column> (past `after`)."""
    async with asyncio.timeout(10):
        while True:
            async with committed() as s:
                value = await s.scalar(
                    text(f"SELECT {column} FROM ship_cursor WHERE mmsi = :m"),
                    {"m": mmsi},
                )
            if value is not None and (after is None or value > after):
                return value
            await asyncio.sleep(0.1)


async def test_a_ship_that_disconnected_is_not_reachable_until_it_returns(
    esc_server: Server, committed: Any
) -> None:
    async with committed() as s:
        case = await make_case(s, lat=-35.0, lon=110.0)
        ship = await make_ship(s, lat=-35.0, lon=110.05)
        rcc = await make_user(s, "rcc_operator")
        auditor = await make_user(s, "auditor")
    ship_ws = await open_ship(esc_server.ship_url(0), ship.token)
    await _cursor_moved(committed, ship.mmsi, "last_seen_at")
    await ship_ws.close()
    gone_at = await _cursor_moved(committed, ship.mmsi, "disconnected_at")
    body = {"case_id": case.id, "kind": "area", "radius_nm": 10, "message": "Rubber boat"}

    async def recipient_after_alert(c: httpx.AsyncClient) -> dict[str, Any]:
        r = await c.post("/api/v1/alerts", json=body, headers=_jwt(rcc))
        assert r.status_code == 201, r.text
        detail = (await c.get(f"/api/v1/alerts/{r.json()['id']}", headers=_jwt(auditor))).json()
        (recipient,) = detail["recipients"]
        return dict(recipient)

    async with httpx.AsyncClient(base_url=esc_server.http_url) as c:
        # within the presence TTL (90 s), but the last socket closed: auditors see the truth
        recipient = await recipient_after_alert(c)
        assert recipient["reachable"] is False and recipient["reason"] == "not connected"
        ship_ws = await open_ship(esc_server.ship_url(0), ship.token)
        await _cursor_moved(committed, ship.mmsi, "last_seen_at", after=gone_at)
        recipient = await recipient_after_alert(c)
        assert recipient["reachable"] is True and recipient["reason"] is None
    await ship_ws.close()


async def test_escalation_auto_widens_and_tells_the_rcc(esc_server: Server, committed: Any) -> None:
    async with committed() as s:
        case = await make_case(s, lat=-40.0, lon=60.0, auto_widen=True)
        near = await make_ship(s, lat=-40.0, lon=60.1)  # 4.6 nm
        farther = await make_ship(s, lat=-40.1, lon=60.0)  # 6.0 nm
        rcc = await make_user(s, "rcc_operator")
    rcc_ws = await _rcc_ws(esc_server, _jwt(rcc))
    far_ws = await open_ship(esc_server.ship_url(0), farther.token)
    async with httpx.AsyncClient(base_url=esc_server.http_url) as c:
        body = {"case_id": case.id, "kind": "area", "radius_nm": 5, "message": "MOB"}
        r = await c.post("/api/v1/alerts", json=body, headers=_jwt(rcc))
        alert_id = r.json()["id"]
    escalation = await _next_of(
        rcc_ws, lambda f: f["type"] == "escalation" and f["data"]["data"]["alert_id"] == alert_id
    )
    assert escalation["data"]["data"]["proposed_radius_nm"] == 7.5
    assert escalation["data"]["data"]["auto_widened"] is True
    (frame,) = await next_frames(far_ws, 1)
    assert frame["data"]["alert_id"] == alert_id and frame["data"]["radius_nm"] == 7.5
    assert near.mmsi != farther.mmsi
    await rcc_ws.close()
    await far_ws.close()


async def test_fleet_deltas_are_batched_and_filtered_by_bbox(
    esc_server: Server, committed: Any
) -> None:
    async with committed() as s:
        rcc = await make_user(s, "rcc_operator")
        inside = await make_ship(s, lat=10.5, lon=-30.5)
        outside = await make_ship(s, lat=20.0, lon=-30.5)
    ws = await _rcc_ws(esc_server, _jwt(rcc))
    await ws.send(json.dumps({"type": "subscribe", "data": {"bbox": [-31, 10, -30, 11]}}))
    await asyncio.sleep(0.3)
    for i in range(3):
        async with committed() as s:
            await s.execute(
                text(
                    "UPDATE vessel_latest SET sog_kn = :v, updated_at = now() "
                    "WHERE mmsi IN (:a, :b)"
                ),
                {"v": 5.0 + i, "a": inside.mmsi, "b": outside.mmsi},
            )
            await events.notify(s, events.FLEET, {"max_updated_at": datetime.now(UTC), "count": 2})
    fleet = await _next_of(ws, lambda f: f["type"] == "fleet")
    mmsis = [v["mmsi"] for v in fleet["data"]["vessels"]]
    assert inside.mmsi in mmsis and outside.mmsi not in mmsis
    await ws.close()
