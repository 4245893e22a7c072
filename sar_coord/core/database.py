"""Where the database is: the configured server, or an embedded cluster started here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

from sar_coord.core import migrate
from sar_coord.core.config import Settings
from sar_coord.core.embedded import EmbeddedCluster

log = logging.getLogger(__name__)


@contextlib.contextmanager
def database(settings: Settings, *, migrate_schema: bool = True) -> Iterator[str]:
    """Yield a migrated database URL; an embedded cluster started here is stopped on exit."""
    cluster: EmbeddedCluster | None = None
    if settings.database_url:
        url = settings.database_url
    else:
        cluster = EmbeddedCluster(settings.home)
        cluster.start()
        url = cluster.database_url
    try:
        if migrate_schema:
            asyncio.run(migrate.prepare(url))
        yield url
    finally:
        if cluster is not None and cluster.started_here:
            cluster.stop()
