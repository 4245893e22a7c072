"""AIS gaps near a case: planted silences found, receiver outages told apart, far ships ignored."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sar_coord.core.time import utcnow

LAT, LON = 35.0, 12.5
SILENT, STEADY, SPARSE, GONE, FAR = 247_900_001, 247_900_002, 247_900_003, 247_900_004, 247_900_005


def _reports(
    start: datetime, end: datetime, every_s: int, holes: list[tuple[datetime, datetime]]
) -> list[datetime]:
    out, t = [], start
    while t <= end:
        if not any(a <= t < b for a, b in holes):
            out.append(t)
        t += timedelta(seconds=every_s)
    return out


async def test_planted_gaps_are_found_and_outages_set_apart(
    app: FastAPI, client: Any, users: dict[str, Any], engine: AsyncEngine
) -> None:
    now = utcnow().replace(microsecond=0)
    datum_at = now - timedelta(hours=3)
    rcc = users["rcc"]["headers"]
    r = await client.post(
        "/api/v1/cases",
        json={"lat": LAT, "lon": LON, "datum_at": datum_at.isoformat(), "persons_on_board": 40},
        headers=rcc,
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]

    start, end = datum_at - timedelta(hours=2), now
    outage = (datum_at - timedelta(minutes=90), datum_at - timedelta(minutes=50))  # 40 min
    silence = (datum_at - timedelta(minutes=20), datum_at + timedelta(minutes=25))  # 45 min
    plan = {
        SILENT: (0.1, _reports(start, end, 60, [outage, silence])),
        STEADY: (0.2, _reports(start, end, 180, [outage])),
        SPARSE: (0.3, _reports(start, end, 600, [outage])),
        GONE: (0.4, _reports(start, datum_at + timedelta(minutes=10), 60, [outage])),
        FAR: (2.0, _reports(start, end, 60, [silence])),  # about 100 NM away
    }
    async with engine.begin() as conn:
        for day in {start.date(), end.date()}:
            await conn.execute(text("SELECT ensure_vessel_position_partition(:d)"), {"d": day})
        await conn.execute(
            text(
                "INSERT INTO vessel (mmsi, name) VALUES (:m, 'SILENT ONE') ON CONFLICT DO NOTHING"
            ),
            {"m": SILENT},
        )
        for mmsi, (dlon, times) in plan.items():
            await conn.execute(
                text(
                    "INSERT INTO vessel_position (received_at, mmsi, position) "
                    "SELECT t, :m, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography "
                    "FROM unnest(CAST(:ts AS timestamptz[])) AS t"
                ),
                {"m": mmsi, "lon": LON + dlon, "lat": LAT, "ts": times},
            )
    try:
        r = await client.get(f"/api/v1/cases/{case_id}/ais-gaps", headers=rcc)
        assert r.status_code == 200, r.text
        gaps = {(g["mmsi"], g["cause"]): g for g in r.json()}
        assert set(gaps) == {(SILENT, "vessel_silent"), (GONE, "vessel_silent")}, r.json()
        silent = gaps[(SILENT, "vessel_silent")]
        assert silent["name"] == "SILENT ONE"
        assert datetime.fromisoformat(silent["last_seen_at"]) == silence[0] - timedelta(minutes=1)
        assert datetime.fromisoformat(silent["next_seen_at"]) == silence[1]
        assert silent["gap_min"] == 46.0 and silent["distance_nm"] < 6
        gone = gaps[(GONE, "vessel_silent")]
        assert gone["next_seen_at"] is None and gone["still_silent"]

        r = await client.get(
            f"/api/v1/cases/{case_id}/ais-gaps?include_receiver_outages=true",
            headers=users["auditor"]["headers"],
        )
        outages = {g["mmsi"] for g in r.json() if g["cause"] == "receiver_outage"}
        # SPARSE reports every 10 min: 50 min without it is within 5 of its own intervals.
        assert outages == {SILENT, STEADY, GONE}
        r = await client.get(f"/api/v1/cases/{case_id}/ais-gaps?radius_nm=200", headers=rcc)
        assert FAR in {g["mmsi"] for g in r.json()}
    finally:
        async with engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM vessel_position WHERE mmsi = ANY(:m)"), {"m": list(plan)}
            )
            await conn.execute(text("DELETE FROM vessel WHERE mmsi = :m"), {"m": SILENT})
