"""No token in a URL or a log line: a browser session's tokens never reach the server log."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import connect

from tests.e2e.conftest import LiveServer
from tests.e2e.seed import World, seed_world
from tests.e2e.test_flows import login

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def world(engine: AsyncEngine) -> World:
    """Accounts and vessels for this module."""
    return await seed_world(engine)


async def _tokens(page: Any) -> list[str]:
    """Every credential the page keeps: the login JWT and any ship channel API token."""
    stored: dict[str, str] = await page.evaluate("() => ({...localStorage})")
    found = []
    for key, value in stored.items():
        if key == "sar.session":
            found.append(json.loads(value)["token"])
        elif value.startswith("sar_"):
            found.append(value)
    return found


async def test_browser_session_leaves_no_token_in_server_logs(
    browser: Any, live_server: LiveServer, world: World
) -> None:
    rcc = await login(browser, live_server, world.rcc)
    await rcc.wait_for_selector("#ws-status.open", timeout=15_000)
    ship = await login(browser, live_server, world.master, **{"sar.shipWsUrl": live_server.ship_ws})
    await ship.wait_for_selector("#ws-status.open", timeout=15_000)
    await ship.reload()
    await ship.wait_for_selector("#ws-status.open", timeout=15_000)
    tokens = await _tokens(rcc) + await _tokens(ship)
    assert len(tokens) >= 3  # two JWTs and the bridge's API token
    # A client that still puts a token in the URL is refused, and the log line is redacted.
    async with connect(f"{live_server.url.replace('http', 'ws')}/ws/rcc?token={tokens[0]}") as ws:
        assert json.loads(await ws.recv())["type"] == "error"
    await rcc.context.close()
    await ship.context.close()
    log = live_server.log_path.read_text(errors="replace")
    assert "/api/v1/auth/login" in log  # access lines are logged
    assert "/ws/rcc?[redacted]" in log
    assert [t[:12] for t in tokens if t in log] == []
    assert not live_server.log_path.read_text().count("Bearer ")
