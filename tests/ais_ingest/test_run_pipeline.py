"""run_pipeline as `sar-coord up` uses it: network sources, cancellation flushes; stdin via CLI."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys

import asyncpg

from ais_ingest.pipeline import Pipeline, run_pipeline
from tests.ais_ingest.aisgen import sentence, type1
from tests.ais_ingest.test_sources import free_port

LINES = [sentence(type1(244300000 + i, 40.0, 10.0 + i / 1000)).encode() for i in range(200)]


async def test_cancelled_pipeline_flushes_tcp_listen_data(
    db: asyncpg.Connection, ingest_db_url: str
) -> None:
    port = free_port()
    pipe = Pipeline(ingest_db_url, batch_max_age_s=30.0)  # nothing flushes before shutdown
    task = asyncio.create_task(
        run_pipeline([f"tcp-listen://127.0.0.1:{port}"], ingest_db_url, pipeline=pipe)
    )
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            break
        except OSError:
            await asyncio.sleep(0.05)
    writer.write(b"\r\n".join(LINES) + b"\r\n")
    await writer.drain()
    while pipe.stats.received < len(LINES):
        await asyncio.sleep(0.02)
    assert await db.fetchval("SELECT count(*) FROM vessel_position") == 0
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    writer.close()
    assert await db.fetchval("SELECT count(*) FROM vessel_position") == len(LINES)
    assert pipe.stats.persisted == len(LINES) and pipe.stats.balanced()


def test_stdin_source_through_cli(ingest_db_url: str, db: asyncpg.Connection) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ais_ingest.cli", "ingest", "-", "--database-url", ingest_db_url],
        input=b"\n".join(LINES[:10]) + b"\n",
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    final = json.loads(proc.stderr.decode().strip().splitlines()[-1])
    assert final["persisted"] == 10 and final["balanced"]


def test_cli_sigterm_flushes_and_metrics_port_serves(
    ingest_db_url: str, db: asyncpg.Connection
) -> None:
    import signal
    import time

    import httpx

    src_port, metrics_port = free_port(), free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "ais_ingest.cli", "ingest", f"tcp-listen://127.0.0.1:{src_port}",
            "--database-url", ingest_db_url, "--metrics-port", str(metrics_port),
        ],
        stderr=subprocess.PIPE,
        env={**os.environ, "AIS_BATCH_MAX_AGE_S": "60"},  # only the shutdown flush writes
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", src_port), timeout=1) as s:
                    s.sendall(b"\n".join(LINES[:25]) + b"\n")
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        while True:
            body = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text
            if "ais_lines_received_total 25.0" in body:
                break
            assert time.monotonic() < deadline
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr.decode()[-2000:]
    final = json.loads(stderr.decode().strip().splitlines()[-1])
    assert final["persisted"] == 25 and final["balanced"]
