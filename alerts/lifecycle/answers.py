"""Answers in sight: per recipient of an alert, delivered or not, accepted with its ETA, declined
with its reason, or silent for N minutes (UTC; minutes since the alert was issued)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from alerts import repository
from alerts.models import Alert
from alerts.schemas import RecipientState

STATES = {"accept": "accepted", "decline": "declined", "on_scene": "on_scene", "rescued": "rescued"}


def _eta(data: dict[str, Any]) -> datetime | None:
    value = data.get("eta")
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None


def state_of(row: Any, *, issued_at: datetime, now: datetime) -> RecipientState:
    """One recipient's standing from its delivery, acknowledgement and latest answer."""
    data: dict[str, Any] = row.answer_data or {}
    answer = row.answer
    if answer is not None:
        state = STATES[answer]
    elif row.delivered:
        state = "delivered"
    elif row.seq is not None:
        state = "sent"
    else:
        state = "not_reachable"
    silent = answer is None and state != "not_reachable"
    return RecipientState(
        state=state,  # type: ignore[arg-type]
        delivered=bool(row.delivered),
        acked_at=row.acked_at if row.delivered else None,
        answered_at=row.answered_at,
        eta=_eta(data) if answer == "accept" else None,
        decline_reason=data.get("reason") if answer == "decline" else None,
        decline_note=data.get("note") if answer == "decline" else None,
        no_answer_min=round((now - issued_at).total_seconds() / 60.0, 1) if silent else None,
    )


async def in_sight(
    session: AsyncSession, alert: Alert, *, now: datetime
) -> dict[int, RecipientState]:
    """MMSI -> standing, for every recipient of the alert; the nearest ship it reached (first
    responder) and the first to accept are marked."""
    rows = await repository.answers_in_sight(session, alert_id=alert.id)
    states = {mmsi: state_of(row, issued_at=alert.issued_at, now=now) for mmsi, row in rows.items()}
    reached = [
        (r.distance_nm, m)
        for m, r in rows.items()
        if r.seq is not None and r.distance_nm is not None
    ]
    if reached:
        states[min(reached)[1]].nearest = True
    accepted = [(r.accepted_at, m) for m, r in rows.items() if r.accepted_at is not None]
    if accepted:
        states[min(accepted)[1]].first_to_accept = True
    return states
