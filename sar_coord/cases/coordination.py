"""Who coordinates a case (IMO MSC.167(78) 6.7, IAMSAR Vol. I): the first RCC informed
coordinates until the responsible RCC (or another) accepts; a request, an acceptance (who, when),
a refusal and a transfer are each appended to case_coordination and to the timeline.

The responsible RCC is the one of the SAR region holding the datum (it follows the datum); the
coordinating RCC changes only by an acceptance or a transfer, never silently. Times UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.cases.exceptions import CoordinationRefused
from sar_coord.cases.models import CaseCoordination, DistressCase
from sar_coord.cases.schemas import CoordinationAction, CoordinationRead, CoordinationStep
from sar_coord.core.time import utcnow


async def append_step(
    session: AsyncSession,
    case: DistressCase,
    *,
    kind: str,
    rcc: str,
    at: datetime,
    actor_name: str,
    actor_user_id: int | None,
    actor_organisation: str | None,
    note: str | None = None,
) -> CaseCoordination:
    """Append one coordination step and apply it to the case's coordinating RCC."""
    step = CaseCoordination(
        case_id=case.id,
        at=at,
        kind=kind,
        rcc=rcc,
        from_rcc=case.coordinating_rcc,
        actor=actor_name,
        actor_user_id=actor_user_id,
        actor_organisation=actor_organisation,
        note=note,
    )
    session.add(step)
    takes_over = kind in ("accepted", "transferred") or (
        kind == "first_informed" and case.coordinating_rcc is None
    )
    if takes_over:
        case.coordinating_rcc, case.coordinating_since = rcc, at
        if kind == "accepted" and rcc == case.responsible_rcc:
            case.responsible_rcc_accepted_at = at
    case.updated_at = utcnow()
    await session.flush()
    return step


def check_action(case: DistressCase, body: CoordinationAction) -> str:
    """The step kind for an action, or CoordinationRefused when it makes no sense now."""
    current = case.coordinating_rcc
    if body.action in ("request", "accept", "transfer") and body.rcc == current:
        raise CoordinationRefused(f"{body.rcc} already coordinates this case")
    if body.action == "transfer" and current is None:
        raise CoordinationRefused("no RCC coordinates yet: record the first RCC informed")
    return {
        "request": "requested",
        "accept": "accepted",
        "decline": "declined",
        "transfer": "transferred",
    }[body.action]


async def history(session: AsyncSession, case_id: int) -> list[CaseCoordination]:
    """The case's coordination steps in the order they were recorded."""
    rows = await session.scalars(
        select(CaseCoordination)
        .where(CaseCoordination.case_id == case_id)
        .order_by(CaseCoordination.id)
    )
    return list(rows.all())


def pending_request(steps: list[CaseCoordination]) -> str | None:
    """The RCC last asked to take coordination that has neither accepted nor declined since."""
    pending: str | None = None
    for step in steps:
        if step.kind == "requested":
            pending = step.rcc
        elif step.kind in ("accepted", "declined", "transferred") and step.rcc == pending:
            pending = None
    return pending


def to_read(case: DistressCase, steps: list[CaseCoordination]) -> CoordinationRead:
    """Who coordinates now, the responsible RCC beside it, and the history."""
    return CoordinationRead(
        case_id=case.id,
        coordinating_rcc=case.coordinating_rcc,
        coordinating_since=case.coordinating_since,
        responsible_rcc=case.responsible_rcc,
        responsible_rcc_accepted_at=case.responsible_rcc_accepted_at,
        differs=differs(case),
        pending_request=pending_request(steps),
        history=[CoordinationStep.model_validate(s) for s in steps],
    )


def differs(case: DistressCase) -> bool:
    """True when the responsible RCC is known and is not the one coordinating."""
    return case.responsible_rcc is not None and case.responsible_rcc != case.coordinating_rcc


def label(case: DistressCase, *, unknown: str = "NOT YET DETERMINED") -> str:
    """Coordinating RCC for a text, with the responsible RCC beside it when they differ."""
    coordinating = case.coordinating_rcc or unknown
    if not differs(case):
        return coordinating
    return f"{coordinating} (RESPONSIBLE RCC {case.responsible_rcc}: NOT YET ACCEPTED)"


def summary(case: DistressCase) -> dict[str, Any]:
    """Coordinating and responsible RCC as plain data (alerts, live events)."""
    return {
        "coordinating_rcc": case.coordinating_rcc,
        "coordinating_since": case.coordinating_since.isoformat().replace("+00:00", "Z")
        if case.coordinating_since
        else None,
        "responsible_rcc": case.responsible_rcc,
        "responsible_rcc_accepted": case.responsible_rcc_accepted_at is not None,
    }
