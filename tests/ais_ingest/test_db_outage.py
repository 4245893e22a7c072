"""Stop a private PostgreSQL mid-ingest and start it again: no accepted message is lost."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from ais_ingest.pipeline import Pipeline
from sar_coord.core.ais import nmea_checksum
from sar_coord.core.db import asyncpg_dsn
from sar_coord.core.embedded import EmbeddedCluster, EmbeddedError
from tests.ais_ingest.aisgen import sentence, type1
from tests.ais_ingest.conftest import create_migrated

N_LINES = 12_000


@pytest.fixture
def private_cluster(tmp_path: Path) -> Iterator[EmbeddedCluster]:
    """A throwaway cluster (unix socket only, postgres OS user); never the shared server."""
    try:
        cluster = EmbeddedCluster(tmp_path / "sar")
        cluster.start()
    except EmbeddedError as exc:
        pytest.skip(f"cannot run a private PostgreSQL cluster here: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.paths.data_dir.parent, ignore_errors=True)


def _line(i: int) -> bytes:
    tag = f"c:{1_700_000_000 + i}"
    mmsi = 244100000 + i % 40
    # a unique payload per line (the pipeline drops byte-identical repeats as duplicates)
    body = sentence(type1(mmsi, 50.0 + (i % 40) / 100, 4.0 + i / 1e5))
    return f"\\{tag}*{nmea_checksum(tag.encode()):02X}\\{body}".encode()


async def test_outage_buffers_backpressures_and_loses_nothing(
    private_cluster: EmbeddedCluster,
) -> None:
    url = private_cluster.database_url
    await create_migrated(url)
    pipe = Pipeline(url, batch_max_messages=500, batch_max_age_s=0.05, buffer_max_lines=3000)
    await pipe.start()
    lines = [_line(i) for i in range(N_LINES)]
    fed = 0
    db_down = asyncio.Event()

    async def feeder() -> None:
        nonlocal fed
        for i in range(0, N_LINES, 100):
            if i == 3000:
                await db_down.wait()
            await pipe.ingest("feed", lines[i : i + 100])
            fed = i + 100
            await asyncio.sleep(0.001)

    task = asyncio.create_task(feeder())
    while pipe.stats.persisted < 2000:
        await asyncio.sleep(0.01)
    await asyncio.to_thread(private_cluster.stop)  # fast shutdown mid-ingest
    db_down.set()

    await asyncio.sleep(2.0)
    stalled_at = fed
    await asyncio.sleep(1.0)
    assert pipe.db_failures > 0
    assert not task.done() and fed == stalled_at < N_LINES  # backpressure held the source
    assert 3000 <= pipe.stats.buffered <= 3000 + 600  # bounded buffer
    assert pipe.stats.balanced()

    await asyncio.to_thread(private_cluster.start)
    await asyncio.wait_for(task, 120)
    await pipe.close(flush_timeout_s=120)

    st = pipe.stats
    assert st.balanced() and st.buffered == 0 and not st.rejected
    assert st.persisted == N_LINES
    conn = await asyncpg.connect(**asyncpg_dsn(url))
    try:
        distinct = await conn.fetchval(
            "SELECT count(*) FROM (SELECT DISTINCT mmsi, received_at FROM vessel_position) d"
        )
        total = await conn.fetchval("SELECT count(*) FROM vessel_position")
        latest = await conn.fetchval("SELECT count(*) FROM vessel_latest")
    finally:
        await conn.close()
    assert distinct == N_LINES  # every accepted report is stored
    # a commit cut by the shutdown may be retried once: at most one batch duplicated
    assert N_LINES <= total <= N_LINES + 500
    assert latest == 40
