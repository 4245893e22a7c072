"""Stand-down: an ended case's alerts become history and every alerted ship is told, live or on
resume; answers after it are limited to reports of what happened."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from alerts.exceptions import AlertStoodDown
from alerts.lifecycle import service, standdown
from alerts.models import Alert
from alerts.schemas import AlertCreate, AlertUpdate, AnswerBody
from sar_coord.cases import service as case_service
from sar_coord.cases.models import CaseEvent
from sar_coord.cases.schemas import StatusChange
from tests.alerts.conftest import REPO_ROOT
from tests.alerts.factories import deliveries, make_case, make_ship
from tests.alerts.wsclient import issue, next_frames, open_ship

RCC = service.Actor("rcc-test")
OFFICER = case_service.Actor("officer")


def _answer(kind: str, msg_id: str, **extra: Any) -> AnswerBody:
    body: AnswerBody = TypeAdapter(AnswerBody).validate_python(
        {"kind": kind, "client_msg_id": msg_id, **extra}
    )
    return body


async def _end_case(session: AsyncSession, case_id: int, status: str) -> None:
    await case_service.change_status(
        session, case_id=case_id, body=StatusChange(status=status, note="test"), actor=OFFICER
    )


async def test_ending_a_case_stands_down_its_live_alerts_once(session: AsyncSession) -> None:
    case = await make_case(session)
    other_case = await make_case(session)
    a, b = await make_ship(session), await make_ship(session)
    body = AlertCreate(case_id=case.id, kind="targeted", mmsis=[a.mmsi, b.mmsi], message="go")
    alert = await service.issue_alert(session, body, actor=RCC)
    cancelled = await service.issue_alert(session, body, actor=RCC)
    await service.cancel_alert(session, cancelled.id, reason="duplicate", actor=RCC)
    elsewhere = await service.issue_alert(
        session,
        AlertCreate(case_id=other_case.id, kind="targeted", mmsis=[a.mmsi], message="x"),
        actor=RCC,
    )
    await service.record_answer(
        session,
        alert_id=alert.id,
        mmsi=a.mmsi,
        body=_answer("accept", "a1", eta="2026-12-04T20:00:00Z"),
        user_id=a.user_id,
    )
    # A live case is left alone by the sweep.
    assert await standdown.stand_down_ended(session) == []
    await _end_case(session, case.id, "false_alarm")
    assert await standdown.stand_down_ended(session) == [alert.id]
    assert await standdown.stand_down_ended(session) == []
    await session.refresh(alert)
    assert alert.status == "stood_down" and alert.stood_down_at is not None
    assert alert.escalation_due_at is None
    await session.refresh(cancelled)
    assert cancelled.status == "cancelled"
    assert (await session.get(Alert, elsewhere.id)).status == "active"  # type: ignore[union-attr]
    assert (await deliveries(session, b.mmsi))[-1] == (4, "stand_down", alert.id)
    # a also had the other case's alert (seq 4): only this case's live alert is stood down.
    assert [d for d in await deliveries(session, a.mmsi) if d[1] == "stand_down"] == [
        (5, "stand_down", alert.id)
    ]
    events = list(
        await session.scalars(
            select(CaseEvent).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == "alert_stood_down"
            )
        )
    )
    assert len(events) == 1
    assert events[0].data["reason"] == "false alarm"
    assert events[0].data["ships"] == sorted(
        [{"mmsi": a.mmsi, "seq": 5}, {"mmsi": b.mmsi, "seq": 4}], key=lambda s: s["mmsi"]
    )


async def test_after_stand_down_only_reports_of_what_happened_are_accepted(
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    ship = await make_ship(session)
    alert = await service.issue_alert(
        session,
        AlertCreate(case_id=case.id, kind="targeted", mmsis=[ship.mmsi], message="go"),
        actor=RCC,
    )
    await _end_case(session, case.id, "cancelled")
    await standdown.stand_down_ended(session, [case.id])
    for kind, extra in (
        ("accept", {"eta": "2026-12-04T20:00:00Z"}),
        ("decline", {"reason": "too_far"}),
        ("request_pos", {}),
    ):
        with pytest.raises(AlertStoodDown, match="only message, on_scene, rescued"):
            await service.record_answer(
                session,
                alert_id=alert.id,
                mmsi=ship.mmsi,
                body=_answer(kind, f"late-{kind}", **extra),
                user_id=ship.user_id,
            )
    answer, duplicate = await service.record_answer(
        session,
        alert_id=alert.id,
        mmsi=ship.mmsi,
        body=_answer("rescued", "r1", counts={"adults": 3}),
        user_id=ship.user_id,
    )
    assert answer.kind == "rescued" and not duplicate
    with pytest.raises(AlertStoodDown):
        await service.update_alert(session, alert.id, AlertUpdate(message="more"), actor=RCC)
    # Cancelling a stood-down alert changes nothing and sends nothing.
    before = await deliveries(session, ship.mmsi)
    await service.cancel_alert(session, alert.id, reason="late", actor=RCC)
    assert await deliveries(session, ship.mmsi) == before


async def test_connected_ship_is_stood_down_live_and_offline_ship_on_resume(
    server: Any, committed: Any
) -> None:
    async with committed() as s:
        case = await make_case(s)
        live = await make_ship(s)
        offline = await make_ship(s)
    live_ws = await open_ship(server.ship_url(0), live.token)
    alert_id = await issue(committed, case.id, [live.mmsi, offline.mmsi], "boat in distress")
    (first,) = await next_frames(live_ws, 1)
    assert (first["type"], first["data"]["alert_id"]) == ("alert", alert_id)

    async with committed() as s:
        await _end_case(s, case.id, "cancelled")
    # The server hears the case change (CASES notification) and stands the ships down.
    (stand_down,) = await next_frames(live_ws, 1, timeout_s=15)
    assert stand_down["type"] == "stand_down" and stand_down["seq"] == 2
    assert stand_down["data"]["alert_id"] == alert_id
    assert stand_down["data"]["case_reference"] == case.reference
    assert stand_down["data"]["reason"] == "case cancelled"
    await live_ws.close()

    offline_ws = await open_ship(server.ship_url(0), offline.token)
    frames = await next_frames(offline_ws, 2)
    assert [(f["seq"], f["type"]) for f in frames] == [(1, "alert"), (2, "stand_down")]
    await offline_ws.close()

    headers = {"Authorization": f"Bearer {offline.token}"}
    async with httpx.AsyncClient(base_url=server.http_url, headers=headers) as c:
        fetched = (await c.get("/api/v1/ship/deliveries", params={"after": 0})).json()
        assert [(f["seq"], f["type"], f["data"]["alert_id"]) for f in fetched] == [
            (1, "alert", alert_id),
            (2, "stand_down", alert_id),
        ]
        late = await c.post(
            f"/api/v1/alerts/{alert_id}/answers",
            json={"kind": "accept", "eta": "2026-12-04T20:00:00Z", "client_msg_id": "late-1"},
        )
        assert late.status_code == 409 and late.json()["error"] == "alert_stood_down"
        report = await c.post(
            f"/api/v1/alerts/{alert_id}/answers",
            json={"kind": "on_scene", "at": "2026-12-04T18:00:00Z", "client_msg_id": "os-1"},
        )
        assert report.status_code == 200, report.text


async def test_ship_client_prints_the_stand_down(
    server: Any, committed: Any, tmp_path: Path
) -> None:
    async with committed() as s:
        case = await make_case(s)
        ship = await make_ship(s)
    alert_id = await issue(committed, case.id, [ship.mmsi], "boat in distress")
    async with committed() as s:
        await _end_case(s, case.id, "false_alarm")
    args = ["--url", server.ship_url(), "--token", ship.token]
    args += ["--state-file", str(tmp_path / "seq.json"), "--exit-after", "2"]
    cmd = [sys.executable, "-c", "from alerts.live.ship_client import app; app()", "listen", *args]
    # The stand-down may still be on its way: the client waits for it (bounded by the timeout).
    out = await asyncio.to_thread(
        subprocess.run, cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith(f"[seq 1] ALERT alert {alert_id}")
    assert lines[1].startswith(f"[seq 2] STAND DOWN alert {alert_id} case {case.reference}")
    assert "false alarm" in lines[1] and "on_scene" in lines[1]
    assert json.loads((tmp_path / "seq.json").read_text())["last_seq"] == 2
