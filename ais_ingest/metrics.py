"""Prometheus ingest metrics: lines, messages, rejects, batch latency, buffer depth, feed lag."""

from __future__ import annotations

import time
from typing import Any, Protocol

from prometheus_client import (
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    make_asgi_app,
    start_http_server,
)

from ais_ingest.stats import IngestStats

LINES = Counter("ais_lines_received", "AIS feed lines received (excluding metadata lines)")
MESSAGES = Counter("ais_messages", "Assembled AIS messages")
PERSISTED = Counter("ais_lines_persisted", "Lines whose data is committed to the database")
REJECTED = Counter("ais_lines_rejected", "Lines rejected, by reason", ["reason"])
BATCH_SECONDS = Histogram(
    "ais_batch_write_seconds",
    "Time to write one batch (COPY + upserts + NOTIFY)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BUFFERED = Gauge("ais_buffered_lines", "Lines accepted but not yet committed")
MSGS_PER_S = Gauge("ais_messages_per_second", "Assembled messages per second (last interval)")
FEED_LAG = Gauge("ais_feed_lag_seconds", "Now minus the newest committed receive time")
DB_FAILURES = Gauge("ais_db_failures", "Failed batch write attempts since start")
FLAGGED = Counter("ais_positions_flagged", "Stored positions flagged, by reason", ["reason"])
OUT_OF_RANGE = Counter("ais_values_out_of_range", "Raw values outside their range", ["field"])
UDP_KERNEL_DROPS = Gauge("ais_udp_kernel_drops", "Datagrams the kernel dropped (buffer full)")
UDP_QUEUE_DROPS = Gauge("ais_udp_queue_drops", "Datagrams dropped on a full pipeline queue")


class Observed(Protocol):
    """What the metrics read from a running pipeline (no import of the pipeline itself)."""

    stats: IngestStats
    metrics_state: dict[str, Any]
    db_failures: int
    last_received_ts_s: float


def observe(pipeline: Observed) -> None:
    """Push the pipeline's counters into the Prometheus metrics (call periodically)."""
    st = pipeline.stats
    _last = pipeline.metrics_state
    if not _last:
        _last.update(received=0, messages=0, persisted=0, rejected={}, t=None)
    now = time.monotonic()
    LINES.inc(max(0, st.received - _last["received"]))
    MESSAGES.inc(max(0, st.messages - _last["messages"]))
    PERSISTED.inc(max(0, st.persisted - _last["persisted"]))
    prev: dict[str, int] = _last["rejected"]
    for reason, n in st.rejected.items():
        delta = n - prev.get(reason, 0)
        if delta > 0:
            REJECTED.labels(reason).inc(delta)
    for counter, label_counts, key in (
        (FLAGGED, st.flagged, "flagged"),
        (OUT_OF_RANGE, st.out_of_range, "out_of_range"),
    ):
        seen: dict[str, int] = _last.setdefault(key, {})
        for label, n in label_counts.items():
            if n > seen.get(label, 0):
                counter.labels(label).inc(n - seen.get(label, 0))
                seen[label] = n
    UDP_KERNEL_DROPS.set(st.udp_kernel_drops)
    UDP_QUEUE_DROPS.set(st.udp_queue_drops)
    if _last["t"] is not None and now > _last["t"]:
        MSGS_PER_S.set((st.messages - _last["messages"]) / (now - _last["t"]))
    _last.update(
        received=st.received,
        messages=st.messages,
        persisted=st.persisted,
        rejected=dict(st.rejected),
        t=now,
    )
    BUFFERED.set(st.buffered)
    DB_FAILURES.set(pipeline.db_failures)
    if pipeline.last_received_ts_s:
        FEED_LAG.set(max(0.0, time.time() - pipeline.last_received_ts_s))


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Serve /metrics over HTTP from a background thread (for the standalone ingest process)."""
    start_http_server(port, addr=host, registry=REGISTRY)


def metrics_app() -> Any:
    """An ASGI app serving the Prometheus exposition format (mount at /metrics)."""
    return make_asgi_app(registry=REGISTRY)
