"""Ingest pipeline: sources, framing, decode, track, batches into PostGIS, with backpressure."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg

from ais_ingest import metrics
from ais_ingest.config import IngestSettings, get_ingest_settings
from ais_ingest.framing import Framer
from ais_ingest.process import Batch, Processor
from ais_ingest.sink import TRANSIENT_ERRORS, Sink
from ais_ingest.stats import IngestStats
from ais_ingest.track import TrackStore

log = logging.getLogger(__name__)

MAX_PERMANENT_FAILURES = 5
EAGER_BATCH_MESSAGES = 1000
Reporter = Callable[[IngestStats], None]
Progress = Callable[[str, int, int], None]


def _retention_days() -> int:
    """Days of position history the application keeps (SAR_POSITION_RETENTION_DAYS)."""
    from sar_coord.core.config import get_settings

    try:
        return get_settings().position_retention_days
    except ValueError:  # unrelated settings invalid: ingest still runs with the default
        return 90


class Pipeline:
    """Owns framers per stream, the processor, the batch queue and the writer task."""

    def __init__(
        self,
        database_url: str,
        *,
        batch_max_messages: int | None = None,
        batch_max_age_s: float | None = None,
        buffer_max_lines: int | None = None,
        retention_days: int | None = None,
        writers: int | None = None,
        dead_letter: Path | None = None,
        stats: IngestStats | None = None,
        settings: IngestSettings | None = None,
    ) -> None:
        """Configure batching (size/age), the buffer bound, parallel writers and a dead letter.

        Batches commute (COPY appends; upserts keep the newest / LEAST / GREATEST), so several
        connections may write them concurrently, in mmsi order to avoid deadlocks.
        """
        cfg = settings if settings is not None else get_ingest_settings()
        self.settings = cfg
        self.stats = stats if stats is not None else IngestStats()
        if dead_letter is not None:
            self.stats.open_dead_letter(dead_letter)
        self.processor = Processor(
            self.stats,
            TrackStore(
                max_ship_speed_kn=cfg.max_ship_speed_kn,
                max_sar_aircraft_speed_kn=cfg.max_sar_aircraft_speed_kn,
            ),
        )
        n_writers = writers or cfg.writers
        if retention_days is None:
            retention_days = _retention_days()
        ensured_days: set[int] = set()  # shared: a partition created by one writer serves all
        self.sinks = [
            Sink(database_url, retention_days=retention_days, ensured_days=ensured_days)
            for _ in range(n_writers)
        ]
        self.batch_max_messages = batch_max_messages or cfg.batch_max_messages
        self.batch_max_age_s = batch_max_age_s or cfg.batch_max_age_s
        self.buffer_max_lines = buffer_max_lines or cfg.buffer_max_lines
        self._framers: dict[object, Framer] = {}
        self._queue: deque[Batch] = deque()
        self._queue_event = asyncio.Event()
        self._space = asyncio.Event()
        self._space.set()
        self._writers: list[asyncio.Task[None]] = []
        self._in_flight = 0
        self._ticker: asyncio.Task[None] | None = None
        self._closing = False
        self.db_failures = 0
        self.batches_written = 0
        self.last_batch_s = 0.0
        self.write_s_total = 0.0
        self.last_received_ts_s = 0.0
        self.metrics_state: dict[str, Any] = {}

    async def start(self) -> None:
        """Connect and prepare the writers (if the database is up), start them and the ticker."""
        results = await asyncio.gather(
            *(asyncio.wait_for(sink.warm_up(), timeout=5) for sink in self.sinks),
            return_exceptions=True,
        )
        for sink, result in zip(self.sinks, results, strict=True):
            if isinstance(result, (*TRANSIENT_ERRORS, asyncpg.PostgresError)):
                # Not fatal: batches are buffered and retried until the database is back.
                log.warning("database not ready at start (%r); writers will retry", result)
                sink.drop_connection()
            elif isinstance(result, BaseException):
                raise result
        self._writers = [
            asyncio.create_task(self._write_loop(sink), name=f"ais-writer-{i}")
            for i, sink in enumerate(self.sinks)
        ]
        self._ticker = asyncio.create_task(self._tick_loop(), name="ais-ticker")

    def _framer(self, key: object, live: bool) -> Framer:
        framer = self._framers.get(key)
        if framer is None:
            framer = self._framers[key] = Framer(
                self.stats,
                self.processor.handle,
                max_groups=self.settings.multipart_max_groups,
                group_timeout_s=self.settings.multipart_timeout_s,
                live=live,
            )
        return framer

    async def ingest(self, key: object, lines: list[bytes], arrival_s: float | None = None) -> None:
        """Process lines of stream `key`; waits while the buffer is full (backpressure).

        A given `arrival_s` is a real receive time (live feeds pass it); None means a replay,
        stamped now, whose arrival time cannot judge speeds.
        """
        if not self._space.is_set():
            await self._space.wait()
        if arrival_s is None:
            self._framer(key, False).feed_lines(lines, time.time())
        else:
            self._framer(key, True).feed_lines(lines, arrival_s)
        batch = self.processor.batch
        if (
            batch.messages >= self.batch_max_messages
            or time.monotonic() - batch.created_s >= self.batch_max_age_s
            # A writer is idle: hand it what there is rather than let it wait (under a fast
            # feed this keeps the database busy and leaves little to write at the end).
            or (
                batch.messages >= EAGER_BATCH_MESSAGES
                and not self._queue
                and self._in_flight < len(self.sinks)
            )
        ):
            self.cut()

    def end_stream(self, key: object) -> None:
        """A stream ended: its unfinished multipart groups are rejected as incomplete."""
        framer = self._framers.pop(key, None)
        if framer is not None:
            framer.close()

    def cut(self) -> None:
        """Queue the current batch for writing (if it holds anything)."""
        batch = self.processor.batch
        if not batch.messages and not batch.distress:
            batch.created_s = time.monotonic()
            return
        self._queue.append(self.processor.take_batch())
        self._queue_event.set()
        if self.stats.buffered >= self.buffer_max_lines:
            self._space.clear()

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(min(0.2, self.batch_max_age_s))
            now_s = time.time()
            for framer in list(self._framers.values()):
                framer.expire(now_s)
            if time.monotonic() - self.processor.batch.created_s >= self.batch_max_age_s:
                self.cut()
            metrics.observe(self)

    async def _write_loop(self, sink: Sink) -> None:
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._queue_event.clear()
                await self._queue_event.wait()
                continue
            batch = self._queue.popleft()
            self._in_flight += 1
            try:
                await self._write_with_retry(sink, batch)
            finally:
                self._in_flight -= 1
            if self.stats.buffered < self.buffer_max_lines * 0.8 or not self._queue:
                self._space.set()

    async def _write_with_retry(self, sink: Sink, batch: Batch) -> None:
        delay_s = 0.1
        permanent = 0
        while True:
            t0 = time.perf_counter()
            try:
                await sink.write(batch)
            except TRANSIENT_ERRORS as exc:
                self.db_failures += 1
                sink.drop_connection()
                log.warning("database unavailable (%s); retrying in %.1fs", exc, delay_s)
                await asyncio.sleep(delay_s)
                delay_s = min(delay_s * 2, 5.0)
                continue
            except Exception as exc:
                # Data errors, or a client in an unexpected state: start on a fresh connection
                # and give up on this batch only after repeated refusals.
                permanent += 1
                self.db_failures += 1
                sink.drop_connection()
                log.error("batch write failed (%r), attempt %d", exc, permanent)
                if permanent < MAX_PERMANENT_FAILURES:
                    await asyncio.sleep(delay_s)
                    delay_s = min(delay_s * 2, 5.0)
                    continue
                self.stats.buffered_pending -= batch.lines
                self.stats.reject("db_refused", repr(exc).encode(), batch.lines)
                return
            self.last_batch_s = time.perf_counter() - t0
            self.write_s_total += self.last_batch_s
            metrics.BATCH_SECONDS.observe(self.last_batch_s)
            self.batches_written += 1
            self.stats.buffered_pending -= batch.lines
            self.stats.persisted += batch.lines
            self.stats.messages_persisted += batch.messages
            if batch.max_received_ts_s:
                self.last_received_ts_s = max(self.last_received_ts_s, batch.max_received_ts_s)
            return

    async def close(self, flush_timeout_s: float | None = None) -> None:
        """End all streams, write every buffered batch (waiting up to the timeout), stop."""
        for key in list(self._framers):
            self.end_stream(key)
        self.cut()
        self._closing = True
        self._queue_event.set()
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if self._writers:
            done = asyncio.gather(*self._writers)
            try:
                await asyncio.wait_for(asyncio.shield(done), flush_timeout_s)
            except TimeoutError:
                log.error("flush timed out with %d lines buffered", self.stats.buffered)
                for task in self._writers:
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await done
        metrics.observe(self)
        for sink in self.sinks:
            await sink.close()
        if self.stats.dead_letter is not None:
            self.stats.dead_letter.close()
            self.stats.dead_letter = None

    @property
    def queued_batches(self) -> int:
        """Batches waiting to be written."""
        return len(self._queue) + self._in_flight


async def run_pipeline(
    sources: list[str],
    database_url: str,
    *,
    dead_letter: Path | None = None,
    stats_every_s: float | None = None,
    report: Reporter | None = None,
    flush_timeout_s: float | None = None,
    pipeline: Pipeline | None = None,
    progress: Progress | None = None,
) -> IngestStats:
    """Ingest from every source URI into the database until they end or the task is cancelled.

    File and stdin sources end at EOF; network sources run until cancellation. Buffered data is
    flushed on the way out (up to `flush_timeout_s`). Returns the final counters.
    """
    from ais_ingest.sources import parse_source, run_source

    for uri in sources:
        parse_source(uri)  # fail fast on a bad URI before connecting anything
    pipe = pipeline if pipeline is not None else Pipeline(database_url, dead_letter=dead_letter)
    await pipe.start()
    reporter: asyncio.Task[None] | None = None
    if stats_every_s and report is not None:
        reporter = asyncio.create_task(_report_loop(pipe, stats_every_s, report))
    try:
        async with asyncio.TaskGroup() as group:
            for uri in sources:
                group.create_task(
                    run_source(uri, pipe.ingest, pipe.end_stream, progress, pipe.stats), name=uri
                )
    finally:
        if reporter is not None:
            reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reporter
        await asyncio.shield(pipe.close(flush_timeout_s or pipe.settings.flush_timeout_s))
        if report is not None:
            report(pipe.stats)
    return pipe.stats


async def _report_loop(pipe: Pipeline, every_s: float, report: Reporter) -> None:
    while True:
        await asyncio.sleep(every_s)
        report(pipe.stats)
