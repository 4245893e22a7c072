"""Per-process ship fan-out: wakes on ALERTS notifications and pushes from each socket's cursor."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from alerts import repository
from alerts.config import AlertsSettings
from alerts.live.protocol import DeliveryWire, delivery_frame
from sar_coord.core import events
from sar_coord.core.db import asyncpg_dsn

log = logging.getLogger(__name__)

_ids = itertools.count(1)

# Acks only move forward; presence is refreshed for every connected ship.
_FLUSH = text(
    """
    INSERT INTO ship_cursor AS sc (mmsi, acked_seq, acked_at, last_seen_at, updated_at)
    SELECT m, a, CASE WHEN a > 0 THEN CAST(:now AS timestamptz) END, :now, :now
    FROM unnest(CAST(:mmsis AS bigint[]), CAST(:acks AS bigint[])) AS u(m, a)
    ON CONFLICT (mmsi) DO UPDATE SET
        acked_seq = GREATEST(sc.acked_seq, EXCLUDED.acked_seq),
        acked_at = CASE WHEN EXCLUDED.acked_seq > sc.acked_seq THEN :now ELSE sc.acked_at END,
        last_seen_at = :now,
        updated_at = :now
    """
)
# A process's last socket of a ship closed: the ship no longer counts as connected, unless a
# socket elsewhere refreshes last_seen_at afterwards.
_GONE = text(
    """
    UPDATE ship_cursor SET disconnected_at = :now, updated_at = :now
    WHERE mmsi = ANY(CAST(:mmsis AS bigint[]))
    """
)


class ShipSocket:
    """One connected ship client: its cursor and a bounded queue of frames to send."""

    def __init__(
        self,
        mmsi: int,
        cursor: int,
        maxsize: int,
        kill: Callable[[str], Coroutine[Any, Any, None]],
        write_now: Callable[[str], bool] | None = None,
        write_wire: Callable[[bytes], bool] | None = None,
    ) -> None:
        self.id = next(_ids)
        self.mmsi = mmsi
        self.cursor = cursor
        """Highest seq queued for this socket."""
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=maxsize)
        self.needs_more = False
        self.replaying = True
        """Catching up: read only as much as the queue holds (live sockets that overflow drop)."""
        self.dead = False
        self.inflight = False
        """The sender task holds a frame it has not written yet."""
        self._kill = kill
        self._write_now = write_now
        self._write_wire = write_wire

    def offer(self, frame: str) -> bool:
        """Write now if nothing is queued ahead (no task switch), else queue; False when full."""
        if (
            self._write_now is not None
            and not self.inflight
            and self.queue.qsize() == 0
            and self._write_now(frame)
        ):
            return True
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            return False
        return True

    def offer_delivery(self, wire: DeliveryWire, seq: int) -> bool:
        """`offer` for a broadcast delivery: a ready-made websocket frame when it can go now."""
        if (
            self._write_wire is not None
            and not self.inflight
            and self.queue.qsize() == 0
            and self._write_wire(wire.wire(seq))
        ):
            return True
        try:
            self.queue.put_nowait(wire.text(seq))
        except asyncio.QueueFull:
            return False
        return True

    def drop(self, reason: str) -> None:
        """Disconnect without waiting (the client resumes from its last seq)."""
        if not self.dead:
            self.dead = True
            task = asyncio.get_running_loop().create_task(self._kill(reason))
            _background.add(task)
            task.add_done_callback(_background.discard)


_background: set[asyncio.Task[None]] = set()


def _first(entry: tuple[int, DeliveryWire]) -> int:
    return entry[0]


class Hub:
    """Reads deliveries above each socket's cursor from the tables; queues them, never waits."""

    def __init__(
        self, engine: AsyncEngine, listener: events.Listener, settings: AlertsSettings
    ) -> None:
        self._engine = engine
        self._listener = listener
        self._settings = settings
        self._sockets: dict[int, ShipSocket] = {}
        self._by_mmsi: dict[int, set[int]] = {}
        self._dirty: set[int] = set()
        """Sockets named by ALERTS notifications (the fast path may serve them)."""
        self._full: set[int] = set()
        """Sockets that need a read from their cursor (new, paging, resync, safety poll)."""
        self._fresh_alerts: set[int] = set()
        self._wake = asyncio.Event()
        self._acks: dict[int, int] = {}
        self._touched: set[int] = set()
        self._gone: set[int] = set()
        """Ships whose last socket here closed (written in the next flush, stamped with its time,
        which is after any presence written for them in the same flush)."""
        self._tasks: list[asyncio.Task[None]] = []
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._conn: asyncpg.Connection | None = None
        self.rounds = 0
        self.last_activity_s = time.monotonic()
        """Monotonic time of the last fan-out round or new socket (GC waits for quiet)."""
        self.dropped_slow = 0
        self.push_ms: collections.deque[tuple[int, float, float]] = collections.deque(maxlen=256)
        """Recent rounds: (frames, read ms, total ms)."""

    @property
    def connected(self) -> int:
        """Number of registered sockets in this process."""
        return len(self._sockets)

    async def start(self) -> None:
        """Subscribe to ALERTS and start the fan-out and flush loops."""
        self._queue = self._listener.subscribe(events.ALERTS)
        self._tasks = [
            asyncio.create_task(self._listen(), name="hub-listen"),
            asyncio.create_task(self._run(), name="hub-run"),
            asyncio.create_task(self._flush_loop(), name="hub-flush"),
        ]

    async def stop(self) -> None:
        """Stop the loops and write the last acks."""
        if self._queue is not None:
            self._listener.unsubscribe(events.ALERTS, self._queue)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with contextlib.suppress(Exception):
            await self._flush()
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()

    def register(self, sock: ShipSocket) -> None:
        """Start pushing to a socket from its cursor (replay first, then live)."""
        self._sockets[sock.id] = sock
        self.last_activity_s = time.monotonic()
        self._by_mmsi.setdefault(sock.mmsi, set()).add(sock.id)
        self._touched.add(sock.mmsi)
        self._gone.discard(sock.mmsi)
        self.mark_dirty(sock)

    def unregister(self, sock: ShipSocket) -> None:
        """Forget a socket."""
        sock.dead = True
        self._sockets.pop(sock.id, None)
        ids = self._by_mmsi.get(sock.mmsi)
        if ids is not None:
            ids.discard(sock.id)
            if not ids:
                del self._by_mmsi[sock.mmsi]
                self._gone.add(sock.mmsi)
        self._dirty.discard(sock.id)

    def mark_dirty(self, sock: ShipSocket) -> None:
        """Ask the hub to read this socket's pending deliveries from its cursor soon."""
        self._full.add(sock.id)
        self._wake.set()

    def ack(self, sock: ShipSocket, seq: int) -> int:
        """Record a cumulative ack (clamped to what was queued); written in the next flush."""
        seq = min(seq, sock.cursor)
        if seq > self._acks.get(sock.mmsi, 0):
            self._acks[sock.mmsi] = seq
        return seq

    async def _listen(self) -> None:
        assert self._queue is not None
        while True:
            payload = await self._queue.get()
            mmsis = payload.get("mmsis")
            alert_id = payload.get("alert_id")
            if payload.get("_resync") or not isinstance(alert_id, int):
                self._full.update(self._sockets)
            elif payload.get("all") or not isinstance(mmsis, list):
                self._fresh_alerts.add(alert_id)
                self._dirty.update(self._sockets)
            else:
                self._fresh_alerts.add(alert_id)
                for mmsi in mmsis:
                    self._dirty.update(self._by_mmsi.get(int(mmsi), ()))
            self._wake.set()

    async def _run(self) -> None:
        poll_s = self._settings.safety_poll_s
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll_s)
            if not self._wake.is_set():
                # Safety net: a lost notification costs at most one poll period.
                self._full.update(self._sockets)
            self._wake.clear()
            if not self._dirty and not self._full:
                continue
            self.last_activity_s = time.monotonic()
            dirty, self._dirty = self._dirty, set()
            full, self._full = self._full, set()
            alerts, self._fresh_alerts = self._fresh_alerts, set()
            try:
                if alerts and dirty - full:
                    full |= await self._push_fresh(dirty - full, alerts)
                await self._push(full)
            except Exception:
                log.exception("hub round failed; retrying")
                self._full.update(dirty | full)
                await asyncio.sleep(0.5)

    async def _push_fresh(self, dirty: set[int], alerts: set[int]) -> set[int]:
        """Broadcast fast path: read the notified alerts' rows once (by alert id, not per socket)
        and push them to each live socket whose cursor they continue without a gap; returns the
        sockets that need a read from their cursor instead."""
        started = time.perf_counter()
        if self._conn is None or self._conn.is_closed():
            return dirty
        rows = await self._conn.fetch(repository.FRESH_SQL, sorted(alerts))
        read_ms = (time.perf_counter() - started) * 1000
        by_mmsi: dict[int, list[tuple[int, DeliveryWire]]] = {}
        for kind, committed_at, payload, mmsis, seqs in rows:
            wire = DeliveryWire(kind, committed_at, payload)
            for mmsi, seq in zip(mmsis, seqs, strict=True):
                entries = by_mmsi.get(mmsi)
                if entries is None:
                    by_mmsi[mmsi] = [(seq, wire)]
                else:
                    entries.append((seq, wire))
        if len(rows) > 1:  # several deliveries per ship: in seq order
            for entries in by_mmsi.values():
                entries.sort(key=_first)
        rest: set[int] = set()
        frames = 0
        sockets = self._sockets
        for sock_id in dirty:
            sock = sockets.get(sock_id)
            if sock is None or sock.dead:
                continue
            entries = by_mmsi.get(sock.mmsi)
            if sock.replaying or entries is None:
                rest.add(sock_id)
                continue
            for seq, wire in entries:
                if seq <= sock.cursor:
                    continue
                if seq != sock.cursor + 1:
                    rest.add(sock_id)  # a gap: another delivery sits in between, read it first
                    break
                if not sock.offer_delivery(wire, seq):
                    self.dropped_slow += 1
                    sock.drop("too slow: reconnect and resume")
                    break
                sock.cursor = seq
                frames += 1
        self.push_ms.append((frames, read_ms, (time.perf_counter() - started) * 1000))
        return rest

    async def _push(self, dirty: set[int]) -> None:
        self.rounds += 1
        started = time.perf_counter()
        read_s = 0.0
        frames = 0
        page = self._settings.replay_page
        batch = 2000
        wanted: list[tuple[int, int, int, int]] = []
        for sock_id in dirty:
            sock = self._sockets.get(sock_id)
            if sock is None or sock.dead:
                continue
            limit = page
            if sock.replaying:
                limit = min(page, sock.queue.maxsize - sock.queue.qsize())
                if limit <= 0:
                    sock.needs_more = True
                    continue
            wanted.append((sock.id, sock.mmsi, sock.cursor, limit))
        for start in range(0, len(wanted), batch):
            chunk = wanted[start : start + batch]
            t_read = time.perf_counter()
            rows = await self._read(chunk)
            read_s += time.perf_counter() - t_read
            frames += len(rows)
            counts: dict[int, int] = {}
            for row in rows:
                sock = self._sockets.get(row.socket_id)
                if sock is None or sock.dead or row.seq <= sock.cursor:
                    continue
                frame = delivery_frame(row.kind, row.seq, row.committed_at, row.payload)
                if not sock.offer(frame):
                    self.dropped_slow += 1
                    sock.drop("too slow: reconnect and resume")
                    continue
                sock.cursor = row.seq
                counts[sock.id] = counts.get(sock.id, 0) + 1
            for sock_id, _mmsi, _cursor, limit in chunk:
                sock = self._sockets.get(sock_id)
                if sock is None or sock.dead:
                    continue
                if counts.get(sock_id, 0) >= limit:
                    # More is waiting: read the next page once the queue has drained (now, if
                    # everything went straight to the socket; else when the sender has sent it).
                    if sock.queue.qsize() <= sock.queue.maxsize // 4:
                        self.mark_dirty(sock)
                    else:
                        sock.needs_more = True
                elif sock.replaying:
                    sock.replaying = False
        self.push_ms.append((frames, read_s * 1000, (time.perf_counter() - started) * 1000))

    async def _read(self, chunk: list[tuple[int, int, int, int]]) -> list[repository.PendingRow]:
        """Pending deliveries on the hub's own connection (reopened after any failure)."""
        if self._conn is None or self._conn.is_closed():
            url = self._engine.url.render_as_string(hide_password=False)
            # JIT compiling the per-round query costs ~300 ms at 10k sockets for a ~100 ms read.
            self._conn = await asyncpg.connect(**asyncpg_dsn(url), server_settings={"jit": "off"})
        try:
            return await repository.pending_raw(self._conn, wanted=chunk)
        except BaseException:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):
                await conn.close()
            raise

    async def _flush_loop(self) -> None:
        period_s = self._settings.ack_flush_s
        presence_every = max(1, int(self._settings.presence_ttl_s / 3 / period_s))
        for tick in itertools.count():
            await asyncio.sleep(period_s)
            if tick % presence_every == 0:
                self._touched.update(self._by_mmsi)
            try:
                await self._flush()
            except Exception:
                log.exception("ack flush failed; retrying")

    async def _flush(self) -> None:
        touched = self._touched | set(self._acks)
        gone, self._gone = self._gone, set()
        if not touched and not gone:
            return
        acks, self._acks, self._touched = self._acks, {}, set()
        mmsis = sorted(touched)
        now = datetime.now(UTC)
        try:
            async with self._engine.begin() as conn:
                if mmsis:
                    await conn.execute(
                        _FLUSH,
                        {"mmsis": mmsis, "acks": [acks.get(m, 0) for m in mmsis], "now": now},
                    )
                if gone:
                    await conn.execute(_GONE, {"mmsis": sorted(gone), "now": now})
        except Exception:
            for mmsi, seq in acks.items():
                self._acks[mmsi] = max(seq, self._acks.get(mmsi, 0))
            self._touched.update(touched)
            self._gone.update(m for m in gone if m not in self._by_mmsi)
            raise
