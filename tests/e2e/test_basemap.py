"""The offline basemap draws land where Natural Earth has land, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.mapcheck import close, pixel_at, wait_basemap

pytestmark = pytest.mark.e2e

LAND_LIGHT = (0xE8, 0xE2, 0xC8)
SEA_LIGHT = (0xA9, 0xCC, 0xE3)


async def test_land_and_sea_pixels_in_the_central_mediterranean(
    browser: Any, static_site: str, artifacts: Path
) -> None:
    """Sicily's interior is land-coloured; the open sea south of Malta is sea-coloured."""
    page = await browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        await page.goto(f"{static_site}/#/basemap?lat=36.6&lon=14.4&z=7")
        await wait_basemap(page, "#basemap")
        await page.screenshot(path=str(artifacts / "basemap-central-med.png"))
        sicily = await pixel_at(page, 37.55, 14.25)
        malta = await pixel_at(page, 35.88, 14.42)
        open_sea = await pixel_at(page, 35.3, 14.5)
        libya_gap = await pixel_at(page, 34.5, 13.0)
        assert close(sicily, LAND_LIGHT), f"Sicily interior drawn as {sicily}"
        assert close(malta, LAND_LIGHT), f"Malta drawn as {malta}"
        assert close(open_sea, SEA_LIGHT), f"sea south of Malta drawn as {open_sea}"
        assert close(libya_gap, SEA_LIGHT), f"open sea at 34.5N 13E drawn as {libya_gap}"
    finally:
        await page.close()


async def test_land_on_both_sides_of_the_antimeridian(
    browser: Any, static_site: str, artifacts: Path
) -> None:
    """Chukotka straddles 180 degrees: land shows east and west of it, the Bering Sea stays sea."""
    page = await browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        await page.goto(f"{static_site}/#/basemap?lat=64&lon=180&z=5")
        await wait_basemap(page, "#basemap")
        await page.screenshot(path=str(artifacts / "basemap-antimeridian.png"))
        west = await pixel_at(page, 66.5, 175.0)
        east = await pixel_at(page, 66.0, 185.0)  # -175, drawn east of the dateline
        sea = await pixel_at(page, 60.0, 180.0)
        assert close(west, LAND_LIGHT), f"Chukotka west of 180 drawn as {west}"
        assert close(east, LAND_LIGHT), f"Chukotka east of 180 drawn as {east}"
        assert close(sea, SEA_LIGHT), f"Bering Sea drawn as {sea}"
    finally:
        await page.close()
