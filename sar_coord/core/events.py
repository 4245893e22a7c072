"""Live events: transactional NOTIFY (ids and watermarks only), one LISTEN connection a process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from sar_coord.core.db import asyncpg_dsn

log = logging.getLogger(__name__)

FLEET = "sar_fleet"
"""Ingest batch watermark: {"max_updated_at": ISO time, "count": n}."""
DISTRESS = "sar_distress"
"""Active AIS-SART/MOB/EPIRB seen by ingest: {"mmsi", "kind", "lat", "lon", "reported_at"}."""
CASES = "sar_cases"
"""Case created or changed: {"case_id", "event_id"}."""
ALERTS = "sar_alerts"
"""Deliveries committed: {"alert_id", "mmsis": [...]} or a watermark."""
ANSWERS = "sar_answers"
"""Ship answer recorded: {"answer_id", "case_id"}."""

AUTH = "sar_auth"
"""Credential revoked: {"token_id": n}; every process closes the sockets opened with it."""

ALL_CHANNELS = (FLEET, DISTRESS, CASES, ALERTS, ANSWERS, AUTH)
MAX_PAYLOAD_BYTES = 7900


def encode_payload(payload: dict[str, Any]) -> str:
    """Compact JSON for a NOTIFY payload; refuses anything near PostgreSQL's 8 kB limit."""
    body = json.dumps(payload, separators=(",", ":"), default=str)
    if len(body.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError("NOTIFY payloads carry ids and watermarks only (over 8 kB)")
    return body


async def notify(db: AsyncSession | AsyncConnection, channel: str, payload: dict[str, Any]) -> None:
    """Queue a NOTIFY in the current transaction: delivered on commit, dropped on rollback."""
    await db.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": channel, "payload": encode_payload(payload)},
    )


class Listener:
    """One LISTEN connection per process, fanning notifications out to bounded in-process queues."""

    def __init__(self, database_url: str, channels: Iterable[str] = ALL_CHANNELS) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._channels = tuple(channels)
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._conn: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.reconnects = 0
        self.connected = asyncio.Event()

    def subscribe(self, channel: str, maxsize: int = 10_000) -> asyncio.Queue[dict[str, Any]]:
        """A bounded queue of every payload on `channel`; {"_resync": True} after a gap."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=maxsize)
        self._subscribers[channel].add(queue)
        return queue

    def unsubscribe(self, channel: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stop delivering to a queue."""
        self._subscribers[channel].discard(queue)

    def _dispatch(self, channel: str, payload: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            try:
                queue.put_nowait(payload)
            except asyncio.QueueFull:
                # A full subscriber has fallen behind: tell it to resynchronise from the tables.
                with contextlib.suppress(asyncio.QueueEmpty):
                    while True:
                        queue.get_nowait()
                queue.put_nowait({"_resync": True})

    def _on_notify(self, _conn: object, _pid: int, channel: str, payload: str) -> None:
        try:
            data = json.loads(payload) if payload else {}
        except json.JSONDecodeError:
            log.warning("ignoring malformed NOTIFY payload on %s", channel)
            return
        self._dispatch(channel, data if isinstance(data, dict) else {"value": data})

    async def start(self) -> None:
        """Connect and keep listening in the background, reconnecting on loss."""
        self._task = asyncio.create_task(self._run(), name="sar-listener")

    async def _run(self) -> None:
        delay_s = 0.2
        while not self._stopping:
            try:
                conn = await asyncpg.connect(**self._dsn)
                self._conn = conn
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _c, ev=lost: ev.set())
                for channel in self._channels:
                    await conn.add_listener(channel, self._on_notify)
                if self.reconnects:
                    for channel in self._channels:
                        self._dispatch(channel, {"_resync": True})
                self.connected.set()
                delay_s = 0.2
                await lost.wait()
            except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
                log.warning("LISTEN connection lost (%s); retrying in %.1fs", exc, delay_s)
            finally:
                self.connected.clear()
                if self._conn is not None and not self._conn.is_closed():
                    with contextlib.suppress(Exception):
                        await self._conn.close()
                self._conn = None
            if not self._stopping:
                self.reconnects += 1
                await asyncio.sleep(delay_s)
                delay_s = min(delay_s * 2, 5.0)

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()
