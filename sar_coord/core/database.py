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
def database(
    settings: Settings, *, migrate_schema: bool = True, adopt: bool = False
) -> Iterator[str]:
    """Yield a migrated database URL; an embedded cluster started here is stopped on exit.

    `adopt`: a cluster found running (left by an `up` that was killed) is stopped on exit too.
    """
    cluster: EmbeddedCluster | None = None
    if settings.database_url:
        url = settings.database_url
    else:
        cluster = EmbeddedCluster(settings.home)
        cluster.start()
        if adopt and not cluster.started_here:
            log.warning("adopting the cluster a previous sar-coord up left running")
            cluster.started_here = True
        url = cluster.database_url
    try:
        if migrate_schema:
            asyncio.run(migrate.prepare(url))
        yield url
    finally:
        if cluster is not None and cluster.started_here:
            cluster.stop()


@contextlib.contextmanager
def base_url(database_url: str | None) -> Iterator[str]:
    """A benchmark's server: the given URL, else the configured or embedded database."""
    if database_url:
        yield database_url
        return
    from sar_coord.core.config import get_settings

    with database(get_settings()) as url:
        yield url
