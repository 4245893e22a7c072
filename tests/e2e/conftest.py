"""Browser fixtures: Debian Chromium via Playwright, the built dashboard, an artifacts folder.

Tests write screenshots and figures only into the artifacts folder: a temporary directory, or
`SAR_E2E_ARTIFACTS` when set. With `SAR_DOC_SCREENSHOTS=1` (set by the documentation command
`python -m tests.e2e.screenshots`) frontend/docs/screenshots/ is refreshed from it at the end.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("SAR_FRONTEND_DIST", REPO_ROOT / "frontend" / "dist"))
CHROMIUM = os.environ.get("SAR_CHROMIUM", "/usr/bin/chromium")
DOC_SCREENSHOTS_DIR = REPO_ROOT / "frontend" / "docs" / "screenshots"
# Artifacts the documentation shows, by file name (the same name in both folders).
DOC_SCREENSHOTS = (
    "auditor-view.png",
    "basemap-antimeridian.png",
    "rcc-20000-vessels.png",
    "rcc-disembarkation.png",
    "rcc-escalation.png",
    "rcc-view.png",
    "ship-alarm.png",
    "ship-view.png",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def frontend_dist() -> Path:
    """The built dashboard; skips with the command to run when it has not been built."""
    if not (DIST / "index.html").exists():
        pytest.skip(f"dashboard not built at {DIST}: run `cd frontend && npm ci && npm run build`")
    return DIST


def doc_screenshots_wanted() -> bool:
    """True when this run refreshes the documentation screenshots (SAR_DOC_SCREENSHOTS=1)."""
    return os.environ.get("SAR_DOC_SCREENSHOTS") == "1"


def publish_doc_screenshots(artifacts: Path) -> list[str]:
    """Copy the documented screenshots this run made into frontend/docs/screenshots/."""
    copied = []
    for name in DOC_SCREENSHOTS:
        if (artifacts / name).exists():
            DOC_SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(artifacts / name, DOC_SCREENSHOTS_DIR / name)
            copied.append(name)
    return copied


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Folder for screenshots, logs and figures: temporary unless SAR_E2E_ARTIFACTS names one."""
    configured = os.environ.get("SAR_E2E_ARTIFACTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("e2e-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    if doc_screenshots_wanted():
        publish_doc_screenshots(folder)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture(scope="session")
def static_site(frontend_dist: Path) -> Iterator[str]:
    """Serve the built files on loopback (no back end) and yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(frontend_dist))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[object]:
    """Headless Debian Chromium driven by Playwright (no downloaded browser builds)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set SAR_CHROMIUM)"
        )
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            await b.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The real app (tests.e2e.fullapp) under uvicorn on loopback, on the test database."""

    def __init__(self, db_url: str, key_dir: Path, log_dir: Path) -> None:
        self.db_url = db_url
        self.log_path = log_dir / "server.log"
        self.http_port = _free_port()
        self.ship_port = _free_port()
        self.key_dir = key_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def ship_ws(self) -> str:
        return f"ws://127.0.0.1:{self.ship_port}/ws/ship"

    async def start(self) -> None:
        env = dict(os.environ)
        env.update(
            {
                "ALERTS_SHIP_WS_PORT": str(self.ship_port),
                "ALERTS_ACK_FLUSH_S": "0.2",
                "ALERTS_ESCALATION_AFTER_S": "4",
                "ALERTS_ESCALATION_POLL_S": "0.5",
                "SAR_FRONTEND_DIST": str(DIST),
                "SAR_AUDIT_CHECKPOINT_EVERY_ENTRIES": "1",
                "PYTHONPATH": str(REPO_ROOT),
            }
        )
        self._log = log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.e2e.fullapp",
                "--url",
                self.db_url,
                "--port",
                str(self.http_port),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        async with httpx.AsyncClient() as client:
            for _ in range(1200):
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        f"server exited with {self.proc.returncode}: see {self.log_path}"
                    )
                try:
                    r = await client.get(f"{self.url}/health", timeout=1)
                    if r.status_code < 500:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        """Terminate the server (kill after 10 s) and close its log."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log is not None:
            self._log.close()


@pytest.fixture(scope="module")
async def live_server(
    frontend_dist: Path, db_url: str, artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    """A started server with the dashboard at / (stopped after the module)."""
    srv = LiveServer(db_url, tmp_path_factory.mktemp("keys"), artifacts)
    try:
        await srv.start()
        yield srv
    finally:
        srv.stop()
