"""Escalation: no acceptance within the configured time -> tell the RCC, propose or auto-widen."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from alerts.config import AlertsSettings
from alerts.lifecycle import service
from alerts.models import LIVE_ALERT_STATUSES, Alert, AlertRecipient, ShipAnswer
from alerts.schemas import AlertUpdate
from sar_coord.cases import service as case_service
from sar_coord.core.time import utcnow

log = logging.getLogger(__name__)

# One job across every worker process: whoever takes this transaction-scoped lock runs the round.
ADVISORY_LOCK_KEY = 0x5A4C_4553  # "ZLES"
DEFAULT_TARGETED_RADIUS_NM = 20.0


async def _proposed_radius_nm(
    session: AsyncSession, alert: Alert, settings: AlertsSettings
) -> float:
    if alert.radius_nm is not None:
        return min(
            alert.radius_nm * settings.escalation_widen_factor, settings.escalation_max_radius_nm
        )
    farthest = await session.scalar(
        select(func.max(AlertRecipient.distance_nm)).where(AlertRecipient.alert_id == alert.id)
    )
    base = (
        float(farthest)
        if farthest
        else DEFAULT_TARGETED_RADIUS_NM / settings.escalation_widen_factor
    )
    return min(base * settings.escalation_widen_factor, settings.escalation_max_radius_nm)


async def escalate_due(session: AsyncSession, settings: AlertsSettings) -> list[int]:
    """Escalate every alert past its deadline without an acceptance; returns their ids."""
    now = utcnow()
    accepted = exists().where(ShipAnswer.alert_id == Alert.id, ShipAnswer.kind == "accept")
    stmt = (
        select(Alert)
        .where(Alert.status.in_(LIVE_ALERT_STATUSES), Alert.escalation_due_at <= now, ~accepted)
        .order_by(Alert.id)
        .with_for_update(skip_locked=True)
    )
    due = list((await session.execute(stmt)).scalars())
    for alert in due:
        case = await case_service.find_case(session, alert.case_id)
        proposed = await _proposed_radius_nm(session, alert, settings)
        auto = bool(
            case is not None
            and case.auto_widen
            and alert.kind == "area"
            and (alert.radius_nm or 0) < proposed
        )
        alert.escalations += 1
        alert.escalation_due_at = None
        await service.add_case_event(
            session,
            case_id=alert.case_id,
            actor=service.SYSTEM,
            kind="alert_escalated",
            data={
                "alert_id": alert.id,
                "waited_s": int((now - alert.issued_at).total_seconds()),
                "radius_nm": alert.radius_nm,
                "proposed_radius_nm": round(proposed, 1),
                "auto_widened": auto,
            },
            at=now,
        )
        if auto:
            await service.update_alert(
                session,
                alert.id,
                AlertUpdate(radius_nm=proposed),
                actor=service.SYSTEM,
                settings=settings,
            )
            alert.escalation_due_at = now + timedelta(seconds=settings.escalation_after_s)
        await session.flush()
    return [a.id for a in due]


async def run_once(
    sessionmaker: async_sessionmaker[AsyncSession], settings: AlertsSettings
) -> list[int] | None:
    """One round under the cluster-wide advisory lock; None when another process holds it."""
    async with sessionmaker() as session:
        got = await session.scalar(select(func.pg_try_advisory_xact_lock(ADVISORY_LOCK_KEY)))
        if not got:
            await session.rollback()
            return None
        escalated = await escalate_due(session, settings)
        await session.commit()
        return escalated


class EscalationJob:
    """Periodic escalation rounds in the background of each process (one runs at a time)."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: AlertsSettings,
    ) -> None:
        self._engine = engine
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the periodic rounds."""
        self._task = asyncio.create_task(self._loop(), name="alerts-escalation")

    async def stop(self) -> None:
        """Stop the rounds."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._settings.escalation_poll_s)
            try:
                await run_once(self._sessionmaker, self._settings)
            except Exception:
                log.exception("escalation round failed")
