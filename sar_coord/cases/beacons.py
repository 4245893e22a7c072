"""AIS-SART / MOB / EPIRB-AIS beacons open cases: the DISTRESS consumer and a start-up sweep.

A beacon's MMSI (an AIS-SART, MOB or EPIRB-AIS kind, see core.ais) links the case; there is at
most one active case per MMSI (a partial unique index backs this under races between API
processes). NOTIFY can be missed (restart, reconnect), so a sweep over vessel_latest catches
beacons heard recently without one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sar_coord.cases import repository
from sar_coord.cases.models import DistressCase
from sar_coord.cases.service import Actor, add_event, insert_case
from sar_coord.core import events
from sar_coord.core.ais import DEVICE_PREFIX, device_mmsi_range, distress_source
from sar_coord.core.db import unit_of_work
from sar_coord.core.geo import valid_lon_lat
from sar_coord.core.time import utcnow
from sar_coord.vessels import service as vessels_service

log = logging.getLogger(__name__)

SWEEP_WINDOW = timedelta(hours=1)
DATUM_REFRESH = timedelta(minutes=1)
SYSTEM = Actor("system:ais-beacon")


async def open_beacon_case(
    session: AsyncSession, *, mmsi: int, lon: float, lat: float, reported_at: datetime
) -> tuple[DistressCase, bool]:
    """(case, created): opens the MMSI's case, or moves the datum of its active case."""
    source = distress_source(mmsi)
    if source is None or not valid_lon_lat(lon, lat):
        raise ValueError(f"not a beacon report: mmsi={mmsi} lon={lon} lat={lat}")
    existing = await repository.active_case_for_mmsi(session, mmsi)
    if existing is None:
        try:
            async with session.begin_nested():
                case = await insert_case(
                    session,
                    source=source,
                    lon=lon,
                    lat=lat,
                    fields={
                        "source_mmsi": mmsi,
                        "datum_at": reported_at,
                        "datum_uncertainty_nm": 0.1,
                        "reported_by": f"AIS {source.removeprefix('ais_').upper()} {mmsi}",
                    },
                    actor=SYSTEM,
                )
            return case, True
        except IntegrityError:
            existing = await repository.active_case_for_mmsi(session, mmsi)
            if existing is None:
                raise
    if reported_at >= existing.datum_at + DATUM_REFRESH:
        old_at = existing.datum_at
        existing.datum = repository.point(lon, lat)
        existing.datum_at = reported_at
        existing.updated_at = utcnow()
        await session.flush()
        await add_event(
            session,
            existing.id,
            SYSTEM,
            "beacon_position",
            {"lat": lat, "lon": lon, "reported_at": reported_at, "previous_datum_at": old_at},
        )
    return existing, False


def _beacon_ranges() -> list[range]:
    return [device_mmsi_range(kind) for kind in DEVICE_PREFIX]


async def sweep_beacons(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Open cases for beacons heard within SWEEP_WINDOW that have no active case; returns count."""
    since = (now or utcnow()) - SWEEP_WINDOW
    heard = await vessels_service.latest_in_mmsi_ranges(
        session, mmsi_ranges=_beacon_ranges(), since=since
    )
    opened = 0
    for mmsi, lon, lat, reported_at in heard:
        if await repository.active_case_for_mmsi(session, mmsi) is not None:
            continue
        _, created = await open_beacon_case(
            session, mmsi=mmsi, lon=lon, lat=lat, reported_at=reported_at
        )
        opened += created
    return opened


def _parse(payload: dict[str, Any]) -> tuple[int, float, float, datetime]:
    reported = payload.get("reported_at")
    at = datetime.fromisoformat(reported) if isinstance(reported, str) else utcnow()
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)  # ingest speaks UTC; a naive stamp is UTC too
    return int(payload["mmsi"]), float(payload["lon"]), float(payload["lat"]), at


async def run_distress_consumer(
    sessionmaker: async_sessionmaker[AsyncSession], listener: events.Listener
) -> None:
    """Background task: sweep once, then open a case per DISTRESS notification (one commit each).

    A `_resync` notification (listener reconnected or queue overflowed) triggers a new sweep.
    Runs until cancelled; a bad payload is logged and skipped, never fatal.
    """
    queue = listener.subscribe(events.DISTRESS)
    try:
        await _sweep(sessionmaker)
        while True:
            payload = await queue.get()
            if payload.get("_resync"):
                await _sweep(sessionmaker)
                continue
            try:
                mmsi, lon, lat, at = _parse(payload)
                async with unit_of_work(sessionmaker) as session:
                    case, created = await open_beacon_case(
                        session, mmsi=mmsi, lon=lon, lat=lat, reported_at=at
                    )
                if created:
                    log.warning("beacon %s opened case %s", mmsi, case.reference)
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("ignoring DISTRESS payload %r: %s", payload, exc)
            except Exception:
                log.exception("DISTRESS payload %r failed; the next sweep retries it", payload)
    finally:
        listener.unsubscribe(events.DISTRESS, queue)


async def _sweep(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    try:
        async with unit_of_work(sessionmaker) as session:
            opened = await sweep_beacons(session)
        if opened:
            log.warning("beacon sweep opened %d case(s)", opened)
    except Exception:
        log.exception("beacon sweep failed")
