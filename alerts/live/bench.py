"""Broadcast benchmark: a /ws/ship server and, in another process, N clients; one JSON line."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import json
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import typer
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.uri import parse_uri

from alerts.config import AlertsSettings
from alerts.lifecycle import service
from alerts.live.gc_policy import NO_AUTOMATIC_FULL
from alerts.live.runtime import alerts_runtime
from alerts.schemas import AlertCreate
from sar_coord.auth.security import new_api_token
from sar_coord.core import migrate
from sar_coord.core.db import asyncpg_dsn, make_engine, make_sessionmaker
from sar_coord.core.events import Listener

app = typer.Typer(help="Alert broadcast benchmark.")

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/sar_bench_broadcast"
MMSI_BASE = 990_000_000
ACK_EVERY_S = 1.0
COMMIT_MS: list[float] = []
"""How long each alert's COMMIT took (latencies are counted from before it: conservative)."""
_ALERT_ID_B = re.compile(rb'"alert_id": ?(\d+)')


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
        policy = runtime.extra["gc_policy"]
        print(f"gc policy: {policy}", file=sys.stderr)
    await listener.stop()
    await engine.dispose()


class _ShipClient(asyncio.Protocol):
    """A ship client on the websockets library's sans-I/O protocol: one object per socket and
    no task, so one process can time thousands of receipts without its own queueing skewing
    them. Acks are cumulative, at most one a second (as a bridge client sends them)."""

    def __init__(self, url: str, token: str, alerts: int, on_welcome: Callable[[], None]) -> None:
        self.proto = ClientProtocol(parse_uri(url), max_size=1 << 20)
        request = self.proto.connect()
        request.headers["Authorization"] = f"Bearer {token}"
        self.proto.send_request(request)
        self.alerts = alerts
        self.received: list[tuple[int, float]] = []
        self.welcomed = False
        self.done = asyncio.get_running_loop().create_future()
        self._on_welcome = on_welcome
        self._acked_at = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Send the opening handshake."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._flush()

    def data_received(self, data: bytes) -> None:
        """Parse frames; time each alert on arrival."""
        now = time.time()
        self.proto.receive_data(data)
        for event in self.proto.events_received():
            if not isinstance(event, Frame) or event.opcode is not Opcode.TEXT:
                continue
            text = bytes(event.data)
            if not self.welcomed:
                self.welcomed = True
                self._acked_at = now
                self._on_welcome()
                continue
            m = _ALERT_ID_B.search(text)
            if m is None:
                continue
            self.received.append((int(m.group(1)), now))
            finished = len(self.received) >= self.alerts
            if finished or now - self._acked_at >= ACK_EVERY_S:
                self._acked_at = now
                seq = text[text.index(b'"seq":') + 6 : text.index(b',"ts"')]
                self.proto.send_text(b'{"type":"ack","data":{"seq":' + seq + b"}}")
            if finished and not self.done.done():
                self.done.set_result(None)
        self._flush()
        if self.proto.handshake_exc is not None and not self.done.done():
            self.done.set_exception(self.proto.handshake_exc)

    def _flush(self) -> None:
        assert self.transport is not None
        for chunk in self.proto.data_to_send():
            if chunk:
                self.transport.write(chunk)

    def connection_lost(self, exc: Exception | None) -> None:
        """A lost connection before the last alert fails this client's attempt."""
        if not self.done.done():
            self.done.set_exception(exc or ConnectionError("closed before the last alert"))


def _same(client: _ShipClient) -> _ShipClient:
    return client


async def _clients(port: int, tokens_file: Path, alerts: int, out: Path, timeout_s: float) -> None:
    raise_nofile(65536)
    tokens = json.loads(tokens_file.read_text())
    received: list[list[tuple[int, float]]] = [[] for _ in tokens]
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(200)
    all_in = asyncio.Event()
    welcomed = 0
    url = f"ws://127.0.0.1:{port}/ws/ship?resume_from=0"
    errors: list[str] = []

    def on_welcome() -> None:
        nonlocal welcomed
        welcomed += 1
        gate.release()
        if welcomed == len(tokens):
            all_in.set()

    async def one(i: int, token: str) -> None:
        for attempt in range(5):
            await gate.acquire()
            client = _ShipClient(url, token, alerts, on_welcome)
            try:
                await asyncio.wait_for(
                    loop.create_connection(functools.partial(_same, client), "127.0.0.1", port),
                    60,
                )
                await client.done
                received[i] = client.received
                return
            except Exception as exc:  # a refused or timed-out handshake under load: retry
                errors.append(repr(exc))
                received[i] = client.received
                if not client.welcomed:
                    gate.release()
                if client.transport is not None:
                    client.transport.abort()
                if client.welcomed:
                    return  # lost after the welcome: what it received is what it got
                await asyncio.sleep(0.5 * (attempt + 1))

    tasks = [asyncio.create_task(one(i, t)) for i, t in enumerate(tokens)]
    try:
        await asyncio.wait_for(all_in.wait(), timeout=300)
    except TimeoutError:
        print(f"only {welcomed} clients connected; errors: {errors[:3]}", file=sys.stderr)
        raise
    if errors:
        print(f"{len(errors)} connection retries, e.g. {errors[0]}", file=sys.stderr)
    # The clients are the measuring instrument: no full collection pause may skew their clocks.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*gc.get_threshold()[:2], NO_AUTOMATIC_FULL)
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
                COMMIT_MS.append((time.time() - started) * 1000)
            committed[alert.id] = started
            await asyncio.sleep(pause_s)
    finally:
        await engine.dispose()
    return committed


def _spawn(call: str) -> subprocess.Popen[str]:
    code = f"import asyncio, alerts.live.bench as b; asyncio.run(b.{call})"
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
    client_procs: Annotated[
        int, typer.Option(help="Client processes the ships are spread over.")
    ] = 2,
) -> None:
    """Time from each alert's commit to its receipt at every client; prints one JSON line."""
    raise_nofile(clients * 2 + 1024)
    case_id, tokens = asyncio.run(_seed(database_url, clients))
    procs = max(1, min(client_procs, clients))
    with tempfile.TemporaryDirectory() as tmp:
        shards = [tokens[k::procs] for k in range(procs)]
        server = _spawn(f"_serve({database_url!r}, {port})")
        client_list: list[subprocess.Popen[str]] = []
        outs = [Path(tmp) / f"received-{k}.json" for k in range(procs)]
        try:
            _wait_ready(server, "server")
            timeout_s = alerts * (pause_s + 5) + 60  # issuing to 10k ships takes seconds
            connect_started = time.perf_counter()
            for k, shard in enumerate(shards):
                tokens_file = Path(tmp) / f"tokens-{k}.json"
                tokens_file.write_text(json.dumps(shard))
                client_list.append(
                    _spawn(
                        f"_clients({port}, b.Path({str(tokens_file)!r}), {alerts}, "
                        f"b.Path({str(outs[k])!r}), {timeout_s})"
                    )
                )
            for proc in client_list:
                _wait_ready(proc, "clients")
            connect_s = time.perf_counter() - connect_started
            rss_idle_mb, _ = _rss_mb(server.pid)
            committed = asyncio.run(_issue(database_url, case_id, alerts, pause_s))
            for proc in client_list:
                proc.wait(timeout=timeout_s + 30)
            rss_mb, peak_mb = _rss_mb(server.pid)
        finally:
            for proc in (*client_list, server):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        proc.kill()
        received: list[list[list[Any]]] = [
            per for out in outs for per in json.loads(out.read_text())
        ]
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
        "client_procs": procs,
        # every ship connecting at once (as after a server restart): handshake, auth, welcome
        "connect_all_s": round(connect_s, 1),
        "server": "websockets (no compression), hub reading ship_delivery from cursors",
        "pause_s": pause_s,
        "commit_ms_max": round(max(COMMIT_MS), 1) if COMMIT_MS else None,
        "per_alert_p50_ms": [round(statistics.median(v), 1) for _, v in sorted(per_alert.items())],
    }
    typer.echo(json.dumps(result))
