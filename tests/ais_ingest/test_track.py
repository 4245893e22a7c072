"""Track state: newest wins, implausible jumps, SAR aircraft, distress devices, classes."""

from __future__ import annotations

from ais_ingest.framing import Framer
from ais_ingest.process import Processor, observed_ts
from ais_ingest.reports import PositionReport, StaticReport
from ais_ingest.stats import IngestStats
from ais_ingest.track import TrackStore, class_from_ship_type, distance_nm
from tests.ais_ingest.aisgen import sentence, type1, type14


def pos(
    mmsi: int, ts: float, lat: float, lon: float, msg_type: int = 1, *, timed: bool = True
) -> PositionReport:
    return PositionReport(mmsi, msg_type, ts, lat, lon, 10.0, 90.0, 90, 0, timed=timed)


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


def test_sar_aircraft_judged_against_350_kn() -> None:
    store = TrackStore()
    store.apply_position(pos(111232506, 0.0, 10.0, 10.0, msg_type=9))
    fast = pos(111232506, 60.0, 10.09, 10.0, msg_type=9)  # 5.4 nm/min = 324 kn
    store.apply_position(fast)
    too_fast = pos(111232506, 120.0, 10.3, 10.0, msg_type=9)  # 12.6 nm/min = 756 kn
    store.apply_position(too_fast)
    assert (fast.flag, too_fast.flag) == (None, "implausible_jump") and too_fast.suspect


def test_jump_without_trustworthy_times_is_unverified_not_suspect() -> None:
    store = TrackStore()
    store.apply_position(pos(244000005, 0.0, 52.0, 4.0, timed=False))
    far = pos(244000005, 1.0, 53.0, 4.0, timed=False)  # 60 nm within a replayed second
    store.apply_position(far)
    assert (far.flag, far.suspect) == ("unverified_jump", False)


def test_untimed_move_allowed_by_the_reports_own_seconds_is_not_flagged() -> None:
    store = TrackStore()
    first = pos(244000006, 0.0, 52.0, 4.0, timed=False)
    first.utc_second = 10
    store.apply_position(first)
    # replayed in the same second; 0.9 nm is 54 kn over the 60 s the seconds fields allow
    near = pos(244000006, 0.0, 52.015, 4.0, timed=False)
    near.utc_second = 10
    store.apply_position(near)
    assert near.flag is None


def test_shared_mmsi_jump_is_never_implausible() -> None:
    store = TrackStore()
    store.apply_position(pos(0, 0.0, 52.0, 4.0))
    other = pos(0, 60.0, 40.0, -70.0)  # another transmitter with MMSI 0
    store.apply_position(other)
    assert (other.flag, other.suspect) == ("unverified_jump", False)


def test_static_merges_and_sets_class() -> None:
    store = TrackStore()
    store.apply_static(StaticReport(244000004, 5, 10.0, name="SEA-EYE", ship_type=30))
    store.apply_static(StaticReport(244000004, 5, 5.0, name="OLD NAME", ship_type=70))
    tr = store.tracks[244000004]
    assert (tr.name, tr.ship_type, tr.ais_class) == ("SEA-EYE", 30, "fishing")


def test_type24_parts_keep_their_newest_values_whatever_the_arrival_order() -> None:
    store = TrackStore()
    b = StaticReport(244000007, 24, 20.0, call_sign="DA1234", ship_type=37, length_m=12.0)
    b.part = "B"
    a_old = StaticReport(244000007, 24, 10.0, name="OLD")
    a_old.part = "A"
    a_new = StaticReport(244000007, 24, 30.0, name="NEW")
    a_new.part = "A"
    b_old = StaticReport(244000007, 24, 5.0, call_sign="XX", ship_type=30)
    b_old.part = "B"
    for rep in (b, a_old, a_new, b_old):  # B first, an older A after it, an old B last
        store.apply_static(rep)
    tr = store.tracks[244000007]
    assert (tr.name, tr.call_sign, tr.ship_type, tr.length_m) == ("NEW", "DA1234", 37, 12.0)


def test_nav_status_14_on_a_ship_is_no_distress() -> None:
    store = TrackStore()
    rep = PositionReport(244000008, 1, 0.0, 52.0, 4.0, 0.0, None, None, 14)
    assert store.apply_position(rep) == (True, None)


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


def test_repeat_after_another_report_of_the_vessel_is_a_new_transmission() -> None:
    here, there = type1(244000124, 50.0, 4.0), type1(244000124, 50.01, 4.0)
    stats = IngestStats()
    proc = Processor(stats)
    framer = Framer(stats, proc.handle)
    # back on a position it held, inside the window: the latest is where it is now
    framer.feed_lines([sentence(p).encode() for p in (here, there, here)], 1_700_000_000.0)
    assert proc.batch.latest[244000124].lat_deg == 50.0
    assert len(proc.batch.positions) == 3 and not stats.rejected


def test_observed_time_is_the_receive_time_moved_to_the_reports_own_second() -> None:
    # 1000 s is hh:mm:40; a report stamped :30 was observed 10 s earlier, :45 is clock skew
    assert [observed_ts(1000.5, s) for s in (40, 30, 45, 55, 0)] == [
        1000.0,
        990.0,
        1005.0,
        955.0,
        960.0,
    ]


def test_timed_report_is_judged_on_its_observed_second() -> None:
    stats = IngestStats()
    proc = Processor(stats)
    framer = Framer(stats, proc.handle, live=True)
    a = sentence(type1(244000011, 50.0, 4.0, second=0))
    b = sentence(type1(244000011, 50.0 + 10 / 60, 4.0, second=30))  # 10 nm in 30 s: 1,200 kn
    framer.feed_lines([a.encode()], 1_700_000_005.0)
    framer.feed_lines([b.encode()], 1_700_000_035.0)
    first, second = proc.batch.positions
    assert (first[1], second[1]) == (1_699_999_980.0, 1_700_000_010.0)
    assert (second[9], second[10]) == (True, "implausible_jump")
    shown = proc.batch.latest[244000011]
    assert (shown.lat_deg, shown.flag, shown.suspect) == (50.0, "implausible_jump", True)
    assert stats.flagged == {"implausible_jump": 1}
