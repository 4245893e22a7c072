"""Track state: newest wins, implausible jumps, SAR aircraft, distress devices, classes."""

from __future__ import annotations

from ais_ingest.framing import Framer
from ais_ingest.process import Processor
from ais_ingest.reports import PositionReport, StaticReport
from ais_ingest.stats import IngestStats
from ais_ingest.track import TrackStore, class_from_ship_type, distance_nm
from tests.ais_ingest.aisgen import sentence, type1, type14


def pos(mmsi: int, ts: float, lat: float, lon: float, msg_type: int = 1) -> PositionReport:
    return PositionReport(mmsi, msg_type, ts, lat, lon, 10.0, 90.0, 90, 0)


def test_distance_one_degree_latitude_is_60_nm() -> None:
    assert abs(distance_nm(0.0, 0.0, 1.0, 0.0) - 60.04) < 0.05


def test_out_of_order_report_never_overwrites_newer() -> None:
    store = TrackStore()
    assert store.apply_position(pos(244000001, 100.0, 52.0, 4.0))[0] is True
    assert store.apply_position(pos(244000001, 50.0, 52.1, 4.0))[0] is False
    tr = store.tracks[244000001]
    assert (tr.ts, tr.lat) == (100.0, 52.0)
    assert (tr.first_seen_ts, tr.last_seen_ts) == (50.0, 100.0)


def test_jump_over_60_kn_is_kept_but_suspect_and_return_is_clean() -> None:
    store = TrackStore()
    store.apply_position(pos(244000002, 0.0, 52.0, 4.0))
    ok = pos(244000002, 600.0, 52.0 + 8 / 60, 4.0)  # 8 nm in 10 min = 48 kn
    store.apply_position(ok)
    glitch = pos(244000002, 660.0, 53.0, 4.0)  # ~52 nm in 1 min
    store.apply_position(glitch)
    back = pos(244000002, 720.0, 52.0 + 8.5 / 60, 4.0)
    store.apply_position(back)
    assert (ok.suspect, glitch.suspect, back.suspect) == (False, True, False)


def test_genuine_relocation_is_adopted_after_one_suspect_fix() -> None:
    store = TrackStore()
    store.apply_position(pos(244000003, 0.0, 10.0, 10.0))
    first = pos(244000003, 30.0, 20.0, 10.0)
    second = pos(244000003, 60.0, 20.001, 10.0)
    store.apply_position(first)
    store.apply_position(second)
    assert first.suspect and not second.suspect


def test_sar_aircraft_never_suspect() -> None:
    store = TrackStore()
    store.apply_position(pos(111232506, 0.0, 10.0, 10.0, msg_type=9))
    fast = pos(111232506, 60.0, 10.1, 10.0, msg_type=9)  # 6 nm/min = 360 kn
    store.apply_position(fast)
    assert not fast.suspect


def test_static_merges_and_sets_class() -> None:
    store = TrackStore()
    store.apply_static(StaticReport(244000004, 5, 10.0, name="SEA-EYE", ship_type=30))
    store.apply_static(StaticReport(244000004, 5, 5.0, name="OLD NAME", ship_type=70))
    tr = store.tracks[244000004]
    assert (tr.name, tr.ship_type, tr.ais_class) == ("SEA-EYE", 30, "fishing")


def test_class_mapping() -> None:
    got = {t: class_from_ship_type(t) for t in (30, 35, 36, 37, 51, 52, 55, 60, 70, 80, 90, 0)}
    assert got == {
        30: "fishing", 35: "state", 36: "pleasure", 37: "pleasure", 51: "sar", 52: "commercial",
        55: "state", 60: "commercial", 70: "commercial", 80: "commercial", 90: "other", 0: None,
    }  # fmt: skip


def _process(lines: list[str]) -> tuple[Processor, IngestStats]:
    stats = IngestStats()
    proc = Processor(stats)
    Framer(stats, proc.handle).feed_lines([ln.encode() for ln in lines], 1_700_000_000.0)
    return proc, stats


def test_sart_is_kept_and_raises_one_distress_per_minute() -> None:
    sart = sentence(type1(970123456, 35.5, 14.2, status=14))
    proc, stats = _process([sart] * 8)
    batch = proc.batch
    assert len(batch.positions) == 8  # never discarded
    assert [(d.mmsi, d.kind, d.lat_deg, d.lon_deg) for d in batch.distress] == [
        (970123456, "sart", 35.5, 14.2)
    ]
    assert str(batch.distress[0].payload()["reported_at"]).startswith("2023-11-14T22:13:20")
    assert stats.balanced()


def test_sart_test_mode_is_not_distress() -> None:
    proc, _ = _process([sentence(type1(970123457, 35.5, 14.2, status=15))])
    assert proc.batch.distress == [] and len(proc.batch.positions) == 1


def test_mob_and_epirb_kinds_and_type14_text() -> None:
    payload, fill = type14(974123456, "EPIRB ACTIVE")
    test_payload, test_fill = type14(972123456, "MOB TEST")
    proc, stats = _process(
        [
            sentence(type1(972123456, 1.0, 2.0, status=14)),
            sentence(payload, fill),
            sentence(test_payload, test_fill),
        ]
    )
    assert [(d.mmsi, d.kind) for d in proc.batch.distress] == [
        (972123456, "mob"),
        (974123456, "epirb"),
    ]
    assert stats.rejected == {"unstored_type": 1}
    assert stats.balanced()


def test_repeat_receptions_are_dropped_as_duplicates_within_a_minute() -> None:
    line = sentence(type1(244000123, 50.0, 4.0))
    other_station = sentence(type1(244000123, 50.0, 4.0), talker="BS")
    stats = IngestStats()
    proc = Processor(stats)
    framer = Framer(stats, proc.handle)
    framer.feed_lines([line.encode(), other_station.encode()], 1_700_000_000.0)
    framer.feed_lines([line.encode()], 1_700_000_100.0)  # same bytes 100 s later: kept
    assert len(proc.batch.positions) == 2
    assert stats.rejected == {"duplicate": 1} and stats.balanced()
