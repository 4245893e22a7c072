"""Answers in sight: per ship of an alert, sent, delivered, accepted with ETA, declined with
reason, not reachable, and minutes without an answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from alerts.lifecycle import answers, service
from alerts.schemas import AcceptAnswer, AlertCreate, DeclineAnswer
from tests.alerts.factories import make_case, make_ship


async def test_each_ship_shows_where_it_stands(session: AsyncSession) -> None:
    case = await make_case(session, lat=35.0, lon=14.0)
    accepts = await make_ship(session, lat=35.0, lon=14.1)
    declines = await make_ship(session, lat=35.1, lon=14.0)
    acked = await make_ship(session, lat=35.0, lon=13.85)
    silent = await make_ship(session, lat=34.9, lon=14.0)
    unknown = await make_ship(session, lat=34.95, lon=14.05, registered=False, account=False)
    ships = [accepts, declines, acked, silent, unknown]
    alert = await service.issue_alert(
        session,
        AlertCreate(case_id=case.id, kind="targeted", mmsis=[s.mmsi for s in ships], message="m"),
        actor=service.Actor("rcc-test"),
    )
    eta = (alert.issued_at + timedelta(hours=2)).replace(microsecond=0)
    await service.record_answer(
        session, alert_id=alert.id, mmsi=accepts.mmsi,
        body=AcceptAnswer(kind="accept", client_msg_id="a1", eta=eta), user_id=accepts.user_id,
    )  # fmt: skip
    await service.record_answer(
        session, alert_id=alert.id, mmsi=declines.mmsi,
        body=DeclineAnswer(kind="decline", client_msg_id="d1", reason="own_safety", note="gale"),
        user_id=declines.user_id,
    )  # fmt: skip
    seq = await session.scalar(
        text("SELECT seq FROM ship_delivery WHERE mmsi = :m AND alert_id = :a"),
        {"m": acked.mmsi, "a": alert.id},
    )
    await session.execute(
        text("INSERT INTO ship_cursor (mmsi, acked_seq, acked_at) VALUES (:m, :s, now())"),
        {"m": acked.mmsi, "s": seq},
    )
    now = alert.issued_at + timedelta(minutes=7)
    states = await answers.in_sight(session, alert, now=now)
    assert states[accepts.mmsi].state == "accepted" and states[accepts.mmsi].eta == eta
    assert states[accepts.mmsi].no_answer_min is None
    assert states[declines.mmsi].state == "declined"
    assert (states[declines.mmsi].decline_reason, states[declines.mmsi].decline_note) == (
        "own_safety",
        "gale",
    )
    assert states[acked.mmsi].state == "delivered" and states[acked.mmsi].delivered
    assert states[acked.mmsi].no_answer_min == 7.0
    assert states[silent.mmsi].state == "sent" and not states[silent.mmsi].delivered
    assert states[silent.mmsi].no_answer_min == 7.0
    assert states[unknown.mmsi].state == "not_reachable"
    assert states[unknown.mmsi].no_answer_min is None
    # first responder marks: the nearest ship reached, the first to accept
    assert [m for m, st in states.items() if st.nearest] == [accepts.mmsi]
    assert [m for m, st in states.items() if st.first_to_accept] == [accepts.mmsi]
