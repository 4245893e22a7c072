"""Stand-down in Chromium: closing a case silences the bridge's alarm and shows the alert as
history; a fresh sign-in replays the alert and its stand-down without ringing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import LiveServer
from tests.e2e.seed import PASSWORD, World, seed_world
from tests.e2e.test_flows import login

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def world(engine: AsyncEngine) -> World:
    """Accounts and a ship of its own for this module (no alerts from other modules)."""
    return await seed_world(engine)


async def test_closing_a_case_stands_the_bridge_down_and_a_relogin_does_not_ring(
    browser: Any, live_server: LiveServer, world: World, artifacts: Path
) -> None:
    ship = await login(browser, live_server, world.master, **{"sar.shipWsUrl": live_server.ship_ws})
    await ship.wait_for_selector("#ws-status.open", timeout=15_000)
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        r = await client.post(
            "/api/v1/auth/login", json={"username": world.rcc, "password": PASSWORD}
        )
        rcc = {"Authorization": f"Bearer {r.json()['access_token']}"}
        lat, lon = world.datum
        r = await client.post("/api/v1/cases", json={"lat": lat, "lon": lon}, headers=rcc)
        assert r.status_code == 201, r.text
        case = r.json()
        r = await client.post(
            "/api/v1/alerts",
            json={
                "case_id": case["id"],
                "kind": "targeted",
                "mmsis": [world.master_mmsi],
                "message": "Rubber boat, 60 persons",
            },
            headers=rcc,
        )
        assert r.status_code == 201, r.text
        alert_id = r.json()["id"]

        # The alarm rings and is left unacknowledged; then the RCC cancels the case.
        await ship.wait_for_selector("#alarm:not(.hidden)", timeout=20_000)
        r = await client.post(
            f"/api/v1/cases/{case['id']}/status",
            json={"status": "cancelled", "note": "boat reached port by itself"},
            headers=rcc,
        )
        assert r.status_code == 200, r.text

    item = f"#alert-list li.stood_down[data-alert-id='{alert_id}']"
    await ship.wait_for_selector(item, timeout=10_000)
    assert await ship.locator("#alarm.hidden").count() == 1
    assert case["reference"] in await ship.locator(item).inner_text()
    await ship.click(item)
    banner = await ship.locator("#stood-down").inner_text()
    assert "case cancelled" in banner
    # Only reports of what happened remain: no Accept, Decline or place-of-safety request.
    assert await ship.locator("#accept").count() == 0
    assert await ship.locator("#request-pos").count() == 0
    assert await ship.locator("#on-scene").count() == 1
    await ship.screenshot(path=str(artifacts / "ship-stood-down.png"))
    await ship.context.close()

    # A fresh browser (no stored seq) replays the alert and its stand-down: no alarm.
    again = await login(
        browser, live_server, world.master, **{"sar.shipWsUrl": live_server.ship_ws}
    )
    await again.wait_for_selector(item, timeout=20_000)
    assert await again.locator("#alarm.hidden").count() == 1
    await again.context.close()
