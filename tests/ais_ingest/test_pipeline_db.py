"""The whole pipeline into real PostGIS: rows, newest-wins latest, static upsert, NOTIFY."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import asyncpg

from ais_ingest.framing import Framer
from ais_ingest.pipeline import Pipeline, run_pipeline
from ais_ingest.process import Processor
from ais_ingest.stats import IngestStats
from sar_coord.core import events
from sar_coord.core.ais import nmea_checksum
from tests.ais_ingest.aisgen import multipart, sentence, type1, type5

FILES = [
    "aisdb__test_data_20211101.nm4",
    "simpleais__sample.ais",
    "libais__typeexamples.nmea",
    "dma-aislib__stream_example.txt",
]


def tagged(ts: int, line: str) -> str:
    tag = f"c:{ts}"
    return f"\\{tag}*{nmea_checksum(tag.encode()):02X}\\{line}"


async def test_corpus_files_land_in_postgis(
    db: asyncpg.Connection, ingest_db_url: str, ais_corpus: Path
) -> None:
    paths = [ais_corpus / f for f in FILES]
    offline = IngestStats()
    proc = Processor(offline)
    for p in paths:
        framer = Framer(offline, proc.handle)
        framer.feed_lines(p.read_bytes().splitlines(), 0.0)
        framer.close()
    batch = proc.batch

    stats = await run_pipeline([f"file:{p}" for p in paths], ingest_db_url)

    assert stats.balanced() and stats.buffered == 0
    assert stats.persisted == offline.received - offline.rejected_total > 10_000
    assert stats.rejected == offline.rejected
    counts = await db.fetchrow(
        "SELECT (SELECT count(*) FROM vessel_position) AS pos,"
        " (SELECT count(*) FROM vessel_latest) AS latest,"
        " (SELECT count(*) FROM vessel) AS vessels,"
        " (SELECT count(*) FROM vessel WHERE name IS NOT NULL) AS named"
    )
    assert counts["pos"] == len(batch.positions)
    assert counts["latest"] == len(batch.latest)
    assert counts["vessels"] == len(batch.vessels)
    assert counts["named"] == len([t for t in batch.vessels.values() if t.name])
    # positions are exact: compare one stored geography with the decoded one
    row = await db.fetchrow(
        "SELECT ST_Y(position::geometry) AS lat, ST_X(position::geometry) AS lon,"
        " extract(epoch FROM received_at) AS ts FROM vessel_position WHERE mmsi = 310327000"
        " ORDER BY received_at LIMIT 1"
    )
    assert (row["lat"], row["lon"], float(row["ts"])) == (32.629032, -119.559832, 1452468551.0)


async def test_latest_newest_wins_across_batches_and_static_upsert(
    db: asyncpg.Connection, ingest_db_url: str
) -> None:
    mmsi = 244770000
    pipe = Pipeline(ingest_db_url)
    await pipe.start()
    await pipe.ingest("s", [tagged(1_700_000_100, sentence(type1(mmsi, 52.0, 4.0))).encode()])
    pipe.cut()
    await pipe.ingest("s", [tagged(1_700_000_000, sentence(type1(mmsi, 53.0, 5.0))).encode()])
    payload, fill = type5(mmsi, "SEA WATCH 5", "DJSW5", 51, "LAMPEDUSA")
    await pipe.ingest("s", [ln.encode() for ln in multipart(payload, fill, 2)])
    await pipe.close()
    assert pipe.stats.balanced() and pipe.stats.persisted == 4 and pipe.batches_written == 2

    latest = await db.fetchrow(
        "SELECT ST_Y(position::geometry) AS lat, extract(epoch FROM reported_at) AS ts,"
        " transponder, sog_kn FROM vessel_latest WHERE mmsi = $1",
        mmsi,
    )
    assert (latest["lat"], float(latest["ts"]), latest["transponder"]) == (52.0, 1_700_000_100, "A")
    assert await db.fetchval("SELECT count(*) FROM vessel_position WHERE mmsi = $1", mmsi) == 2
    vessel = await db.fetchrow("SELECT * FROM vessel WHERE mmsi = $1", mmsi)
    assert (vessel["name"], vessel["call_sign"], vessel["ship_type"], vessel["ais_class"]) == (
        "SEA WATCH 5", "DJSW5", 51, "sar"
    )  # fmt: skip
    assert (vessel["length_m"], vessel["beam_m"], vessel["draught_m"]) == (100.0, 20.0, 8.5)
    assert vessel["imo"] == 9123456 and vessel["destination"] == "LAMPEDUSA"
    assert vessel["first_seen_at"].timestamp() == 1_700_000_000
    assert vessel["last_seen_at"].timestamp() >= 1_700_000_100


async def test_distress_and_watermark_notified_after_commit(
    db: asyncpg.Connection, ingest_db_url: str
) -> None:
    got: list[tuple[str, dict[str, Any], int]] = []
    seen = asyncio.Event()
    listener = await asyncpg.connect(
        user="postgres", host=db._addr[0], port=db._addr[1], database=db._params.database
    )

    def on_notify(_c: object, _pid: int, channel: str, payload: str) -> None:
        got.append((channel, json.loads(payload), 0))
        if channel == events.DISTRESS:
            seen.set()

    await listener.add_listener(events.DISTRESS, on_notify)
    await listener.add_listener(events.FLEET, on_notify)
    try:
        pipe = Pipeline(ingest_db_url)
        await pipe.start()
        sart = sentence(type1(970111222, 35.9, 14.5, status=14))
        await pipe.ingest("s", [tagged(1_700_000_000, sart).encode()])
        await pipe.close()
        await asyncio.wait_for(seen.wait(), 10)
        # the rows were committed before the notification went out
        assert await db.fetchval("SELECT count(*) FROM vessel_position WHERE mmsi = 970111222") == 1
    finally:
        await listener.close()
    channels = [c for c, _, _ in got]
    assert channels.count(events.DISTRESS) == 1 and events.FLEET in channels
    distress = next(p for c, p, _ in got if c == events.DISTRESS)
    assert distress == {
        "mmsi": 970111222,
        "kind": "sart",
        "lat": 35.9,
        "lon": 14.5,
        "reported_at": "2023-11-14T22:13:20+00:00",
    }
    fleet = next(p for c, p, _ in got if c == events.FLEET)
    assert fleet["count"] == 1 and "max_updated_at" in fleet


async def test_dead_letter_file_gets_rejects(tmp_path: Path, ingest_db_url: str) -> None:
    path = tmp_path / "feed.nmea"
    good = sentence(type1(244000999, 1.0, 1.0))
    path.write_text("\n".join([good, good[:-1] + "0", "garbage", "$GPGGA,1*00"]) + "\n")
    dead = tmp_path / "dead.txt"
    stats = await run_pipeline([f"file:{path}"], ingest_db_url, dead_letter=dead)
    reasons = sorted(line.split("\t")[0] for line in dead.read_text().splitlines())
    assert reasons == sorted(["bad_checksum", "malformed", "not_ais"])
    assert stats.persisted == 1 and stats.balanced()
