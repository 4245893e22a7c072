"""Position-history housekeeping: day partitions ahead of time, old ones dropped past retention."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sar_coord.core.db import unit_of_work
from sar_coord.core.time import utcnow

log = logging.getLogger(__name__)
_LOCK_KEY = 0x5A5_0001  # one housekeeper at a time across processes


async def maintain_partitions(
    session: AsyncSession, *, retention_days: int, today: date
) -> list[str]:
    """Ensure today's and tomorrow's partitions; drop day partitions older than the retention."""
    got = await session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    if not got:
        return []
    for day in (today, today + timedelta(days=1)):
        await session.execute(text("SELECT ensure_vessel_position_partition(:d)"), {"d": day})
    cutoff = (today - timedelta(days=retention_days)).strftime("%Y%m%d")
    names = (
        await session.scalars(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'vessel_position' "
                "AND c.relname ~ '^vessel_position_p[0-9]{8}$'"
            )
        )
    ).all()
    dropped = sorted(n for n in names if n[-8:] < cutoff)
    for name in dropped:
        await session.execute(text(f'DROP TABLE "{name}"'))
    return dropped


async def run_housekeeper(
    sessionmaker: async_sessionmaker[AsyncSession], *, retention_days: int, interval_s: float = 3600
) -> None:
    """Background job, hourly: day partitions ahead, expired ones dropped; runs until cancelled."""
    while True:
        try:
            async with unit_of_work(sessionmaker) as session:
                dropped = await maintain_partitions(
                    session, retention_days=retention_days, today=utcnow().date()
                )
            if dropped:
                log.info("dropped expired position partitions: %s", ", ".join(dropped))
        except Exception:
            log.exception("partition housekeeping failed; retrying in %.0f s", interval_s)
        await asyncio.sleep(interval_s)
