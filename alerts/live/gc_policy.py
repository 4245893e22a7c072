"""Garbage-collector policy for a process holding thousands of long-lived ship sockets.

CPython's automatic full collection walks every tracked object: with 10,000 ship sockets that
is some millions of objects and a pause of about a second, which used to land in the middle of
alert fan-outs several times a minute. While the policy runs, the automatic full collection is
off (young generations are collected as usual); instead a scheduled full collection (unfreeze,
collect, freeze) runs when the hub has been quiet for a while, so cyclic garbage is still
reclaimed, at a time of our choosing.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time

from alerts.live.hub import Hub

log = logging.getLogger(__name__)

CHECK_EVERY_S = 1.0
SETTLE_S = 2.0
"""Quiet time (no hub round, no new socket) before a full collection may run."""
OVERDUE_FACTOR = 3
"""Past this many periods a collection runs even if the hub never goes quiet."""
NO_AUTOMATIC_FULL = 1_000_000
"""Threshold of the oldest generation: this many young collections before an automatic one."""


class GcPolicy:
    """Decides when the process pays for a full collection: rarely, and not mid-broadcast."""

    def __init__(self, hub: Hub, full_every_s: float) -> None:
        """Collect about every `full_every_s` seconds, when the hub is quiet."""
        self._hub = hub
        self._full_every_s = full_every_s
        self._last_full = time.monotonic()
        self.collections = 0
        self.last_pause_ms = 0.0
        self._saved_thresholds: tuple[int, int, int] | None = None

    def __repr__(self) -> str:
        """Collections run so far and the last pause."""
        return f"GcPolicy(collections={self.collections}, last_pause_ms={self.last_pause_ms:.0f})"

    def install(self) -> None:
        """Switch off automatic full collections (young generations keep theirs)."""
        if self._saved_thresholds is None:
            self._saved_thresholds = gc.get_threshold()
            g0, g1, _ = self._saved_thresholds
            gc.set_threshold(g0, g1, NO_AUTOMATIC_FULL)

    def uninstall(self) -> None:
        """Restore the collector's thresholds."""
        if self._saved_thresholds is not None:
            gc.set_threshold(*self._saved_thresholds)
            self._saved_thresholds = None

    def due(self, now: float) -> bool:
        """True when a full collection is wanted and the hub has been quiet long enough."""
        waited = now - self._last_full
        if waited >= self._full_every_s * OVERDUE_FACTOR:
            return True
        return waited >= self._full_every_s and now - self._hub.last_activity_s >= SETTLE_S

    def collect(self) -> None:
        """Unfreeze, collect everything, freeze what survived."""
        started = time.perf_counter()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.last_pause_ms = (time.perf_counter() - started) * 1000
        self.collections += 1
        self._last_full = time.monotonic()
        log.info("full GC with %d ship sockets: %.0f ms", self._hub.connected, self.last_pause_ms)

    async def run(self) -> None:
        """Install, then check once a second until cancelled (thresholds restored then)."""
        self.install()
        try:
            while True:
                await asyncio.sleep(CHECK_EVERY_S)
                if self.due(time.monotonic()):
                    self.collect()
        finally:
            self.uninstall()
