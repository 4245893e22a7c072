"""Vessel registry CRUD and the latest-position picture on real PostGIS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from sar_coord.core.db import make_sessionmaker, unit_of_work


async def test_registry_upsert_read_delete(client, users) -> None:
    h = users["rcc"]["headers"]
    body = {
        "name": "OCEAN VIKING",
        "registry_class": "ngo",
        "max_persons": 400,
        "medical_staff": True,
        "rescue_boats": 3,
        "freeboard_m": 2.5,
        "max_speed_kn": 14,
        "sar_trained_crew": True,
    }
    r = await client.put("/api/v1/vessels/257123450", json=body, headers=h)
    assert r.status_code == 200, r.text
    got = (await client.get("/api/v1/vessels/257123450", headers=h)).json()
    assert got["vessel_class"] == "ngo" and got["max_persons"] == 400 and got["registered"]
    listed = (await client.get("/api/v1/vessels?registered=true", headers=h)).json()
    assert 257123450 in [v["mmsi"] for v in listed]
    assert (await client.delete("/api/v1/vessels/257123450", headers=h)).status_code == 204
    got = (await client.get("/api/v1/vessels/257123450", headers=h)).json()
    assert got["registered"] is False and got["max_persons"] is None


async def test_registry_rejects_bad_mmsi_and_unknown_fields(client, users) -> None:
    h = users["rcc"]["headers"]
    assert (await client.put("/api/v1/vessels/12345", json={}, headers=h)).status_code == 422
    r = await client.put("/api/v1/vessels/257123451", json={"owner_name": "x"}, headers=h)
    assert r.status_code == 422


async def test_latest_positions_by_bbox_and_staleness(client, users, engine) -> None:
    now = datetime.now(UTC)
    async with unit_of_work(make_sessionmaker(engine)) as s:
        await s.execute(
            text(
                "INSERT INTO vessel_latest (mmsi, position, reported_at, sog_kn, cog_deg) VALUES "
                "(636000001, ST_GeogFromText('SRID=4326;POINT(12.6 35.5)'), :fresh, 11.5, 90),"
                "(636000002, ST_GeogFromText('SRID=4326;POINT(14.5 35.9)'), :old, 0, NULL),"
                "(636000003, ST_GeogFromText('SRID=4326;POINT(179.5 -16.5)'), :fresh, 5, 10) "
                "ON CONFLICT (mmsi) DO NOTHING"
            ),
            {"fresh": now, "old": now - timedelta(hours=3)},
        )
    h = users["rcc"]["headers"]
    box = "min_lon=12&min_lat=35&max_lon=13&max_lat=36"
    rows = (await client.get(f"/api/v1/vessels/latest?{box}", headers=h)).json()
    by = {r["mmsi"]: r for r in rows}
    assert 636000001 in by and 636000002 not in by
    assert abs(by[636000001]["lon"] - 12.6) < 1e-9 and abs(by[636000001]["lat"] - 35.5) < 1e-9
    assert by[636000001]["stale"] is False
    rows = (
        await client.get(
            "/api/v1/vessels/latest?min_lon=14&min_lat=35&max_lon=15&max_lat=36", headers=h
        )
    ).json()
    assert [r["stale"] for r in rows if r["mmsi"] == 636000002] == [True]
    # A box across the antimeridian (min_lon > max_lon) finds the Fiji vessel.
    rows = (
        await client.get(
            "/api/v1/vessels/latest?min_lon=179&min_lat=-17&max_lon=-179&max_lat=-16", headers=h
        )
    ).json()
    assert [r["mmsi"] for r in rows] == [636000003]
    r = await client.get("/api/v1/vessels/latest?min_lon=12", headers=h)
    assert r.status_code == 422


async def test_latest_shows_doubtful_positions_and_shared_identities(client, users, engine) -> None:
    """An unverified jump and a non-standard MMSI stay on the picture, each with its reason."""
    now = datetime.now(UTC)
    rows = [(247_555_001, "unverified_jump", True), (5244, None, False)]
    async with engine.begin() as conn:
        for mmsi, flag, unique in rows:
            await conn.execute(
                text(
                    "INSERT INTO vessel_latest (mmsi, position, reported_at, position_flag, "
                    "identity_unique) VALUES (:m, ST_SetSRID(ST_MakePoint(12.1, 35.1), 4326)"
                    "::geography, :at, :f, :u) ON CONFLICT (mmsi) DO UPDATE SET "
                    "position_flag = excluded.position_flag, "
                    "identity_unique = excluded.identity_unique"
                ),
                {"m": mmsi, "at": now, "f": flag, "u": unique},
            )
    try:
        r = await client.get(
            "/api/v1/vessels/latest?min_lon=12&min_lat=35&max_lon=12.2&max_lat=35.2",
            headers=users["rcc"]["headers"],
        )
        assert r.status_code == 200, r.text
        got = {v["mmsi"]: v for v in r.json()}
        assert got[247_555_001]["position_flag"] == "unverified_jump"
        assert got[247_555_001]["identity_unique"] and not got[247_555_001]["suspect"]
        assert got[5244]["identity_unique"] is False and got[5244]["position_flag"] is None
    finally:
        async with engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM vessel_latest WHERE mmsi = ANY(:m)"),
                {"m": [m for m, _, _ in rows]},
            )
