"""Helpers to read what the map shows at a latitude/longitude (screenshot pixels, not averages)."""

from __future__ import annotations

from typing import Any

from tests.e2e.pngpixels import decode_png


async def wait_basemap(page: Any, selector: str) -> None:
    """Wait until the offline land layer of the map in `selector` has been drawn."""
    await page.wait_for_selector(f"{selector}[data-basemap='ready']", timeout=20_000)
    await page.wait_for_timeout(300)


async def pixel_at(page: Any, lat: float, lon: float, map_index: int = 0) -> tuple[int, int, int]:
    """RGB of the screen pixel where the map draws lat/lon (median of a 3x3 patch)."""
    pt = await page.evaluate(
        """([lat, lon, i]) => {
            const m = window.__sarMaps[i];
            const p = m.latLngToContainerPoint([lat, lon]);
            const r = m.getContainer().getBoundingClientRect();
            return {x: r.left + p.x, y: r.top + p.y};
        }""",
        [lat, lon, map_index],
    )
    png = await page.screenshot(clip={"x": pt["x"] - 1, "y": pt["y"] - 1, "width": 3, "height": 3})
    px = decode_png(png)[:, :, :3].reshape(-1, 3)
    med = sorted(px.tolist(), key=lambda c: sum(c))[len(px) // 2]
    return int(med[0]), int(med[1]), int(med[2])


def close(c1: tuple[int, int, int], c2: tuple[int, int, int], tol: int = 12) -> bool:
    """True when two RGB colours differ by at most `tol` in every channel."""
    return all(abs(a - b) <= tol for a, b in zip(c1, c2, strict=True))
