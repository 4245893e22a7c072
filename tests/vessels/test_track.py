"""A vessel's track over HTTP: range, time zones, simplification for the zoom, suspect points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sar_coord.core.db import ewkb_point

MMSI = 247_160_001
START = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
STEP = timedelta(seconds=30)
LEG = 1440  # 12 h of 30 s reports east, then 12 h north: a track with one corner
SUSPECT_AT = START + 100 * STEP


def _position(i: int) -> tuple[float, float]:
    if i <= LEG:
        return 12.0 + i * 0.0005, 35.0
    return 12.0 + LEG * 0.0005, 35.0 + (i - LEG) * 0.0005


@pytest.fixture(scope="module")
async def history(engine: AsyncEngine) -> None:
    """24 h + 1 report of one vessel across a day boundary, one of them flagged suspect."""
    async with engine.begin() as conn:
        for day in ("2026-11-27", "2026-11-28"):
            await conn.execute(text(f"SELECT ensure_vessel_position_partition('{day}')"))
        await conn.execute(text("DELETE FROM vessel_position WHERE mmsi = :m"), {"m": MMSI})
        for i in range(2 * LEG + 1):
            lon, lat = _position(i)
            await conn.execute(
                text(
                    "INSERT INTO vessel_position (received_at, mmsi, position, suspect) "
                    "VALUES (:at, :m, ST_GeogFromWKB(:w), false)"
                ),
                {"at": START + i * STEP, "m": MMSI, "w": ewkb_point(lon, lat)},
            )
        await conn.execute(
            text(
                "INSERT INTO vessel_position (received_at, mmsi, position, suspect) "
                "VALUES (:at, :m, ST_GeogFromWKB(:w), true)"
            ),
            {"at": SUSPECT_AT + timedelta(seconds=1), "m": MMSI, "w": ewkb_point(20.0, 40.0)},
        )


def _q(**params: str) -> str:
    return "&".join(f"{k}={v.replace('+', '%2B')}" for k, v in params.items())


async def test_full_resolution_track_of_24_hours(
    history: None, client: Any, users: dict[str, Any]
) -> None:
    end = START + 2 * LEG * STEP + timedelta(seconds=1)
    url = f"/api/v1/vessels/{MMSI}/track?" + _q(
        **{"from": START.isoformat(), "to": end.isoformat()}
    )
    r = await client.get(url, headers=users["auditor"]["headers"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/geo+json")
    feature = r.json()
    props = feature["properties"]
    assert props["positions"] == 2 * LEG + 1 == props["vertices"]  # the suspect one is left out
    coords = feature["geometry"]["coordinates"]
    assert feature["geometry"]["type"] == "LineString"
    assert coords[0] == pytest.approx(list(_position(0))) and [20.0, 40.0] not in coords
    assert coords[-1] == pytest.approx(list(_position(2 * LEG)))
    times = props["times"]
    assert times[0] == "2026-11-27T12:00:00Z" and times[-1] == "2026-11-28T12:00:00Z"
    assert times == sorted(times) and props["from"].endswith("Z")


async def test_simplified_for_the_zoom_keeps_the_corner_and_its_time(
    history: None, client: Any, users: dict[str, Any]
) -> None:
    end = START + 2 * LEG * STEP + timedelta(seconds=1)
    base = f"/api/v1/vessels/{MMSI}/track?" + _q(
        **{"from": START.isoformat(), "to": end.isoformat()}
    )
    r = await client.get(base + "&zoom=8", headers=users["rcc"]["headers"])
    feature = r.json()
    assert feature["properties"]["positions"] == 2 * LEG + 1
    coords = feature["geometry"]["coordinates"]
    assert len(coords) == 3
    assert coords[1] == pytest.approx(list(_position(LEG)))
    assert feature["properties"]["times"][1] == "2026-11-28T00:00:00Z"
    r = await client.get(base + "&tolerance_deg=0.00001", headers=users["rcc"]["headers"])
    assert 3 <= r.json()["properties"]["vertices"] < 2 * LEG + 1


async def test_times_are_normalised_to_utc_and_the_range_is_bounded(
    history: None, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    url = f"/api/v1/vessels/{MMSI}/track?"
    # 14:00+02:00 is 12:00Z: the same first report as with the UTC time
    r = await client.get(
        url + _q(**{"from": "2026-11-27T14:00:00+02:00", "to": "2026-11-27T13:00:00Z"}),
        headers=rcc,
    )
    props = r.json()["properties"]
    assert props["from"] == "2026-11-27T12:00:00Z" and props["times"][0] == props["from"]
    assert props["positions"] == 120
    too_long = _q(**{"from": "2026-11-01T00:00:00Z", "to": "2026-11-27T00:00:00Z"})
    assert (await client.get(url + too_long, headers=rcc)).status_code == 422
    backwards = _q(**{"from": "2026-11-28T00:00:00Z", "to": "2026-11-27T00:00:00Z"})
    assert (await client.get(url + backwards, headers=rcc)).status_code == 422
    naive = _q(**{"from": "2026-11-27T00:00:00", "to": "2026-11-28T00:00:00Z"})
    assert (await client.get(url + naive, headers=rcc)).status_code == 422
    both = _q(**{"to": "2026-11-28T00:00:00Z", "zoom": "5", "tolerance_deg": "0.1"})
    assert (await client.get(url + both, headers=rcc)).status_code == 422


async def test_unknown_vessel_has_an_empty_track_and_masters_are_refused(
    history: None, client: Any, users: dict[str, Any]
) -> None:
    r = await client.get("/api/v1/vessels/247169999/track", headers=users["rcc"]["headers"])
    assert r.status_code == 200
    assert r.json()["geometry"] is None and r.json()["properties"]["positions"] == 0
    r = await client.get(f"/api/v1/vessels/{MMSI}/track", headers=users["master"]["headers"])
    assert r.status_code == 403
