"""Stand-down: when a case ends, its live alerts become history and every alerted ship is told.

A case ends in the cases feature (closed, cancelled, false alarm), which must not import alerts
(DESIGN.md rule 1). Its status change commits a CASES notification (ids only); every process's
StandDownJob hears it, asks the cases service whether the case has ended and, if so, stands the
case's alerts down in its own transaction. A periodic sweep catches changes made while no process
listened (CLI, restarts). Row locks make concurrent processes stand each alert down once.

After a stand-down a ship may still report arrival on scene, people rescued or a message (what
happened stays on the record); accept, decline and place-of-safety requests are refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from alerts import repository
from alerts.lifecycle import service
from alerts.lifecycle.service import ANSWERS_AFTER_STAND_DOWN
from alerts.models import LIVE_ALERT_STATUSES, Alert
from sar_coord.audit.service import append_entry
from sar_coord.cases import service as case_service
from sar_coord.core import events
from sar_coord.core.time import utcnow

log = logging.getLogger(__name__)

REASONS = {"closed": "case closed", "cancelled": "case cancelled", "false_alarm": "false alarm"}


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def stand_down_case(session: AsyncSession, *, case_id: int, case_status: str) -> list[int]:
    """Stand down the case's live alerts (each ship gets a stand_down delivery); their ids.

    Only flushes: the caller commits, and the ALERTS notification goes out with the commit.
    """
    # FOR UPDATE re-checks the status after waiting, so a second process finds nothing to do.
    stmt = (
        select(Alert)
        .where(Alert.case_id == case_id, Alert.status.in_(LIVE_ALERT_STATUSES))
        .order_by(Alert.id)
        .with_for_update()
    )
    alerts = list((await session.execute(stmt)).scalars())
    if not alerts:
        return []
    case, _, _ = await case_service.get_case(session, case_id)
    now = utcnow()
    reason = REASONS.get(case_status, f"case {case_status}")
    for alert in alerts:
        alert.status = "stood_down"
        alert.stood_down_at = now
        alert.updated_at = now
        alert.escalation_due_at = None
        ships = await service.delivered_to(session, alert.id)
        payload: dict[str, Any] = {
            "alert_id": alert.id,
            "case_id": case_id,
            "case_reference": case.reference,
            "case_status": case_status,
            "reason": reason,
            "stood_down_at": _iso(now),
            "still_accepted": sorted(ANSWERS_AFTER_STAND_DOWN),
        }
        seqs = await repository.insert_deliveries(
            session, alert_id=alert.id, kind="stand_down", mmsis=ships, payload=payload, now=now
        )
        await session.flush()
        await case_service.add_event(
            session,
            case.id,
            case_service.Actor("system"),
            "alert_stood_down",
            {
                "alert_id": alert.id,
                "case_status": case_status,
                "reason": reason,
                "ships": [{"mmsi": m, "seq": seqs[m]} for m in sorted(seqs)],
            },
        )
        await append_entry(
            session,
            kind="alert_stood_down",
            payload={
                "alert_id": alert.id,
                "case_id": case_id,
                "case_status": case_status,
                "at": now,
                "stood_down": sorted(seqs),
            },
            record_id=alert.id,
            case_id=case_id,
            vessel_mmsis=ships,
        )
        await service.notify_deliveries(session, alert.id, ships)
    return [a.id for a in alerts]


async def live_alert_case_ids(session: AsyncSession) -> list[int]:
    """Ids of the cases that still have a live (active or updated) alert."""
    rows = await session.execute(
        select(Alert.case_id).where(Alert.status.in_(LIVE_ALERT_STATUSES)).distinct()
    )
    return sorted(int(c) for c in rows.scalars())


async def stand_down_ended(session: AsyncSession, case_ids: list[int] | None = None) -> list[int]:
    """Stand down the live alerts of every ended case (of `case_ids`, or all); the alert ids."""
    ids = case_ids if case_ids is not None else await live_alert_case_ids(session)
    done: list[int] = []
    for case_id, status in sorted((await case_service.ended_cases(session, ids)).items()):
        done += await stand_down_case(session, case_id=case_id, case_status=status)
    return done


class StandDownJob:
    """Hears case changes (CASES) and stands down ended cases; sweeps every `sweep_s` too."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        listener: events.Listener,
        *,
        sweep_s: float,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._listener = listener
        self._sweep_s = sweep_s
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Subscribe to CASES and run in the background (a first sweep at once)."""
        self._queue = self._listener.subscribe(events.CASES)
        self._task = asyncio.create_task(self._loop(), name="alerts-stand-down")

    async def stop(self) -> None:
        """Stop and unsubscribe."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._queue is not None:
            self._listener.unsubscribe(events.CASES, self._queue)

    async def run_once(self, case_ids: list[int] | None) -> list[int]:
        """One transaction: stand down the ended cases among `case_ids` (None: sweep all)."""
        async with self._sessionmaker() as session:
            done = await stand_down_ended(session, case_ids)
            await session.commit()
        if done:
            log.info("stood down alerts %s", done)
        return done

    async def _loop(self) -> None:
        assert self._queue is not None
        pending: list[int] | None = None  # None: sweep everything
        while True:
            try:
                await self.run_once(pending)
            except Exception:
                log.exception("stand-down round failed")
            pending = await self._next_batch(self._queue)

    async def _next_batch(self, queue: asyncio.Queue[dict[str, Any]]) -> list[int] | None:
        """Case ids of the next notifications (drained at once); None to sweep (timeout, gap)."""
        try:
            first = await asyncio.wait_for(queue.get(), timeout=self._sweep_s)
        except TimeoutError:
            return None
        batch = [first]
        while not queue.empty():
            batch.append(queue.get_nowait())
        ids: set[int] = set()
        for payload in batch:
            case_id = payload.get("case_id")
            if payload.get("_resync") or not isinstance(case_id, int):
                return None
            ids.add(case_id)
        return sorted(ids)
