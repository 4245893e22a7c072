"""One process's alerts machinery: hub, /ws/ship, RCC feed, jobs (escalation, stand-down)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from alerts.config import AlertsSettings, get_alerts_settings
from alerts.lifecycle.escalation import EscalationJob
from alerts.lifecycle.standdown import StandDownJob
from alerts.live.gc_policy import GcPolicy
from alerts.live.hub import Hub
from alerts.live.rcc_feed import RccFeed
from alerts.live.ship_channel import ShipServer
from sar_coord.core import events
from sar_coord.core.db import make_sessionmaker

log = logging.getLogger(__name__)


@dataclass
class AlertsRuntime:
    """The running pieces, kept on app.state.alerts for the routers."""

    settings: AlertsSettings
    sessionmaker: async_sessionmaker[AsyncSession]
    hub: Hub
    ship_server: ShipServer
    rcc_feed: RccFeed
    escalation: EscalationJob
    ship_port: int = 0
    extra: dict[str, object] = field(default_factory=dict)


@contextlib.asynccontextmanager
async def alerts_runtime(
    engine: AsyncEngine,
    listener: events.Listener,
    *,
    settings: AlertsSettings | None = None,
    escalation: bool = True,
    freeze_gc: bool = True,
) -> AsyncIterator[AlertsRuntime]:
    """Run the hub, the /ws/ship server, the RCC feed and the escalation job until exit.

    `listener` must be started by the caller (one LISTEN connection per process).
    """
    settings = settings or get_alerts_settings()
    sessionmaker = make_sessionmaker(engine)
    hub = Hub(engine, listener, settings)
    ship_server = ShipServer(hub, sessionmaker, settings, listener)
    rcc_feed = RccFeed(sessionmaker, listener, settings)
    job = EscalationJob(engine, sessionmaker, settings)
    stand_down = StandDownJob(sessionmaker, listener, sweep_s=settings.stand_down_sweep_s)
    await hub.start()
    await rcc_feed.start()
    port = await ship_server.start()
    if escalation:
        await job.start()
    await stand_down.start()
    log.info("/ws/ship listening on %s:%s", settings.ship_ws_host, port)
    if freeze_gc:
        # Long-lived start-up objects leave the collector's generations: shorter full-GC pauses.
        gc.collect()
        gc.freeze()
    gc_policy = GcPolicy(hub, settings.gc_full_every_s)
    gc_task = asyncio.create_task(gc_policy.run(), name="gc-policy")
    runtime = AlertsRuntime(settings, sessionmaker, hub, ship_server, rcc_feed, job, port)
    runtime.extra["gc_policy"] = gc_policy
    runtime.extra["stand_down"] = stand_down
    try:
        yield runtime
    finally:
        gc_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await gc_task
        await stand_down.stop()
        await job.stop()
        await ship_server.stop()
        await rcc_feed.stop()
        await hub.stop()
