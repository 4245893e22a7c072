"""Login flood benchmark: /health p50 and ship ping p99 while attackers send wrong passwords."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from typing import Annotated

import httpx
import typer
from websockets.asyncio.client import connect

from sar_coord.auth import service
from sar_coord.core import migrate
from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/sar_bench_login"
PASSWORD = "bench password 0123"
MMSI = 247_990_001


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _seed(url: str) -> str:
    """A fresh database with a victim account and a ship master; returns the ship's API token."""
    await migrate.recreate_database(url)
    await migrate.prepare(url)
    engine = make_engine(url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as s:
            await service.create_user(
                s, username="victim", role="rcc_operator", password=PASSWORD, organisation="MRCC"
            )
            await service.create_user(
                s, username="bench_master", role="ship_master", password=PASSWORD,
                vessel_mmsis=[MMSI],
            )  # fmt: skip
            _, token = await service.create_api_token(s, username="bench_master")
    finally:
        await engine.dispose()
    return token


async def _attacker(api: str, n: int, stop: asyncio.Event, counts: dict[int, int]) -> None:
    """Wrong passwords in a loop from its own loopback address (127.0.0.N)."""
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{10 + n}")
    async with httpx.AsyncClient(transport=transport, base_url=api, timeout=30) as c:
        while not stop.is_set():
            user = "victim" if n % 2 == 0 else f"nobody-{secrets.token_hex(4)}"
            r = await c.post("/api/v1/auth/login", json={"username": user, "password": "wrong"})
            counts[r.status_code] = counts.get(r.status_code, 0) + 1
            if r.status_code == 429:
                # A patient attacker waits as told, then tries again.
                await asyncio.sleep(min(float(r.headers.get("Retry-After", "1")), 2.0))


async def _measure(api: str, ship_ws: str, token: str, duration_s: float) -> tuple[float, float]:
    """(/health p50 ms, ship ping p99 ms) over `duration_s`, both probes in parallel."""
    health_ms: list[float] = []
    ping_ms: list[float] = []
    end = time.monotonic() + duration_s

    async def health() -> None:
        async with httpx.AsyncClient(base_url=api, timeout=30) as c:
            while time.monotonic() < end:
                t0 = time.perf_counter()
                await c.get("/health")
                health_ms.append((time.perf_counter() - t0) * 1000)
                await asyncio.sleep(0.05)

    async def ping() -> None:
        async with connect(ship_ws, open_timeout=30) as ws:
            await ws.send(json.dumps({"type": "auth", "data": {"token": token, "resume_from": 0}}))
            nonce = 0
            while time.monotonic() < end:
                nonce += 1
                t0 = time.perf_counter()
                await ws.send(json.dumps({"type": "ping", "data": {"nonce": nonce}}))
                while True:
                    frame = json.loads(await ws.recv())
                    if frame["type"] == "pong" and frame["data"]["nonce"] == nonce:
                        break
                ping_ms.append((time.perf_counter() - t0) * 1000)
                await asyncio.sleep(0.2)

    await asyncio.gather(health(), ping())
    return _percentile(health_ms, 0.5), _percentile(ping_ms, 0.99)


async def _run(api: str, ship_ws: str, token: str, attackers: int, duration_s: float) -> None:
    idle = await _measure(api, ship_ws, token, duration_s)
    stop = asyncio.Event()
    counts: dict[int, int] = {}
    tasks = [asyncio.create_task(_attacker(api, n, stop, counts)) for n in range(attackers)]
    await asyncio.sleep(1.0)
    flood = await _measure(api, ship_ws, token, duration_s)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    typer.echo(f"idle:  /health p50 {idle[0]:.1f} ms, ship ping p99 {idle[1]:.1f} ms")
    typer.echo(
        f"flood ({attackers} attackers): /health p50 {flood[0]:.1f} ms, "
        f"ship ping p99 {flood[1]:.1f} ms; login answers {dict(sorted(counts.items()))}"
    )


def bench_login(
    attackers: Annotated[int, typer.Option(help="Concurrent wrong-password clients.")] = 16,
    duration_s: Annotated[float, typer.Option(help="Seconds measured idle and under flood.")] = 10,
    url: Annotated[
        str, typer.Option(envvar="SAR_BENCH_DATABASE_URL", help="Scratch database (recreated).")
    ] = DEFAULT_URL,
    throttle: Annotated[
        bool, typer.Option(help="Keep the login back-off (off: every attempt runs argon2).")
    ] = True,
) -> None:
    """Start the app, then measure /health p50 and ship ping p99 idle and under a login flood."""
    token = asyncio.run(_seed(url))
    http_port, ship_port = _free_port(), _free_port()
    env = dict(
        os.environ,
        SAR_DATABASE_URL=url,
        SAR_JWT_SECRET=secrets.token_urlsafe(48),
        ALERTS_SHIP_WS_PORT=str(ship_port),
    )
    if not throttle:
        env |= {"SAR_LOGIN_ACCOUNT_FREE_FAILURES": "1000000"}
        env |= {"SAR_LOGIN_ADDRESS_FREE_FAILURES": "1000000"}
    serve = [sys.executable, "-m", "uvicorn", "sar_coord.main:create_app", "--factory"]
    proc = subprocess.Popen(
        [*serve, "--port", str(http_port), "--log-level", "warning", "--no-access-log"], env=env
    )
    api = f"http://127.0.0.1:{http_port}"
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{api}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        ship_ws = f"ws://127.0.0.1:{ship_port}/ws/ship"
        asyncio.run(_run(api, ship_ws, token, attackers, duration_s))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        asyncio.run(migrate.drop_database(url))
