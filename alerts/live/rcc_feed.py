"""Per-process RCC feed: case, alert and answer events, and batched fleet deltas by bounding box."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from alerts.config import AlertsSettings
from alerts.live.protocol import envelope, iso_z
from sar_coord.cases import service as case_service
from sar_coord.core import events
from sar_coord.vessels import service as vessels_service

log = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]
"""(min_lon, min_lat, max_lon, max_lat), WGS 84 degrees."""

# Rows written by a transaction that started before the watermark may commit after it.
WATERMARK_OVERLAP = timedelta(seconds=5)

_ANSWER = text(
    "SELECT id, alert_id, case_id, mmsi, client_msg_id, kind, data, received_at "
    "FROM ship_answer WHERE id = :id"
)
_ALERT = text(
    """
    SELECT a.id, a.case_id, a.kind, a.status, a.radius_nm, a.message, a.issued_at, a.updated_at,
           a.escalations,
           (SELECT count(*) FROM alert_recipient r WHERE r.alert_id = a.id) AS recipients,
           (SELECT count(*) FROM alert_recipient r WHERE r.alert_id = a.id AND r.reachable)
               AS reachable
    FROM alert a WHERE a.id = :id
    """
)


@dataclass(eq=False)
class RccClient:
    """One RCC websocket: a bounded queue of frames and the area it watches."""

    queue: asyncio.Queue[str]
    bbox: BBox | None = None
    dead: bool = False
    on_drop: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def offer(self, frame: str) -> None:
        """Queue a frame without waiting; a full queue means a slow client: drop it."""
        if self.dead:
            return
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.dead = True
            if self.on_drop is not None:
                self.on_drop()


def in_bbox(bbox: BBox | None, lon: float, lat: float) -> bool:
    """True when the point lies in the box (None: everywhere); boxes may cross the antimeridian."""
    if bbox is None:
        return True
    min_lon, min_lat, max_lon, max_lat = bbox
    if not min_lat <= lat <= max_lat:
        return False
    if min_lon <= max_lon:
        return min_lon <= lon <= max_lon
    return lon >= min_lon or lon <= max_lon


Fetch = Callable[[AsyncSession, int], Awaitable[Mapping[str, Any] | None]]
"""Reads one record by id as a mapping (None when it is gone)."""


def _row_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        out[key] = iso_z(value) if isinstance(value, datetime) else value
    return out


def _by_id(query: Any) -> Fetch:
    """A Fetch for one of our own tables: `query` takes :id."""

    async def fetch(session: AsyncSession, ident: int) -> Mapping[str, Any] | None:
        row = (await session.execute(query, {"id": ident})).first()
        return None if row is None else dict(row._mapping)

    return fetch


class RccFeed:
    """Turns notifications into frames for every RCC client of this process."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        listener: events.Listener,
        settings: AlertsSettings,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._listener = listener
        self._settings = settings
        self._clients: set[RccClient] = set()
        self._queues: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._fleet_dirty = asyncio.Event()
        self._fleet_since: datetime | None = None
        self._fleet_sent: dict[int, datetime] = {}

    async def start(self) -> None:
        """Subscribe to CASES, ALERTS, ANSWERS and FLEET and start forwarding."""
        for channel in (events.CASES, events.ALERTS, events.ANSWERS, events.FLEET):
            self._queues[channel] = self._listener.subscribe(channel)
        self._tasks = [
            asyncio.create_task(
                self._forward(events.CASES, case_service.event_row, "event_id", "case_event")
            ),
            asyncio.create_task(self._forward(events.ALERTS, _by_id(_ALERT), "alert_id", "alert")),
            asyncio.create_task(
                self._forward(events.ANSWERS, _by_id(_ANSWER), "answer_id", "answer")
            ),
            asyncio.create_task(self._fleet_watch()),
            asyncio.create_task(self._fleet_loop()),
        ]

    async def stop(self) -> None:
        """Stop forwarding."""
        for channel, queue in self._queues.items():
            self._listener.unsubscribe(channel, queue)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def add(self, client: RccClient) -> None:
        """Start sending to a client."""
        self._clients.add(client)

    def remove(self, client: RccClient) -> None:
        """Stop sending to a client."""
        client.dead = True
        self._clients.discard(client)

    def publish(self, frame: str) -> None:
        """Offer a frame to every client (never waits)."""
        for client in list(self._clients):
            client.offer(frame)

    async def _forward(self, channel: str, fetch: Fetch, key: str, type_: str) -> None:
        queue = self._queues[channel]
        while True:
            payload = await queue.get()
            ident = payload.get(key)
            if not isinstance(ident, int) or not self._clients:
                continue
            try:
                async with self._sessionmaker() as session:
                    row = await fetch(session, ident)
            except Exception:
                log.exception("RCC feed could not read %s %s", type_, ident)
                continue
            if row is not None:
                data = _row_dict(row)
                kind = "escalation" if data.get("kind") == "alert_escalated" else type_
                self.publish(envelope(kind, data))

    async def _fleet_watch(self) -> None:
        queue = self._queues[events.FLEET]
        while True:
            await queue.get()
            self._fleet_dirty.set()

    async def _fleet_loop(self) -> None:
        """At most one fleet delta per period, holding only vessels that changed."""
        while True:
            await self._fleet_dirty.wait()
            self._fleet_dirty.clear()
            try:
                await self.push_fleet_delta()
            except Exception:
                log.exception("fleet delta failed")
            await asyncio.sleep(self._settings.fleet_batch_s)

    async def push_fleet_delta(self) -> int:
        """Read vessel_latest rows changed since the watermark; send each client its box's share."""
        async with self._sessionmaker() as session:
            if self._fleet_since is None:
                now = (await session.execute(text("SELECT now()"))).scalar_one()
                self._fleet_since = now - WATERMARK_OVERLAP
            rows = await vessels_service.changed_since(
                session, self._fleet_since - WATERMARK_OVERLAP
            )
        changed = []
        for row in rows:
            if self._fleet_sent.get(
                row.mmsi, datetime.min.replace(tzinfo=row.updated_at.tzinfo)
            ) >= (row.updated_at):
                continue
            self._fleet_sent[row.mmsi] = row.updated_at
            changed.append(row)
            if self._fleet_since is None or row.updated_at > self._fleet_since:
                self._fleet_since = row.updated_at
        if not changed:
            return 0
        for client in list(self._clients):
            vessels = [_row_dict(r._mapping) for r in changed if in_bbox(client.bbox, r.lon, r.lat)]
            if vessels:
                client.offer(envelope("fleet", {"vessels": vessels}))
        return len(changed)
