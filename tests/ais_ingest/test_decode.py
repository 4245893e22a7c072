"""Decoding: hand-checked values, "not available" handling, MMSI rules, differential vs pyais."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ais_ingest.decode import (
    DecodeError,
    decode_message,
    decode_pyais,
    decode_reference,
)
from ais_ingest.reports import PositionReport, StaticReport
from ais_ingest.sixbit import fast_position, fast_static, ship_type_or_none
from tests.ais_ingest import corpus as C
from tests.ais_ingest.aisgen import bits_of, field, type1


def test_hand_checked_class_a_position() -> None:
    # aisparser seattle.log line 1, decoded bit by bit by hand (gpsd AIVDM layout):
    # mmsi 367005420, status 15, sog 0, lon -73426703/600000, lat 28594963/600000, cog 47, hdg 511
    payload = "15N0>s?P00G?k7RKAC4h;ww00@C:"
    bits = bits_of(payload)
    assert field(bits, 8, 30) == 367005420
    assert field(bits, 61, 28, signed=True) == -73426703
    assert field(bits, 89, 27, signed=True) == 28594963
    assert field(bits, 137, 6) == 32  # UTC second
    (rep,) = decode_message(payload.encode(), 0, 0.0)
    assert rep == PositionReport(
        367005420, 1, 0.0, 47.658272, -122.377838, 0.0, 4.7, None, 15, False, utc_second=32
    )


def test_hand_checked_second_position() -> None:
    (rep,) = decode_message(b"15NG6V0P01G?cFhE`R2IU?wn28R>", 0, 0.0)
    assert isinstance(rep, PositionReport)
    assert (rep.mmsi, rep.lat_deg, rep.lon_deg) == (367380120, 37.806948, -122.404333)
    assert (rep.sog_kn, rep.cog_deg, rep.heading_deg, rep.nav_status) == (0.1, 245.2, None, 0)


def test_not_available_values_become_none() -> None:
    payload = type1(244123456, 91.0, 181.0, sog_raw=1023, cog_raw=3600, heading=511)
    for rep in (
        fast_position(payload.encode(), 1.0),
        decode_reference(payload.encode(), 0, 1.0)[0],
    ):
        assert isinstance(rep, PositionReport)
        assert rep.lat_deg is None and rep.lon_deg is None
        assert rep.sog_kn is None and rep.cog_deg is None and rep.heading_deg is None


def test_out_of_range_position_is_not_a_position() -> None:
    payload = type1(244123456, 95.0, 10.0)
    assert fast_position(payload.encode(), 1.0).lat_deg is None  # type: ignore[union-attr]


def test_southern_western_hemisphere_signs() -> None:
    payload = type1(244123456, -33.856, -151.215, sog_raw=1022, cog_raw=3599, heading=359)
    rep = fast_position(payload.encode(), 1.0)
    assert rep is not None
    assert (rep.lat_deg, rep.lon_deg, rep.sog_kn, rep.cog_deg, rep.heading_deg) == (
        -33.856,
        -151.215,
        102.2,
        359.9,
        359,
    )


@pytest.mark.parametrize("mmsi", [0, 60, 5244, 1059, 123456789, 111111111, 244123456])
def test_no_mmsi_is_rejected_for_its_form(mmsi: int) -> None:
    # real traffic carries 0 (a buoy tender), 60, 5244 and 111111111: kept, flagged elsewhere
    reports = decode_message(type1(mmsi, 1.0, 1.0).encode(), 0, 0.0)
    assert [r.mmsi for r in reports] == [mmsi]


def test_garbage_payloads_raise_only_decode_error() -> None:
    for payload, fill in [(b"", 0), (b"1", 0), (b"5" * 3, 2), (b"\xff\x00abc", 0), (b"?" * 90, 5)]:
        with contextlib.suppress(DecodeError):
            decode_message(payload, fill, 0.0)


def _expected_position(m: Any) -> tuple[Any, ...]:
    """What we must store for a pyais position message (independent n/a mapping)."""
    t = int(m.msg_type)
    lat, lon = m.lat, m.lon
    if t == 27 and (lat == 91.0 or lon == 181.0):
        lat = lon = None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    na_speed = {27: 63, 9: 1023}.get(t, 102.3)
    sog = None if m.speed is None or m.speed >= na_speed else float(m.speed)
    cog = None if m.course is None or m.course >= 360 else float(m.course)
    heading = getattr(m, "heading", None)
    hdg = None if heading is None or heading >= 360 else heading
    status = getattr(m, "status", None)
    return (int(m.mmsi), t, lat, lon, sog, cog, hdg, None if status is None else int(status))


def _got(rep: PositionReport) -> tuple[Any, ...]:
    return (
        rep.mmsi, rep.msg_type, rep.lat_deg, rep.lon_deg, rep.sog_kn, rep.cog_deg,
        rep.heading_deg, rep.nav_status,
    )  # fmt: skip


def test_differential_against_pyais_over_corpus(ais_corpus: Path) -> None:
    """Every stored field of every corpus message equals pyais's value (after n/a mapping)."""
    msgs = C.messages(ais_corpus)
    fast_checked = positions = statics = fast_statics = 0
    for payload, fill, ts, _n, raw, _timed in msgs:
        try:
            ours = decode_message(payload, fill, ts)
        except DecodeError:
            continue
        ref = decode_pyais(payload, fill, ts)
        for rep in ours:
            if isinstance(rep, PositionReport):
                assert _got(rep) == _expected_position(ref), raw
                positions += 1
                if fill == 0 and len(payload) == 28 and rep.msg_type in (1, 2, 3, 18):
                    fast = fast_position(payload, ts)
                    assert fast is not None and _got(fast) == _got(rep), raw
                    (slow,) = decode_reference(payload, fill, ts)
                    assert isinstance(slow, PositionReport) and _got(slow) == _got(fast), raw
                    fast_checked += 1
            elif isinstance(rep, StaticReport):
                statics += 1
                _check_static(rep, ref)
                fast_static_rep = fast_static(payload, fill, ts)
                if fast_static_rep is not None:
                    # the hand-written static decoder equals the pyais-based one in every field
                    (slow_static,) = decode_reference(payload, fill, ts)
                    assert isinstance(slow_static, StaticReport)
                    assert _same_static(slow_static, fast_static_rep), raw
                    fast_statics += 1
    assert fast_checked > 50_000 and positions > 50_000 and statics > 3_000
    assert fast_statics > 3_000


def _same_static(slow: StaticReport, fast: StaticReport) -> bool:
    """Equal in every field; text up to leading spaces (pyais strips them, ITU keeps them)."""
    texts = ("name", "call_sign", "destination")
    if replace(slow, name=None, call_sign=None, destination=None) != replace(
        fast, name=None, call_sign=None, destination=None
    ):
        return False
    return all(_lstrip(getattr(slow, t)) == _lstrip(getattr(fast, t)) for t in texts)


# independent restatement of ITU-R M.1371 Table 53 as pyais's ShipType enum folds it
def _itu_ship_type(code: int) -> int | None:
    folded = {26: 25, 27: 25, 28: 25, 46: 45, 47: 45, 48: 45, 57: 56}
    folded |= {d * 10 + k: d * 10 + 5 for d in (6, 7, 8, 9) for k in (6, 7, 8)}
    if code < 20 or code > 99 or code in (38, 39):
        return None
    return folded.get(code, code)


def test_ship_type_table() -> None:
    assert [ship_type_or_none(c) for c in range(256)] == [_itu_ship_type(c) for c in range(256)]
    assert (ship_type_or_none(87), ship_type_or_none(0), ship_type_or_none(None)) == (
        85,
        None,
        None,
    )


def _clean(s: Any) -> Any:
    # pyais cuts six-bit text at the first '@' and strips it; ITU (and gpsd) keep leading spaces
    if not isinstance(s, str):
        return None
    return s.split("@", 1)[0].strip() or None


def _lstrip(text: str | None) -> str | None:
    return None if text is None else text.lstrip()


def _check_static(rep: StaticReport, ref: Any) -> None:
    # our text keeps leading spaces (ITU, gpsd); pyais strips them
    rep = replace(
        rep,
        name=_lstrip(rep.name),
        call_sign=_lstrip(rep.call_sign),
        destination=_lstrip(rep.destination),
    )
    assert rep.mmsi == ref.mmsi
    if (hasattr(ref, "shipname") and ref.msg_type != 24) or getattr(ref, "partno", None) == 0:
        assert rep.name == _clean(ref.shipname)
    if hasattr(ref, "callsign"):
        assert rep.call_sign == _clean(ref.callsign)
    if ref.msg_type == 5:
        assert rep.imo == (ref.imo or None)
        assert rep.destination == _clean(ref.destination)
        assert rep.draught_m == (ref.draught or None)
    if hasattr(ref, "ship_type"):
        raw = int(ref.ship_type) if ref.ship_type is not None else 0
        assert rep.ship_type == _itu_ship_type(raw)  # 24B: pyais gives the raw code
    if getattr(ref, "to_bow", None) is not None and getattr(ref, "to_stern", None) is not None:
        assert rep.length_m == (float(ref.to_bow + ref.to_stern) or None)
        assert rep.beam_m == (float(ref.to_port + ref.to_starboard) or None)


@pytest.mark.parametrize(
    ("msg_type", "chars", "fill"),
    [(27, 15, 0), (27, 29, 0), (1, 27, 0), (5, 69, 0), (19, 51, 0), (18, 28, 2)],
)
def test_payload_of_the_wrong_length_for_its_type_is_rejected(
    msg_type: int, chars: int, fill: int
) -> None:
    # 90 and 174 bits cannot be a type 27 (96..168), 162 a type 1 (168), 414 a type 5 (420),
    # 306 a type 19 (312), 166 a type 18 (168): never decoded into a position
    head = type1(244000009, -0.001667, -87.2, status=14, msg_type=msg_type)
    payload = (head * 3)[:chars].encode()
    with pytest.raises(DecodeError) as exc:
        decode_message(payload, fill, 0.0)
    assert exc.value.reason == "bad_length"


def test_lengths_real_transmitters_send_are_kept() -> None:
    # type 27 at 96 bits and padded to 168; type 1 with a padding character (174 bits)
    short27 = type1(244000010, 1.0, 2.0, msg_type=27)[:16].encode()
    assert decode_message(short27, 0, 0.0)[0].mmsi == 244000010
    assert decode_message(type1(244000010, 1.0, 2.0, msg_type=27).encode(), 0, 0.0)
    padded = (type1(244000010, 1.0, 2.0) + "0").encode()
    assert decode_message(padded, 0, 0.0)[0].lat_deg == 1.0
