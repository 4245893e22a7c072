"""Alert services on real PostGIS: recipients, per-ship sequences, updates, cancels, answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from alerts.exceptions import InvalidAlert, NotAlerted
from alerts.lifecycle import service
from alerts.models import ShipAnswer
from alerts.schemas import AcceptAnswer, AlertCreate, AlertUpdate, DeclineAnswer
from sar_coord.cases.models import CaseEvent
from tests.alerts.factories import deliveries, make_case, make_ship

RCC = service.Actor("rcc-test")


async def test_area_alert_resolves_recipients_and_reachability(session: AsyncSession) -> None:
    case = await make_case(session, lat=35.0, lon=14.0)
    near = await make_ship(session, lat=35.0, lon=14.1)  # ~4.9 nm
    unregistered = await make_ship(session, lat=35.05, lon=14.0, registered=False, account=False)
    no_account = await make_ship(session, lat=35.1, lon=14.0, account=False)
    far = await make_ship(session, lat=36.0, lon=14.0)  # 60 nm
    partner = await make_ship(session, lat=40.0, lon=5.0, receive_all=True)
    await session.execute(
        text("INSERT INTO ship_cursor (mmsi, acked_seq, last_seen_at) VALUES (:m, 0, now())"),
        {"m": near.mmsi},
    )
    alert = await service.issue_alert(
        session,
        AlertCreate(case_id=case.id, kind="area", radius_nm=20, message="Boat in distress"),
        actor=RCC,
    )
    recipients = {r.mmsi: r for r in await service.list_recipients(session, alert.id)}
    assert far.mmsi not in recipients
    assert recipients[near.mmsi].reachable and recipients[near.mmsi].reason is None
    assert 4 < (recipients[near.mmsi].distance_nm or 0) < 6
    assert recipients[unregistered.mmsi].reason == "not registered"
    assert recipients[no_account.mmsi].reason == "no ship account"
    assert recipients[partner.mmsi].reason == "not connected"
    assert await deliveries(session, near.mmsi) == [(1, "alert", alert.id)]
    assert await deliveries(session, unregistered.mmsi) == []
    assert await deliveries(session, partner.mmsi) == [(1, "alert", alert.id)]


async def test_sequences_per_ship_update_widen_cancel(session: AsyncSession) -> None:
    case = await make_case(session, lat=10.0, lon=10.0)
    a = await make_ship(session, lat=10.0, lon=10.1)
    b = await make_ship(session, lat=10.5, lon=10.0)  # 30 nm
    first = await service.issue_alert(
        session, AlertCreate(case_id=case.id, kind="area", radius_nm=10, message="m1"), actor=RCC
    )
    second = await service.issue_alert(
        session,
        AlertCreate(case_id=case.id, kind="targeted", mmsis=[a.mmsi], message="m2"),
        actor=RCC,
    )
    await service.update_alert(session, first.id, AlertUpdate(radius_nm=40), actor=RCC)
    await service.cancel_alert(session, first.id, reason="found", actor=RCC)
    assert await deliveries(session, a.mmsi) == [
        (1, "alert", first.id),
        (2, "alert", second.id),
        (3, "update", first.id),
        (4, "cancel", first.id),
    ]
    assert await deliveries(session, b.mmsi) == [(1, "alert", first.id), (2, "cancel", first.id)]
    kinds = (
        (
            await session.execute(
                select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
            )
        )
        .scalars()
        .all()
    )
    # The first alert moves the open case to alerting (a status event on the timeline).
    assert kinds == ["alert_issued", "status", "alert_issued", "alert_updated", "alert_cancelled"]


async def test_area_alert_without_radius_is_refused(session: AsyncSession) -> None:
    case = await make_case(session)
    with pytest.raises(InvalidAlert):
        await service.issue_alert(
            session, AlertCreate(case_id=case.id, kind="area", message="x"), actor=RCC
        )


async def test_answers_are_idempotent_and_need_an_alert(session: AsyncSession) -> None:
    case = await make_case(session, lat=20.0, lon=20.0)
    ship = await make_ship(session, lat=20.0, lon=20.1)
    other = await make_ship(session, lat=50.0, lon=20.1)
    alert = await service.issue_alert(
        session, AlertCreate(case_id=case.id, kind="area", radius_nm=15, message="go"), actor=RCC
    )
    eta = datetime.now(UTC) + timedelta(hours=2)
    body = AcceptAnswer(kind="accept", client_msg_id="m-1", eta=eta)
    first, dup1 = await service.record_answer(
        session, alert_id=alert.id, mmsi=ship.mmsi, body=body, user_id=ship.user_id
    )
    again, dup2 = await service.record_answer(
        session, alert_id=alert.id, mmsi=ship.mmsi, body=body, user_id=ship.user_id
    )
    assert (dup1, dup2) == (False, True) and first.id == again.id
    assert alert.escalation_due_at is None
    count = await session.scalar(
        select(text("count(*)")).select_from(ShipAnswer).where(ShipAnswer.mmsi == ship.mmsi)
    )
    assert count == 1
    event = await session.get(CaseEvent, first.case_event_id)
    assert event is not None and event.kind == "ship_accept" and event.data["mmsi"] == ship.mmsi
    with pytest.raises(NotAlerted):
        await service.record_answer(
            session,
            alert_id=alert.id,
            mmsi=other.mmsi,
            body=DeclineAnswer(kind="decline", client_msg_id="x", reason="too_far"),
            user_id=other.user_id,
        )


async def test_alerts_and_answers_enter_the_transparency_log(session: AsyncSession) -> None:
    """What the RCC asked and what the ship answered are signed-log entries (free text hashed)."""
    import json

    from sar_coord.audit.models import TransparencyLogEntry

    case = await make_case(session, lat=34.0, lon=13.0)
    ship = await make_ship(session, lat=34.0, lon=13.1)
    alert = await service.issue_alert(
        session,
        AlertCreate(case_id=case.id, kind="targeted", mmsis=[ship.mmsi], message="Proceed"),
        actor=RCC,
    )
    await service.record_answer(
        session,
        alert_id=alert.id,
        mmsi=ship.mmsi,
        body=DeclineAnswer(
            kind="decline", client_msg_id="d-1", reason="other", note="engine room flooding"
        ),
        user_id=None,
    )
    await service.cancel_alert(session, alert.id, reason="resolved", actor=RCC)
    rows = (
        await session.scalars(
            select(TransparencyLogEntry)
            .where(TransparencyLogEntry.case_id == case.id)
            .order_by(TransparencyLogEntry.leaf_index)
        )
    ).all()
    assert [r.kind for r in rows] == ["alert_issued", "ship_answer", "alert_cancelled"]
    assert all(ship.mmsi in r.vessel_mmsis for r in rows)
    issued = json.loads(rows[0].entry)["payload"]
    assert issued["message"] == "Proceed" and issued["delivered_to"] == [ship.mmsi]
    assert b"flooding" not in rows[1].entry
    assert json.loads(rows[1].entry)["payload"]["note_sha256"]


async def test_alert_moves_case_to_alerting_and_acceptance_to_assisting(
    session: AsyncSession,
) -> None:
    case = await make_case(session, lat=33.5, lon=12.5)
    ship = await make_ship(session, lat=33.5, lon=12.6)
    alert = await service.issue_alert(
        session,
        AlertCreate(case_id=case.id, kind="targeted", mmsis=[ship.mmsi], message="Assist"),
        actor=RCC,
    )
    await session.refresh(case)
    assert case.status == "alerting"
    await service.record_answer(
        session,
        alert_id=alert.id,
        mmsi=ship.mmsi,
        body=AcceptAnswer(
            kind="accept", client_msg_id="a-1", eta=datetime.now(UTC) + timedelta(hours=2)
        ),
        user_id=None,
    )
    await session.refresh(case)
    assert case.status == "assisting"
