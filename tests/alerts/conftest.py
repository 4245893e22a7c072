"""Fixtures for the alerts tests: committed test data and real uvicorn servers on loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from sar_coord.core.db import make_sessionmaker

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A uvicorn process serving the alerts routes (HTTP) and /ws/ship (own port)."""

    db_url: str
    http_port: int
    ship_port: int
    env: dict[str, str] = field(default_factory=dict)
    real: bool = False
    proc: subprocess.Popen[bytes] | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def ship_url(self, resume_from: int | None = None) -> str:
        base = f"ws://127.0.0.1:{self.ship_port}/ws/ship"
        return base if resume_from is None else f"{base}?resume_from={resume_from}"

    async def start(self) -> None:
        env = dict(os.environ)
        env.update(
            {
                "ALERTS_SHIP_WS_PORT": str(self.ship_port),
                "ALERTS_SAFETY_POLL_S": "30",
                "ALERTS_ACK_FLUSH_S": "0.2",
                "ALERTS_ESCALATION_POLL_S": "0.5",
                "PYTHONPATH": str(REPO_ROOT),
            }
        )
        env.update(self.env)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.alerts.appserver",
                "--url",
                self.db_url,
                "--port",
                str(self.http_port),
                *(["--real"] if self.real else []),
            ],
            cwd=REPO_ROOT,
            env=env,
        )
        deadline = asyncio.get_running_loop().time() + 150
        async with httpx.AsyncClient() as client:
            while asyncio.get_running_loop().time() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}")
                try:
                    health = "/health" if self.real else "/healthz"
                    r1 = await client.get(f"{self.http_url}{health}", timeout=1)
                    r2 = await client.get(f"http://127.0.0.1:{self.ship_port}/healthz", timeout=1)
                    if r1.status_code == 200 and r2.status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc is not None:
            self.proc.wait()


@pytest.fixture
def make_server(db_url: str) -> Iterator[object]:
    """Factory of started servers on fresh ports; all stopped after the test."""
    servers: list[Server] = []

    async def factory(ship_port: int | None = None, **env: str) -> Server:
        server = Server(db_url, free_port(), ship_port or free_port(), env)
        servers.append(server)
        await server.start()
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
async def server(db_url: str) -> AsyncIterator[Server]:
    """One started server shared by a module's tests."""
    srv = Server(db_url, free_port(), free_port())
    try:
        await srv.start()
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def committed(engine: AsyncEngine) -> object:
    """`async with committed() as session:` a session that commits (data visible to servers)."""
    maker = make_sessionmaker(engine)

    @asynccontextmanager
    async def factory() -> AsyncIterator[AsyncSession]:
        async with maker() as session:
            yield session
            await session.commit()

    return factory
