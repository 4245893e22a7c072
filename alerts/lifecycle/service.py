"""Alert services: issue, update, cancel, answer; they only flush (NOTIFY rides on commit)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from alerts import repository
from alerts.config import AlertsSettings, get_alerts_settings
from alerts.exceptions import (
    AlertCancelled,
    AlertNotFound,
    AlertStoodDown,
    InvalidAlert,
    NotAlerted,
)
from alerts.lifecycle import recipients
from alerts.models import Alert, AlertRecipient, ShipAnswer, ShipDelivery
from alerts.schemas import AlertCreate, AlertUpdate, AnswerBody
from sar_coord.audit.service import append_entry
from sar_coord.cases import service as case_service
from sar_coord.cases.exceptions import CaseNotFound
from sar_coord.cases.schemas import StatusChange
from sar_coord.core import events
from sar_coord.core.time import utcnow
from sar_coord.search_planning import service as search_planning

ANSWERS_AFTER_STAND_DOWN = frozenset({"on_scene", "rescued", "message"})
"""Reports a ship may still send on a stood-down alert: facts, never a new commitment."""

if TYPE_CHECKING:
    from sar_coord.cases.models import CaseEvent, DistressCase

ShipRoutes = Callable[
    [AsyncSession, "DistressCase", list[int], datetime], Awaitable[dict[int, dict[str, Any]]]
]
"""(session, case, MMSIs nearest first, now) -> MMSI -> keys added to that ship's payload."""
_ship_routes: ShipRoutes | None = None


def use_ship_routes(provider: ShipRoutes | None) -> None:
    """Wire the per-ship route provider (alerts.matching.ship_routes.routes_for_alert), set by
    the composition root: the lifecycle wing does not import the matching wing."""
    global _ship_routes
    _ship_routes = provider


# A NOTIFY listing this many MMSIs stays well under PostgreSQL's 8 kB payload limit.
NOTIFY_MMSI_LIMIT = 400


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a display name and the user id (None for the system)."""

    name: str
    user_id: int | None = None


SYSTEM = Actor("system")


def _iso(at: datetime | None) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at is not None else None


async def _datum(session: AsyncSession, case_id: int) -> dict[str, float]:
    _, lon, lat = await case_service.get_case(session, case_id)
    return {"lat": float(lat), "lon": float(lon)}


def _case_payload(case: DistressCase, datum: dict[str, float]) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "case_reference": case.reference,
        "datum": datum,
        "datum_at": _iso(case.datum_at),
        "datum_uncertainty_nm": case.datum_uncertainty_nm,
        "persons_on_board": case.persons_on_board,
        "boat_type": case.boat_type,
        "boat_colour": case.boat_colour,
        "people_in_water": case.people_in_water,
        "medical_emergencies": case.medical_emergencies,
        "drift_speed_kn": case.drift_speed_kn,
        "drift_toward_deg": case.drift_toward_deg,
        **case_service.coordination_summary(case),
    }


async def _alert_payload(session: AsyncSession, alert: Alert, case: DistressCase) -> dict[str, Any]:
    return {
        "alert_id": alert.id,
        "kind": alert.kind,
        "status": alert.status,
        "radius_nm": alert.radius_nm,
        "message": alert.message,
        "issued_at": _iso(alert.issued_at),
        "updated_at": _iso(alert.updated_at),
        **_case_payload(case, await _datum(session, case.id)),
        "search_assignments": await search_planning.assignments_for_alert(session, case.id),
    }


async def _get_case(session: AsyncSession, case_id: int) -> DistressCase:
    case = await case_service.find_case(session, case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} not found")
    return case


async def _advance_case(
    session: AsyncSession,
    case_id: int,
    *,
    to: str,
    when_in: tuple[str, ...],
    actor: Actor,
    note: str,
) -> None:
    """Move the case forward (open -> alerting, -> assisting) when it is still behind."""
    case = await case_service.find_case(session, case_id)
    if case is not None and case.status in when_in:
        await case_service.change_status(
            session,
            case_id=case_id,
            body=StatusChange(status=to, note=note),  # type: ignore[arg-type]
            actor=case_service.Actor(name=actor.name, user_id=actor.user_id),
        )


async def get_alert(session: AsyncSession, alert_id: int, *, lock: bool = False) -> Alert:
    """The alert or AlertNotFound (optionally locked FOR UPDATE)."""
    stmt = select(Alert).where(Alert.id == alert_id)
    if lock:
        stmt = stmt.with_for_update()
    alert = (await session.execute(stmt)).scalar_one_or_none()
    if alert is None:
        raise AlertNotFound(f"alert {alert_id} not found")
    return alert


async def add_case_event(
    session: AsyncSession,
    *,
    case_id: int,
    actor: Actor,
    kind: str,
    data: dict[str, Any],
    at: datetime,
) -> CaseEvent:
    """Append an alert event to the case's timeline through the cases feature (its one writer)."""
    return await case_service.add_event(
        session,
        case_id,
        case_service.Actor(name=actor.name, user_id=actor.user_id),
        kind,
        data,
        at=at,
    )


async def notify_deliveries(session: AsyncSession, alert_id: int, mmsis: list[int]) -> None:
    """Queue the ALERTS notification of new deliveries (sent on commit; ids only)."""
    if not mmsis:
        return
    payload: dict[str, Any] = {"alert_id": alert_id}
    if len(mmsis) <= NOTIFY_MMSI_LIMIT:
        payload["mmsis"] = sorted(mmsis)
    else:
        payload["all"] = True
    await events.notify(session, events.ALERTS, payload)


async def _resolve_and_deliver(
    session: AsyncSession,
    *,
    alert: Alert,
    case: DistressCase,
    candidates: dict[int, float | None],
    now: datetime,
    settings: AlertsSettings,
) -> list[int]:
    """Record recipients not yet on the alert and deliver it to the registered ones."""
    known = set(
        (
            await session.execute(
                select(AlertRecipient.mmsi).where(AlertRecipient.alert_id == alert.id)
            )
        ).scalars()
    )
    fresh = {m: d for m, d in candidates.items() if m not in known}
    seen_after = now - timedelta(seconds=settings.presence_ttl_s)
    deliver: list[int] = []
    for st in await recipients.standings(session, mmsis=fresh, seen_after=seen_after):
        if not st.registered:
            reachable, reason = False, "not registered"
        elif not st.has_account:
            reachable, reason = False, "no ship account"
        elif not st.connected:
            reachable, reason = False, "not connected"
        else:
            reachable, reason = True, None
        if st.registered:
            deliver.append(st.mmsi)
        session.add(
            AlertRecipient(
                alert_id=alert.id,
                mmsi=st.mmsi,
                reachable=reachable,
                reason=reason,
                distance_nm=st.distance_nm,
                resolved_at=now,
            )
        )
    await session.flush()
    nearest = sorted(deliver, key=lambda m: (fresh.get(m) is None, fresh.get(m) or 0.0, m))
    await repository.insert_deliveries(
        session,
        alert_id=alert.id,
        kind="alert",
        mmsis=deliver,
        payload=await _alert_payload(session, alert, case),
        now=now,
        per_ship=await _routes(session, case, nearest, now),
    )
    return deliver


async def _routes(
    session: AsyncSession, case: DistressCase, mmsis: list[int], now: datetime
) -> dict[int, dict[str, Any]]:
    """MMSI -> extra payload keys (its own route) from the wired provider; none when unwired."""
    if _ship_routes is None or not mmsis:
        return {}
    return await _ship_routes(session, case, mmsis, now)


async def issue_alert(
    session: AsyncSession,
    body: AlertCreate,
    *,
    actor: Actor,
    settings: AlertsSettings | None = None,
) -> Alert:
    """Issue a targeted or area alert; recipients and per-ship deliveries are written with it."""
    settings = settings or get_alerts_settings()
    if body.kind == "area" and body.radius_nm is None:
        raise InvalidAlert("an area alert needs radius_nm")
    if body.kind == "targeted" and not body.mmsis:
        raise InvalidAlert("a targeted alert needs mmsis")
    case = await _get_case(session, body.case_id)
    now = utcnow()
    alert = Alert(
        case_id=case.id,
        kind=body.kind,
        radius_nm=body.radius_nm,
        message=body.message,
        status="active",
        issued_by=actor.name,
        issued_by_user_id=actor.user_id,
        issued_at=now,
        updated_at=now,
        escalation_due_at=now + timedelta(seconds=settings.escalation_after_s),
        escalations=0,
    )
    session.add(alert)
    await session.flush()
    if body.kind == "area":
        assert body.radius_nm is not None
        candidates = await recipients.area_candidates(
            session, case_id=case.id, radius_nm=body.radius_nm
        )
    else:
        candidates = await recipients.distances(session, case_id=case.id, mmsis=body.mmsis)
    delivered = await _resolve_and_deliver(
        session, alert=alert, case=case, candidates=candidates, now=now, settings=settings
    )
    await add_case_event(
        session,
        case_id=case.id,
        actor=actor,
        kind="alert_issued",
        data={
            "alert_id": alert.id,
            "kind": alert.kind,
            "radius_nm": alert.radius_nm,
            "recipients": len(candidates),
            "delivered": len(delivered),
        },
        at=now,
    )
    await append_entry(
        session,
        kind="alert_issued",
        payload={
            "alert_id": alert.id,
            "case_id": case.id,
            "kind": alert.kind,
            "radius_nm": alert.radius_nm,
            "message": alert.message,
            "issued_by": actor.name,
            "issued_at": now,
            "candidates": sorted(candidates),
            "delivered_to": sorted(delivered),
        },
        record_id=alert.id,
        case_id=case.id,
        vessel_mmsis=[*candidates, *delivered],
    )
    await _advance_case(
        session, case.id, to="alerting", when_in=("open",), actor=actor, note="alert issued"
    )
    await notify_deliveries(session, alert.id, delivered)
    return alert


async def delivered_to(session: AsyncSession, alert_id: int) -> list[int]:
    """MMSIs of every ship the alert was delivered to."""
    rows = await session.execute(
        select(ShipDelivery.mmsi).where(ShipDelivery.alert_id == alert_id).distinct()
    )
    return [int(m) for m in rows.scalars()]


async def update_alert(
    session: AsyncSession,
    alert_id: int,
    body: AlertUpdate,
    *,
    actor: Actor,
    settings: AlertsSettings | None = None,
) -> Alert:
    """Change the text or widen the radius: recipients get an update, new ones the alert."""
    settings = settings or get_alerts_settings()
    alert = await get_alert(session, alert_id, lock=True)
    if alert.status == "cancelled":
        raise AlertCancelled(f"alert {alert_id} is cancelled")
    if alert.status == "stood_down":
        raise AlertStoodDown(f"alert {alert_id} was stood down: its case has ended")
    if body.radius_nm is not None and alert.kind != "area":
        raise InvalidAlert("only area alerts have a radius")
    case = await _get_case(session, alert.case_id)
    now = utcnow()
    if body.message is not None:
        alert.message = body.message
    alert.status = "updated"
    alert.updated_at = now
    existing = await delivered_to(session, alert.id)
    await repository.insert_deliveries(
        session,
        alert_id=alert.id,
        kind="update",
        mmsis=existing,
        payload=await _alert_payload(session, alert, case),
        now=now,
        per_ship=await _routes(session, case, existing, now),
    )
    added: list[int] = []
    if body.radius_nm is not None and (alert.radius_nm or 0) < body.radius_nm:
        alert.radius_nm = body.radius_nm
        candidates = await recipients.area_candidates(
            session, case_id=case.id, radius_nm=body.radius_nm
        )
        added = await _resolve_and_deliver(
            session, alert=alert, case=case, candidates=candidates, now=now, settings=settings
        )
    await session.flush()
    await add_case_event(
        session,
        case_id=case.id,
        actor=actor,
        kind="alert_updated",
        data={"alert_id": alert.id, "radius_nm": alert.radius_nm, "added": len(added)},
        at=now,
    )
    await notify_deliveries(session, alert.id, existing + added)
    return alert


async def cancel_alert(session: AsyncSession, alert_id: int, *, reason: str, actor: Actor) -> Alert:
    """Cancel an alert; every ship it was delivered to gets a cancellation."""
    alert = await get_alert(session, alert_id, lock=True)
    if alert.status in ("cancelled", "stood_down"):
        return alert
    now = utcnow()
    alert.status = "cancelled"
    alert.cancelled_at = now
    alert.updated_at = now
    alert.escalation_due_at = None
    existing = await delivered_to(session, alert.id)
    await repository.insert_deliveries(
        session,
        alert_id=alert.id,
        kind="cancel",
        mmsis=existing,
        payload={"alert_id": alert.id, "case_id": alert.case_id, "reason": reason},
        now=now,
    )
    await session.flush()
    await add_case_event(
        session,
        case_id=alert.case_id,
        actor=actor,
        kind="alert_cancelled",
        data={"alert_id": alert.id, "reason": reason},
        at=now,
    )
    await append_entry(
        session,
        kind="alert_cancelled",
        payload={"alert_id": alert.id, "case_id": alert.case_id, "reason": reason, "at": now},
        record_id=alert.id,
        case_id=alert.case_id,
        vessel_mmsis=existing,
    )
    await notify_deliveries(session, alert.id, existing)
    return alert


async def was_alerted(session: AsyncSession, *, alert_id: int, mmsi: int) -> bool:
    """True when the alert was delivered to this vessel."""
    stmt = select(exists().where(ShipDelivery.alert_id == alert_id, ShipDelivery.mmsi == mmsi))
    return bool((await session.execute(stmt)).scalar())


async def record_answer(
    session: AsyncSession,
    *,
    alert_id: int,
    mmsi: int,
    body: AnswerBody,
    user_id: int | None,
) -> tuple[ShipAnswer, bool]:
    """Record a ship's answer as a case event; a repeated client_msg_id returns the first one."""
    prior = await _find_answer(session, mmsi=mmsi, client_msg_id=body.client_msg_id)
    if prior is not None:
        return prior, True
    if not await was_alerted(session, alert_id=alert_id, mmsi=mmsi):
        raise NotAlerted(f"vessel {mmsi} was not alerted for alert {alert_id}")
    alert = await get_alert(session, alert_id)
    if alert.status == "stood_down" and body.kind not in ANSWERS_AFTER_STAND_DOWN:
        allowed = ", ".join(sorted(ANSWERS_AFTER_STAND_DOWN))
        raise AlertStoodDown(
            f"alert {alert_id} was stood down (its case has ended): a {body.kind} answer is no "
            f"longer accepted; only {allowed} reports are"
        )
    now = utcnow()
    data = body.model_dump(mode="json", exclude={"kind", "client_msg_id"})
    answer = ShipAnswer(
        alert_id=alert.id,
        case_id=alert.case_id,
        mmsi=mmsi,
        client_msg_id=body.client_msg_id,
        kind=body.kind,
        data=data,
        user_id=user_id,
        received_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(answer)
            await session.flush()
    except IntegrityError:
        # A concurrent retry with the same client_msg_id won the race: return its answer.
        prior = await _find_answer(session, mmsi=mmsi, client_msg_id=body.client_msg_id)
        if prior is None:
            raise
        return prior, True
    event = await add_case_event(
        session,
        case_id=alert.case_id,
        actor=Actor(f"vessel:{mmsi}", user_id),
        kind=f"ship_{body.kind}",
        data={"alert_id": alert.id, "mmsi": mmsi, "answer_id": answer.id, **data},
        at=now,
    )
    answer.case_event_id = event.id
    await append_entry(
        session,
        kind="ship_answer",
        payload={
            "answer_id": answer.id,
            "alert_id": alert.id,
            "case_id": alert.case_id,
            "mmsi": mmsi,
            "answer": body.kind,
            "received_at": now,
            **_loggable(data),
        },
        record_id=answer.id,
        case_id=alert.case_id,
        vessel_mmsis=[mmsi],
    )
    if body.kind == "accept":
        alert.escalation_due_at = None
        await _advance_case(
            session,
            alert.case_id,
            to="assisting",
            when_in=("open", "alerting"),
            actor=Actor(f"vessel:{mmsi}", user_id),
            note=f"vessel {mmsi} accepted",
        )
    await session.flush()
    await events.notify(session, events.ANSWERS, {"answer_id": answer.id, "case_id": alert.case_id})
    return answer, False


def _loggable(data: dict[str, Any]) -> dict[str, Any]:
    """An answer's fields for the transparency log: free text only as its SHA-256."""
    out = dict(data)
    for key in ("note", "text"):
        value = out.pop(key, None)
        if value:
            out[f"{key}_sha256"] = hashlib.sha256(str(value).encode()).hexdigest()
    return out


async def _find_answer(
    session: AsyncSession, *, mmsi: int, client_msg_id: str
) -> ShipAnswer | None:
    stmt = select(ShipAnswer).where(
        ShipAnswer.mmsi == mmsi, ShipAnswer.client_msg_id == client_msg_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_recipients(session: AsyncSession, alert_id: int) -> list[AlertRecipient]:
    """Everyone the alert was resolved to, by MMSI."""
    stmt = (
        select(AlertRecipient)
        .where(AlertRecipient.alert_id == alert_id)
        .order_by(AlertRecipient.mmsi)
    )
    return list((await session.execute(stmt)).scalars())


async def list_alerts(session: AsyncSession, *, case_id: int | None = None) -> list[Alert]:
    """Alerts, newest first, optionally of one case."""
    stmt = select(Alert).order_by(Alert.id.desc()).limit(500)
    if case_id is not None:
        stmt = stmt.where(Alert.case_id == case_id)
    return list((await session.execute(stmt)).scalars())
