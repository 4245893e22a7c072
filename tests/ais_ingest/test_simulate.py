"""Simulator: NMEA decodes with pyais, vessels move plausibly at sea, scripted events, outputs."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np
import pytest
from global_land_mask import globe
from pyais import decode
from typer.testing import CliRunner

from ais_ingest.simulator.fleet import CLASS_MAX_KN
from ais_ingest.simulator.geo import MED_LANES, Region, distance_nm
from ais_ingest.simulator.runner import (
    ScenarioEvent,
    SimConfig,
    TcpServerOutput,
    app,
    iter_nmea,
    run_simulator,
)
from ais_ingest.simulator.scenario import Simulation
from sar_coord.core.ais import MmsiKind, device_mmsi_range, mmsi_kind, nmea_checksum_hex

START_S = 1_795_860_000.0  # 2026-11-28T10:00:00Z
DURATION_S = 1800.0
CFG = SimConfig(
    vessels=40, seed=7, start_s=START_S, boat_at_s=120.0, engine_failure_at_s=300.0, sart_at_s=600.0
)


def split_tag(line: str) -> tuple[str | None, str]:
    """(tag block body or None, sentence); asserts the tag block checksum."""
    if not line.startswith("\\"):
        return None, line
    end = line.index("\\", 1)
    body, cs = line[1:end].split("*")
    assert nmea_checksum_hex(body) == cs, line
    return body, line[end + 1 :]


def check_nmea(sentence: str) -> list[str]:
    """Assert the sentence checksum; return its comma fields."""
    assert sentence.startswith("!AIVDM,"), sentence
    body, cs = sentence[1:].split("*")
    assert nmea_checksum_hex(body) == cs, sentence
    return body.split(",")


@dataclass
class Decoded:
    """Messages of a run decoded with pyais: (sim time, fields) in order, plus scenario events."""

    msgs: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    events: list[ScenarioEvent] = field(default_factory=list)
    sentences: int = 0
    multipart: int = 0

    def of(
        self, mmsi: int, types: tuple[int, ...] = (1, 2, 3, 18)
    ) -> list[tuple[float, dict[str, Any]]]:
        """Messages of one MMSI with the given types."""
        return [(t, m) for t, m in self.msgs if m["mmsi"] == mmsi and m["msg_type"] in types]


def decode_run(
    lines: list[tuple[float, str]], events: list[ScenarioEvent] | None = None
) -> Decoded:
    """Check checksums and assemble multipart groups strictly (in order, same id and channel)."""
    out = Decoded(events=events or [])
    pending: dict[tuple[str, str], list[str]] = {}
    for t, line in lines:
        tag, sentence = split_tag(line)
        if tag is not None:
            assert f"c:{int(t)}" in tag
        f = check_nmea(sentence)
        out.sentences += 1
        count, num, seq, chan = int(f[1]), int(f[2]), f[3], f[4]
        if count == 1:
            out.msgs.append((t, decode(sentence).asdict()))
            continue
        key = (seq, chan)
        parts = pending.setdefault(key, [])
        assert len(parts) == num - 1, f"fragment {num} out of order: {sentence}"
        parts.append(sentence)
        if num == count:
            out.msgs.append((t, decode(*parts).asdict()))
            out.multipart += 1
            del pending[key]
    assert not pending, f"incomplete multipart groups: {pending}"
    return out


@pytest.fixture(scope="module")
def run() -> Decoded:
    events: list[ScenarioEvent] = []
    lines = list(iter_nmea(CFG, DURATION_S, on_scenario=events.append))
    return decode_run(lines, events)


@pytest.fixture(scope="module")
def kinds() -> dict[int, str]:
    sim = Simulation(CFG)
    out = {v.mmsi: v.kind for v in sim.vessels}
    out[sim.sart.mmsi] = "sart"
    return out


def test_nmea_decodes_with_pyais_and_covers_message_types(run: Decoded) -> None:
    types = {m["msg_type"] for _, m in run.msgs}
    assert {1, 3, 5, 14, 18, 24} <= types
    assert run.sentences > 3000
    assert run.multipart > 20
    parts = {m["partno"] for _, m in run.msgs if m["msg_type"] == 24}
    assert parts == {0, 1}


def test_type5_static_data_is_complete(run: Decoded, kinds: dict[int, str]) -> None:
    statics = [m for _, m in run.msgs if m["msg_type"] == 5]
    assert statics
    for m in statics:
        assert m["shipname"] and m["callsign"]
        assert int(m["ship_type"]) in {70, 71, 79, 80, 81, 82, 60, 69, 30, 51, 55}
    by_type = {int(m["ship_type"]) for m in statics}
    assert {30, 51, 55} <= by_type  # fishing, SAR (NGO) and law enforcement vessels are present
    mmsis = {m["mmsi"] for m in statics} | {m["mmsi"] for _, m in run.msgs if m["msg_type"] == 24}
    assert {k // 1_000_000 for k in mmsis} & {247, 215, 229, 248, 249, 256, 636, 538}


def test_every_position_is_on_water(run: Decoded) -> None:
    pos = [m for _, m in run.msgs if m["msg_type"] in (1, 2, 3, 18)]
    lat = np.array([m["lat"] for m in pos])
    lon = np.array([m["lon"] for m in pos])
    land = globe.is_land(lat, lon)
    assert not land.any(), [p for p, on in zip(pos, land, strict=True) if on][:3]
    reg = CFG.region
    assert ((lat >= reg.lat1) & (lat <= reg.lat2) & (lon >= reg.lon1) & (lon <= reg.lon2)).all()


def test_speeds_within_class_limits(run: Decoded, kinds: dict[int, str]) -> None:
    checked = 0
    for mmsi, kind in kinds.items():
        limit = CLASS_MAX_KN[kind]
        track = run.of(mmsi)
        for _, m in track:
            assert m["speed"] <= limit, (kind, m)
        last: tuple[float, float, float] | None = None
        for t, m in track:
            if last is None or t - last[0] >= 60.0:
                if last is not None:
                    implied_kn = distance_nm(last[1], last[2], m["lat"], m["lon"]) / (
                        (t - last[0]) / 3600.0
                    )
                    assert implied_kn <= limit * 1.05 + 0.3, (kind, mmsi, implied_kn)
                    checked += 1
                last = (t, m["lat"], m["lon"])
    assert checked > 500


def test_merchant_ships_move_and_fishing_vessels_fish(run: Decoded, kinds: dict[int, str]) -> None:
    moored = 0
    for mmsi, kind in kinds.items():
        track = [(t, m) for t, m in run.of(mmsi, (1, 3)) if m["status"] == 0]
        moored += sum(1 for _, m in run.of(mmsi, (1, 3)) if m["status"] == 5)
        if kind in ("cargo", "tanker", "passenger") and len(track) > 2:
            t0, t1 = track[0][0], track[-1][0]
            path_nm = sum(
                distance_nm(p["lat"], p["lon"], q["lat"], q["lon"])
                for (_, p), (_, q) in itertools.pairwise(track)
            )
            assert path_nm > (t1 - t0) / 3600.0 * 8.0, (kind, path_nm)
    assert moored > 0  # a ferry reached port and lies there
    fishing = [m for mmsi, k in kinds.items() if k == "fishing" for _, m in run.of(mmsi, (1, 3))]
    assert fishing and sum(m["status"] == 7 for m in fishing) > len(fishing) / 2


def test_reporting_intervals(run: Decoded, kinds: dict[int, str]) -> None:
    a_gaps: list[float] = []
    b_gaps: list[float] = []
    for mmsi, kind in kinds.items():
        if kind == "sart":
            continue
        for types, into in (((1, 3), a_gaps), ((18,), b_gaps)):
            ts = [t for t, _ in run.of(mmsi, types)]
            into += [b - a for a, b in itertools.pairwise(ts)]
    assert 2.0 <= statistics.median(a_gaps) <= 10.5
    assert 29.0 <= statistics.median(b_gaps) <= 31.0
    type5 = defaultdict(list)
    for t, m in run.msgs:
        if m["msg_type"] == 5:
            type5[m["mmsi"]].append(t)
    spacing = [b - a for ts in type5.values() for a, b in itertools.pairwise(ts)]
    assert spacing and statistics.median(spacing) == pytest.approx(360.0, abs=1.0)


def test_ais_gaps_occur_when_enabled() -> None:
    cfg = replace(CFG, gap_every_s=900.0)
    lines = list(iter_nmea(cfg, 1800.0))
    run = decode_run(lines)
    last: dict[int, float] = {}
    longest = 0.0
    for t, m in run.msgs:
        if m["msg_type"] in (1, 3, 18):
            longest = max(longest, t - last.get(m["mmsi"], t))
            last[m["mmsi"]] = t
    assert longest >= 120.0


def test_sart_bursts_with_nav_status_14(run: Decoded) -> None:
    sart = [(t, m) for t, m in run.msgs if mmsi_kind(m["mmsi"]) is MmsiKind.AIS_SART]
    positions = [(t, m) for t, m in sart if m["msg_type"] == 1]
    assert positions and all(m["status"] == 14 for _, m in positions)
    assert min(t for t, _ in positions) >= START_S + CFG.sart_at_s  # type: ignore[operator]
    first = positions[0][0]
    assert sum(1 for t, _ in positions if first <= t < first + 60.0) == 8
    assert any(m["msg_type"] == 14 and m["text"] == "SART ACTIVE" for _, m in sart)
    ev = next(e for e in run.events if e.kind == "sart_activated")
    assert ev.data["mmsi"] == positions[0][1]["mmsi"]


def test_engine_failure_vessel_stops_not_under_command(run: Decoded) -> None:
    ev = next(e for e in run.events if e.kind == "engine_failure")
    track = run.of(ev.data["mmsi"], (1, 3))
    before = [m for t, m in track if t < ev.t]
    after = [(t, m) for t, m in track if t > ev.t + 120.0]
    assert before and all(m["status"] == 7 for m in before)
    assert after and all(m["status"] == 2 and m["speed"] <= 1.0 for _, m in after)
    (t0, a), (t1, b) = after[0], after[-1]
    assert distance_nm(a["lat"], a["lon"], b["lat"], b["lon"]) / ((t1 - t0) / 3600) < 1.0


def test_rubber_boat_is_a_scenario_event_without_ais(run: Decoded) -> None:
    ev = next(e for e in run.events if e.kind == "hotline_report")
    assert ev.t == START_S + 120.0
    doc = ev.as_json()
    assert doc["event"] == "scenario" and doc["persons"] == 80 and doc["ais"] is False
    assert doc["time"] == "2026-11-28T10:02:00Z"
    assert not globe.is_land(doc["lat"], doc["lon"])
    json.dumps(doc)


def test_hotline_report_is_a_valid_partner_report_body(run: Decoded) -> None:
    from sar_coord.cases.schemas import PartnerReport

    ev = next(e for e in run.events if e.kind == "hotline_report")
    report = PartnerReport.model_validate(ev.partner_report())
    assert report.persons_on_board == 80 and report.boat_type == "rubber"
    assert report.departure_country == "LY"
    with pytest.raises(ValueError):
        next(e for e in run.events if e.kind == "sart_activated").partner_report()


def test_same_seed_same_output_other_seed_differs() -> None:
    a = list(iter_nmea(CFG, 300.0))
    b = list(iter_nmea(CFG, 300.0))
    c = list(iter_nmea(replace(CFG, seed=8), 300.0))
    assert a == b
    assert a != c


def test_curated_lanes_are_at_sea() -> None:
    for lane in MED_LANES:
        for (la1, lo1), (la2, lo2) in zip(lane.points, lane.points[1:], strict=False):
            n = int(distance_nm(la1, lo1, la2, lo2) / 0.1) + 2
            land = globe.is_land(np.linspace(la1, la2, n), np.linspace(lo1, lo2, n))
            assert not land.any(), lane.name


def test_other_region_stays_inside_and_at_sea() -> None:
    region = Region.parse("23.0,36.0,26.5,38.5")  # Aegean: many islands
    cfg = replace(CFG, region=region, vessels=20)
    run = decode_run(list(iter_nmea(cfg, 1200.0)))
    pos = [m for _, m in run.msgs if m["msg_type"] in (1, 3, 18)]
    lat = np.array([m["lat"] for m in pos])
    lon = np.array([m["lon"] for m in pos])
    assert len(pos) > 500
    assert not globe.is_land(lat, lon).any()
    assert (
        (lat >= 36.0).all() and (lat <= 38.5).all() and (lon >= 23.0).all() and (lon <= 26.5).all()
    )


@pytest.mark.parametrize("bad", ["1,2,3", "10,30,10,31", "a,b,c,d", "-200,0,0,10"])
def test_region_parse_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        Region.parse(bad)


async def test_udp_output_is_received() -> None:
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    rx.bind(("127.0.0.1", 0))
    rx.setblocking(False)
    port = rx.getsockname()[1]
    got: list[bytes] = []
    loop = asyncio.get_running_loop()
    done = asyncio.Event()

    def readable() -> None:
        while True:
            try:
                got.append(rx.recv(2048))
            except BlockingIOError:
                return

    loop.add_reader(rx.fileno(), readable)
    try:
        stats = await run_simulator(
            replace(CFG, vessels=10), f"udp://127.0.0.1:{port}", speed=200.0, duration_s=120.0
        )
        for _ in range(100):
            if len(got) >= stats.sentences:
                break
            await asyncio.sleep(0.02)
        done.set()
    finally:
        loop.remove_reader(rx.fileno())
        rx.close()
    assert stats.sentences > 50
    assert len(got) == stats.sentences
    assert all(d.endswith(b"\r\n") for d in got)
    lines = [d.decode().strip() for d in got]
    decode_run([(float(line.split("c:")[1].split("*")[0]), line) for line in lines])


async def test_tcp_listen_output_streams_to_a_client() -> None:
    output = TcpServerOutput()
    await output.start("127.0.0.1", 0)
    reader, writer = await asyncio.open_connection("127.0.0.1", output.port)
    for _ in range(50):
        if output.clients:
            break
        await asyncio.sleep(0.01)
    stats = await run_simulator(replace(CFG, vessels=5), output, speed=0, duration_s=60.0)
    data = await asyncio.wait_for(reader.read(), timeout=5)
    writer.close()
    lines = data.decode().splitlines()
    assert len(lines) == stats.sentences > 10
    decode_run([(float(line.split("c:")[1].split("*")[0]), line) for line in lines])


async def test_tcp_client_output_connects_to_a_server() -> None:
    received = bytearray()
    closed = asyncio.Event()

    async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        received.extend(await r.read())
        w.close()
        closed.set()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    stats = await run_simulator(
        replace(CFG, vessels=5),
        f"tcp://127.0.0.1:{port}",
        speed=0,
        duration_s=60.0,
        tag_blocks=False,
    )
    await asyncio.wait_for(closed.wait(), timeout=5)
    server.close()
    lines = received.decode().splitlines()
    assert stats.dropped == 0 and len(lines) == stats.sentences > 10
    assert all(line.startswith("!AIVDM") for line in lines)


async def test_pacing_follows_the_speed_factor() -> None:
    events: list[ScenarioEvent] = []
    cfg = replace(CFG, vessels=3, boat_at_s=10.0)
    t = time.perf_counter()
    await run_simulator(
        cfg, "file:/dev/null", speed=20.0, duration_s=30.0, on_scenario=events.append
    )
    elapsed = time.perf_counter() - t
    assert 1.3 <= elapsed <= 4.0
    assert [e.kind for e in events] == ["hotline_report"]


def test_cli_writes_file_and_scenario_lines(tmp_path: Path) -> None:
    out = tmp_path / "sim.nmea"
    scen = tmp_path / "scenario.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "--vessels",
            "6",
            "--speed",
            "0",
            "--duration-s",
            "400",
            "--seed",
            "3",
            "--out",
            f"file:{out}",
            "--scenario-out",
            str(scen),
            "--start",
            "2026-11-28T10:00:00",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    decode_run([(float(line.split("c:")[1].split("*")[0]), line) for line in lines])
    kinds = [json.loads(x)["kind"] for x in scen.read_text().splitlines()]
    assert kinds == ["hotline_report", "engine_failure"]


def test_cli_rejects_unbounded_fast_run() -> None:
    result = CliRunner().invoke(app, ["--speed", "0"])
    assert result.exit_code != 0


def test_project_ingest_accepts_everything_and_sees_the_sart() -> None:
    from ais_ingest.framing import Framer
    from ais_ingest.process import Processor
    from ais_ingest.stats import IngestStats

    stats = IngestStats()
    signals: list[object] = []
    proc = Processor(stats, on_distress=signals.append)
    framer = Framer(stats, proc.handle)
    type14 = 0
    for t, line in iter_nmea(CFG, 900.0):
        type14 += ",1,1,,B,>" in line  # a type 14 payload starts with '>'
        framer.feed(line.encode("ascii"), t)
    framer.close()
    # Only SART texts repeating an already raised distress may go unstored.
    rejected = dict(stats.rejected)
    assert set(rejected) <= {"unstored_type"}, rejected
    assert type14 >= 1 and rejected.get("unstored_type", 0) <= type14
    assert stats.suspect_positions == 0
    assert signals and stats.distress_signals >= 1
    sart_tracks = [m for m in proc.tracks.tracks if mmsi_kind(m) is MmsiKind.AIS_SART]
    assert len(sart_tracks) == 1


def _expected(cfg: SimConfig, duration_s: float) -> tuple[set[int], int, dict[int, str]]:
    """MMSIs that report, position message count and ship names (from type 5 / 24A)."""
    run = decode_run(list(iter_nmea(cfg, duration_s)))
    positions = [m for _, m in run.msgs if m["msg_type"] in (1, 2, 3, 18)]
    names = {
        m["mmsi"]: m["shipname"]
        for _, m in run.msgs
        if m["msg_type"] in (5, 24) and m.get("shipname")
    }
    return {m["mmsi"] for m in positions}, len(positions), names


async def test_simulated_file_ingests_into_postgis(
    db: asyncpg.Connection, ingest_db_url: str, tmp_path: Path
) -> None:
    from ais_ingest.pipeline import run_pipeline

    cfg = replace(CFG, vessels=15)
    path = tmp_path / "sim.nmea"
    await run_simulator(cfg, f"file:{path}", speed=0, duration_s=900.0)
    mmsis, n_positions, names = _expected(cfg, 900.0)

    stats = await run_pipeline([f"file:{path}"], ingest_db_url)

    assert stats.balanced() and stats.buffered == 0
    assert set(stats.rejected) <= {"unstored_type"}  # repeated SART texts only
    assert stats.suspect_positions == 0
    assert await db.fetchval("SELECT count(*) FROM vessel_position") == n_positions
    assert set(await db.fetchval("SELECT array_agg(mmsi) FROM vessel_latest")) == mmsis
    sarts = device_mmsi_range(MmsiKind.AIS_SART)
    sart = await db.fetchrow(
        "SELECT * FROM vessel_latest WHERE mmsi >= $1 AND mmsi < $2", sarts.start, sarts.stop
    )
    assert sart is not None and sart["nav_status"] == 14
    stored = dict(await db.fetch("SELECT mmsi, name FROM vessel WHERE name IS NOT NULL"))
    assert stored == {k: v for k, v in names.items() if k in stored} and len(stored) >= 10
    # Receive times come from the tag blocks (sim time), not from when the file was read.
    newest = await db.fetchval("SELECT max(extract(epoch FROM received_at)) FROM vessel_position")
    assert START_S + 800 <= float(newest) < START_S + 900


async def test_simulator_feeds_a_live_udp_ingest(
    db: asyncpg.Connection, ingest_db_url: str
) -> None:
    from ais_ingest.pipeline import run_pipeline

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    cfg = replace(CFG, vessels=8, sart_at_s=30.0)
    mmsis, _n, _names = _expected(cfg, 120.0)
    ingest = asyncio.create_task(run_pipeline([f"udp://127.0.0.1:{port}"], ingest_db_url))
    try:
        await asyncio.sleep(0.5)  # the listener binds
        await run_simulator(cfg, f"udp://127.0.0.1:{port}", speed=100.0, duration_s=120.0)
        seen: set[int] = set()
        for _ in range(100):
            seen = set(
                await db.fetchval("SELECT coalesce(array_agg(mmsi), '{}') FROM vessel_latest")
            )
            if seen >= mmsis:
                break
            await asyncio.sleep(0.1)
        assert seen == mmsis
    finally:
        ingest.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ingest
