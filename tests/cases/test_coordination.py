"""Coordinating RCC (MSC.167(78) 6.7): first informed until the responsible RCC accepts; a boat
drifting into another region; texts and alerts name the coordinating RCC of the moment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from alerts.lifecycle import service as alert_service
from alerts.lifecycle.texts import SitrepInput, Station, mayday_relay_text, sitrep_text
from alerts.schemas import AlertCreate
from sar_coord.cases import coordination, regions, service
from sar_coord.cases.exceptions import CoordinationRefused
from sar_coord.cases.schemas import CaseCreate, CaseUpdate, CoordinationAction, SarRegionWrite
from tests.alerts.factories import make_ship

ROME = service.Actor("rome_officer", None, "MRCC Rome")
MALTA = service.Actor("malta_officer", None, "RCC Malta")
AT = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
MALTA_BOX = [[[11.0, 34.0], [19.0, 34.0], [19.0, 36.5], [11.0, 36.5], [11.0, 34.0]]]
ROME_BOX = [[[7.0, 36.5], [19.0, 36.5], [19.0, 45.0], [7.0, 45.0], [7.0, 36.5]]]


@pytest.fixture
async def srr(session: AsyncSession) -> AsyncSession:
    """Two made-up SAR regions split at 36.5 N (rolled back with the test)."""
    for name, ring in (("RCC Malta", MALTA_BOX), ("MRCC Rome", ROME_BOX)):
        await regions.upsert_region(
            session,
            body=SarRegionWrite(
                rcc_name=name,
                region_name=f"{name} SRR",
                contact={},
                geometry={"type": "Polygon", "coordinates": ring},
            ),
        )
    return session


async def _case_first_told_to_rome(session: AsyncSession) -> Any:
    # datum south of Lampedusa: Malta's region, but Rome was called first
    return await service.create_case(
        session,
        body=CaseCreate(lat=35.2, lon=12.6, persons_on_board=80, first_rcc="MRCC Rome"),
        actor=ROME,
    )


def _f_line(case: Any) -> str:
    body = sitrep_text(case, 12.6, 35.2, SitrepInput(number=1, at=AT, sender="MRCC ROME", to=[]))
    (line,) = [ln for ln in body.splitlines() if "COORDINATING RCC" in ln]
    return line


async def _alert_payload(session: AsyncSession, case_id: int) -> dict[str, Any]:
    ship = await make_ship(session, lat=35.25, lon=12.65)
    await alert_service.issue_alert(
        session,
        AlertCreate(case_id=case_id, kind="targeted", mmsis=[ship.mmsi], message="assist"),
        actor=alert_service.Actor("rome_officer"),
    )
    payload = await session.scalar(
        text("SELECT payload FROM ship_delivery WHERE mmsi = :m"), {"m": ship.mmsi}
    )
    assert isinstance(payload, dict)
    return payload


async def test_datum_in_another_region_not_yet_accepted(srr: AsyncSession) -> None:
    session = srr
    case = await _case_first_told_to_rome(session)
    assert case.coordinating_rcc == "MRCC Rome" and case.responsible_rcc == "RCC Malta"
    assert case.responsible_rcc_accepted_at is None and coordination.differs(case)
    assert _f_line(case) == (
        "F. COORDINATING RCC: MRCC Rome (RESPONSIBLE RCC RCC Malta: NOT YET ACCEPTED)"
    )
    station = Station(name="MRCC Rome", call_sign="IAR", mmsi="002470001")
    mayday = mayday_relay_text(case, 12.6, 35.2, at=AT, station=station)
    assert "REPORT TO MRCC Rome (RESPONSIBLE RCC RCC Malta: NOT YET ACCEPTED)" in mayday
    payload = await _alert_payload(session, case.id)
    assert payload["coordinating_rcc"] == "MRCC Rome" and payload["responsible_rcc"] == "RCC Malta"
    assert payload["responsible_rcc_accepted"] is False
    await service.coordinate(
        session,
        case_id=case.id,
        body=CoordinationAction(action="request", rcc="RCC Malta", at=AT),
        actor=ROME,
    )
    steps = await coordination.history(session, case.id)
    read = coordination.to_read(case, steps)
    assert read.pending_request == "RCC Malta" and read.coordinating_rcc == "MRCC Rome"
    assert [(s.kind, s.rcc, s.from_rcc) for s in steps] == [
        ("first_informed", "MRCC Rome", None),
        ("requested", "RCC Malta", "MRCC Rome"),
    ]


async def test_accepted_by_the_responsible_rcc(srr: AsyncSession) -> None:
    session = srr
    case = await _case_first_told_to_rome(session)
    await service.coordinate(
        session,
        case_id=case.id,
        body=CoordinationAction(action="request", rcc="RCC Malta"),
        actor=ROME,
    )
    accepted_at = datetime(2026, 11, 28, 12, 15, tzinfo=UTC)
    # given in local time (+01:00), stored and shown in UTC
    local = datetime.fromisoformat("2026-11-28T13:15:00+01:00")
    await service.coordinate(
        session,
        case_id=case.id,
        body=CoordinationAction(action="accept", rcc="RCC Malta", at=local),
        actor=MALTA,
    )
    assert case.coordinating_rcc == "RCC Malta" and case.coordinating_since == accepted_at
    assert case.responsible_rcc_accepted_at == accepted_at and not coordination.differs(case)
    assert _f_line(case) == "F. COORDINATING RCC: RCC Malta"
    steps = await coordination.history(session, case.id)
    accept = steps[-1]
    assert (accept.kind, accept.rcc, accept.from_rcc) == ("accepted", "RCC Malta", "MRCC Rome")
    assert (accept.actor, accept.actor_organisation) == ("malta_officer", "RCC Malta")
    assert coordination.to_read(case, steps).pending_request is None
    payload = await _alert_payload(session, case.id)
    assert payload["coordinating_rcc"] == "RCC Malta" and payload["responsible_rcc_accepted"]
    with pytest.raises(CoordinationRefused):
        await service.coordinate(
            session,
            case_id=case.id,
            body=CoordinationAction(action="accept", rcc="RCC Malta"),
            actor=MALTA,
        )
    events = await session.execute(
        text("SELECT kind FROM case_event WHERE case_id = :c ORDER BY id"), {"c": case.id}
    )
    kinds = list(events.scalars())
    assert kinds.index("coordination_requested") < kinds.index("coordination_accepted")


async def test_history_is_append_only(srr: AsyncSession) -> None:
    session = srr
    case = await _case_first_told_to_rome(session)
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(
                text("UPDATE case_coordination SET rcc = 'X' WHERE case_id = :c"), {"c": case.id}
            )
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(
                text("DELETE FROM case_coordination WHERE case_id = :c"), {"c": case.id}
            )


async def test_case_drifting_across_a_region_boundary(srr: AsyncSession) -> None:
    session = srr
    case = await _case_first_told_to_rome(session)
    await service.coordinate(
        session,
        case_id=case.id,
        body=CoordinationAction(action="accept", rcc="RCC Malta"),
        actor=MALTA,
    )
    # the boat drifts north across 36.5 N into Rome's region: Malta keeps coordinating
    await service.update_case(
        session, case_id=case.id, body=CaseUpdate(lat=36.7, lon=12.6), actor=MALTA
    )
    assert case.responsible_rcc == "MRCC Rome" and case.coordinating_rcc == "RCC Malta"
    assert case.responsible_rcc_accepted_at is None and coordination.differs(case)
    assert _f_line(case) == (
        "F. COORDINATING RCC: RCC Malta (RESPONSIBLE RCC MRCC Rome: NOT YET ACCEPTED)"
    )
    payload = await _alert_payload(session, case.id)
    assert payload["coordinating_rcc"] == "RCC Malta" and payload["responsible_rcc"] == "MRCC Rome"
    # Malta hands over, agreed with Rome
    await service.coordinate(
        session,
        case_id=case.id,
        body=CoordinationAction(action="transfer", rcc="MRCC Rome", note="agreed by phone"),
        actor=MALTA,
    )
    assert case.coordinating_rcc == "MRCC Rome" and not coordination.differs(case)
    steps = await coordination.history(session, case.id)
    assert [s.kind for s in steps] == ["first_informed", "accepted", "transferred"]
    assert (steps[-1].from_rcc, steps[-1].note) == ("RCC Malta", "agreed by phone")


async def test_coordination_over_http(client: Any, users: dict[str, Any]) -> None:
    rcc = users["rcc"]["headers"]
    r = await client.post(
        "/api/v1/cases", json={"lat": 33.0, "lon": 25.0, "first_rcc": "JRCC Test"}, headers=rcc
    )
    case_id = r.json()["id"]
    assert r.json()["coordinating_rcc"] == "JRCC Test"
    r = await client.post(
        f"/api/v1/cases/{case_id}/coordination",
        json={"action": "transfer", "rcc": "JRCC Other", "at": "2026-11-28T12:00:00+02:00"},
        headers=rcc,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["coordinating_rcc"] == "JRCC Other"
    assert body["coordinating_since"].startswith("2026-11-28T10:00:00")
    assert [s["kind"] for s in body["history"]] == ["first_informed", "transferred"]
    r = await client.post(
        f"/api/v1/cases/{case_id}/coordination",
        json={"action": "accept", "rcc": "JRCC Other"},
        headers=rcc,
    )
    assert r.status_code == 409 and r.json()["error"] == "coordination_refused"
    r = await client.get(
        f"/api/v1/cases/{case_id}/coordination", headers=users["auditor"]["headers"]
    )
    assert r.status_code == 200 and len(r.json()["history"]) == 2
    r = await client.post(
        f"/api/v1/cases/{case_id}/coordination",
        json={"action": "accept", "rcc": "X RCC"},
        headers=users["auditor"]["headers"],
    )
    assert r.status_code == 403


async def test_on_scene_coordinator_is_designated_and_recorded(
    client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    r = await client.post("/api/v1/cases", json={"lat": 33.5, "lon": 24.0}, headers=rcc)
    case_id = r.json()["id"]
    for mmsi, name in ((247_000_101, "MV FIRST"), (247_000_102, "MV SECOND")):
        r = await client.post(
            f"/api/v1/cases/{case_id}/osc", json={"mmsi": mmsi, "name": name}, headers=rcc
        )
        assert r.status_code == 200, r.text
    osc = r.json()["on_scene_coordinator"]
    assert (osc["mmsi"], osc["name"], osc["designated_by"]) == (
        247_000_102,
        "MV SECOND",
        "fixture_rcc",
    )
    events = (await client.get(f"/api/v1/cases/{case_id}/events", headers=rcc)).json()
    assert [e["data"]["mmsi"] for e in events if e["kind"] == "osc_designated"] == [
        247_000_101,
        247_000_102,
    ]
    r = await client.post(
        f"/api/v1/cases/{case_id}/osc", json={"mmsi": 1}, headers=users["auditor"]["headers"]
    )
    assert r.status_code == 403
