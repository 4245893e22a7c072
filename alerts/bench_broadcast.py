"""Broadcast benchmark: a /ws/ship server and, in another process, N clients; one JSON line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import typer
from websockets.asyncio.client import connect

from alerts import service
from alerts.config import AlertsSettings
from alerts.runtime import alerts_runtime
from alerts.schemas import AlertCreate
from sar_coord.auth.security import new_api_token
from sar_coord.core import migrate
from sar_coord.core.db import asyncpg_dsn, make_engine, make_sessionmaker
from sar_coord.core.events import Listener

app = typer.Typer(help="Alert broadcast benchmark.")

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/sar_bench_broadcast"
MMSI_BASE = 990_000_000
ACK_EVERY_S = 1.0
_ALERT_ID = re.compile(r'"alert_id": ?(\d+)')


def raise_nofile(want: int) -> int:
    """Raise the open-files soft limit towards `want` (capped by the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def _rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, MB."""
    fields: dict[str, float] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", float("nan")), fields.get("VmHWM", float("nan"))


async def _seed(url: str, clients: int) -> tuple[int, list[str]]:
    """A fresh database with one case and `clients` registered vessels near it, one token each."""
    dsn = asyncpg_dsn(url)
    admin = await asyncpg.connect(**dict(dsn, database="postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{dsn["database"]}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{dsn["database"]}"')
    finally:
        await admin.close()
    await migrate.prepare(url)
    conn = await asyncpg.connect(**dsn)
    tokens: list[str] = []
    try:
        case_id = await conn.fetchval(
            "INSERT INTO distress_case (reference, status, source, datum, datum_at, "
            "datum_uncertainty_nm) VALUES ('BENCH-1', 'open', 'rcc', "
            "ST_GeogFromText('SRID=4326;POINT(14 35)'), now(), 1) "
            "RETURNING id"
        )
        mmsis = [MMSI_BASE + i for i in range(clients)]
        await conn.executemany(
            "INSERT INTO vessel (mmsi, name, registered, receive_all_alerts, updated_at) "
            "VALUES ($1, $2, true, false, now())",
            [(m, f"BENCH {m}") for m in mmsis],
        )
        await conn.executemany(
            "INSERT INTO vessel_latest (mmsi, position, reported_at, updated_at) VALUES "
            "($1, ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326)::geography, "
            "now(), now())",
            [(m, 14 + (i % 100) * 0.002, 35 + (i // 100) * 0.002) for i, m in enumerate(mmsis)],
        )
        user_ids = await conn.fetch(
            "INSERT INTO app_user (username, role, disabled, created_at) "
            "SELECT 'bench-' || m, 'ship_master', false, now() FROM unnest($1::bigint[]) m "
            "RETURNING id, substr(username, 7)::bigint AS mmsi",
            mmsis,
        )
        rows = []
        for rec in user_ids:
            plain, prefix, digest = new_api_token()
            tokens.append(plain)
            rows.append((rec["id"], rec["mmsi"], prefix, digest))
        await conn.executemany(
            "INSERT INTO user_vessel (user_id, mmsi) VALUES ($1, $2)", [(r[0], r[1]) for r in rows]
        )
        await conn.executemany(
            "INSERT INTO api_token (user_id, name, prefix, token_sha256, created_at) "
            "VALUES ($1, 'bench', $2, $3, now())",
            [(r[0], r[2], r[3]) for r in rows],
        )
    finally:
        await conn.close()
    return int(case_id), tokens


async def _serve(url: str, port: int) -> None:
    raise_nofile(65536)
    engine = make_engine(url, pool_size=5, max_overflow=5)
    listener = Listener(url)
    await listener.start()
    await listener.connected.wait()
    settings = AlertsSettings(ship_ws_port=port, ship_ws_reuse_port=False, ping_interval_s=60)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with alerts_runtime(engine, listener, settings=settings, escalation=False) as runtime:
        print("ready", flush=True)
        await stop.wait()
        rounds = [(n, round(r), round(t)) for n, r, t in runtime.hub.push_ms if n]
        print(f"hub rounds (frames, read ms, total ms): {rounds[-30:]}", file=sys.stderr)
    await listener.stop()
    await engine.dispose()


async def _clients(port: int, tokens_file: Path, alerts: int, out: Path, timeout_s: float) -> None:
    raise_nofile(65536)
    tokens = json.loads(tokens_file.read_text())
    received: list[list[tuple[int, float]]] = [[] for _ in tokens]
    gate = asyncio.Semaphore(200)
    welcomed = 0
    all_in = asyncio.Event()
    url = f"ws://127.0.0.1:{port}/ws/ship?resume_from=0"

    errors: list[str] = []

    async def one(i: int, token: str) -> None:
        for attempt in range(5):
            try:
                await attempt_one(i, token)
                return
            except Exception as exc:  # a refused or timed-out handshake under load: retry
                errors.append(repr(exc))
                await asyncio.sleep(0.5 * (attempt + 1))

    async def attempt_one(i: int, token: str) -> None:
        nonlocal welcomed
        await gate.acquire()
        released = False
        try:
            async with connect(
                url,
                additional_headers={"Authorization": f"Bearer {token}"},
                compression=None,
                ping_interval=None,
                open_timeout=60,
            ) as ws:
                mine = received[i]
                acked_at = time.time()
                async for raw in ws:
                    now = time.time()
                    if not released:
                        released = True
                        gate.release()
                        welcomed += 1
                        if welcomed == len(tokens):
                            all_in.set()
                        continue
                    text = raw if isinstance(raw, str) else raw.decode()
                    m = _ALERT_ID.search(text)
                    if m is None:
                        continue
                    mine.append((int(m.group(1)), now))
                    seq = text[text.index('"seq":') + 6 : text.index(',"ts"')]
                    if len(mine) >= alerts or now - acked_at >= ACK_EVERY_S:
                        # Acks are cumulative: one per second is enough (as a bridge client does).
                        acked_at = now
                        await ws.send('{"type":"ack","data":{"seq":' + seq + "}}")
                    if len(mine) >= alerts:
                        return
        finally:
            if not released:
                gate.release()

    tasks = [asyncio.create_task(one(i, t)) for i, t in enumerate(tokens)]
    try:
        await asyncio.wait_for(all_in.wait(), timeout=300)
    except TimeoutError:
        print(f"only {welcomed} clients connected; errors: {errors[:3]}", file=sys.stderr)
        raise
    if errors:
        print(f"{len(errors)} connection retries, e.g. {errors[0]}", file=sys.stderr)
    print("ready", flush=True)
    await asyncio.wait(tasks, timeout=timeout_s)
    out.write_text(json.dumps(received))
    for task in tasks:
        task.cancel()


async def _issue(url: str, case_id: int, alerts: int, pause_s: float) -> dict[int, float]:
    engine = make_engine(url, pool_size=2)
    maker = make_sessionmaker(engine)
    committed: dict[int, float] = {}
    try:
        for i in range(alerts):
            async with maker() as session:
                alert = await service.issue_alert(
                    session,
                    AlertCreate(
                        case_id=case_id,
                        kind="area",
                        radius_nm=50,
                        message=f"Benchmark alert {i}: rubber boat, 40 persons, engine failure",
                    ),
                    actor=service.Actor("bench"),
                )
                started = time.time()
                await session.commit()
            committed[alert.id] = started
            await asyncio.sleep(pause_s)
    finally:
        await engine.dispose()
    return committed


def _spawn(call: str) -> subprocess.Popen[str]:
    code = f"import asyncio, alerts.bench_broadcast as b; asyncio.run(b.{call})"
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def _wait_ready(proc: subprocess.Popen[str], what: str) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        raise RuntimeError(f"{what} did not start (exit {proc.poll()})")


@app.callback(invoke_without_command=True)
def bench_broadcast(
    clients: Annotated[int, typer.Option(help="Ship clients.")] = 1000,
    alerts: Annotated[int, typer.Option(help="Area alerts to every client.")] = 20,
    database_url: Annotated[
        str, typer.Option(envvar="SAR_BENCH_DATABASE_URL", help="Scratch database (recreated).")
    ] = DEFAULT_URL,
    port: Annotated[int, typer.Option(help="Ship channel port for the run.")] = 18765,
    pause_s: Annotated[float, typer.Option(help="Pause between alerts, seconds.")] = 0.25,
) -> None:
    """Time from each alert's commit to its receipt at every client; prints one JSON line."""
    raise_nofile(clients * 2 + 1024)
    case_id, tokens = asyncio.run(_seed(database_url, clients))
    with tempfile.TemporaryDirectory() as tmp:
        tokens_file = Path(tmp) / "tokens.json"
        out = Path(tmp) / "received.json"
        tokens_file.write_text(json.dumps(tokens))
        server = _spawn(f"_serve({database_url!r}, {port})")
        client_proc: subprocess.Popen[str] | None = None
        try:
            _wait_ready(server, "server")
            timeout_s = alerts * (pause_s + 5) + 60  # issuing to 10k ships takes seconds
            client_proc = _spawn(
                f"_clients({port}, b.Path({str(tokens_file)!r}), {alerts}, "
                f"b.Path({str(out)!r}), {timeout_s})"
            )
            _wait_ready(client_proc, "clients")
            rss_idle_mb, _ = _rss_mb(server.pid)
            committed = asyncio.run(_issue(database_url, case_id, alerts, pause_s))
            client_proc.wait(timeout=timeout_s + 30)
            rss_mb, peak_mb = _rss_mb(server.pid)
        finally:
            for proc in (client_proc, server):
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        proc.kill()
        received: list[list[list[Any]]] = json.loads(out.read_text())
    latencies_ms = [
        (t - committed[aid]) * 1000 for per in received for aid, t in per if aid in committed
    ]
    per_alert: dict[int, list[float]] = {}
    for per in received:
        for aid, t in per:
            if aid in committed:
                per_alert.setdefault(aid, []).append((t - committed[aid]) * 1000)
    result = {
        "clients": clients,
        "alerts": alerts,
        "expected": clients * alerts,
        "delivered": len(latencies_ms),
        "p50_ms": round(statistics.median(latencies_ms), 1) if latencies_ms else None,
        "p95_ms": round(_percentile(latencies_ms, 95), 1),
        "p99_ms": round(_percentile(latencies_ms, 99), 1),
        "max_ms": round(max(latencies_ms), 1) if latencies_ms else None,
        "server_rss_mb": round(peak_mb, 1),
        "server_rss_idle_mb": round(rss_idle_mb, 1),
        "server_rss_end_mb": round(rss_mb, 1),
        "server": "websockets (no compression), hub reading ship_delivery from cursors",
        "pause_s": pause_s,
        "per_alert_p50_ms": [round(statistics.median(v), 1) for _, v in sorted(per_alert.items())],
    }
    typer.echo(json.dumps(result))
