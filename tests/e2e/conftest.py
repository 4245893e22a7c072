"""Browser fixtures: Debian Chromium via Playwright, the built dashboard, an artifacts folder."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("SAR_FRONTEND_DIST", REPO_ROOT / "frontend" / "dist"))
CHROMIUM = os.environ.get("SAR_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("SAR_E2E_ARTIFACTS", REPO_ROOT / "tests" / "e2e" / "artifacts"))
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


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots kept as test artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


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
