"""Decode assembled AIS payloads into typed reports; the only module importing pyais."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pyais.bit_vector import bit_vector
from pyais.decode import decode as pyais_decode
from pyais.messages import MSG_CLASS

from ais_ingest.reports import (
    AidToNavigationReport,
    BaseStationReport,
    OtherMessage,
    PositionReport,
    Report,
    SafetyBroadcast,
    StaticReport,
)
from ais_ingest.sixbit import fast_position, fast_static, header, ship_type_or_none
from sar_coord.core.ais import clean_sixbit_text

_DECODED_TYPES = frozenset({1, 2, 3, 4, 5, 9, 14, 18, 19, 21, 24, 27})
# ITU-R M.1371-5 payload lengths (bits) of the stored types: shorter is rejected; longer is
# tolerated as gpsd does (transmitters pad), except where a longer payload cannot be the type.
MIN_BITS = {1: 168, 2: 168, 3: 168, 4: 168, 5: 420, 9: 168, 14: 40, 18: 168, 19: 312, 21: 272}
MIN_BITS |= {27: 96}
MAX_BITS = {14: 1008, 21: 368, 27: 168}
TYPE24_MIN_BITS = (160, 162)  # part A, part B (its last 6 bits are spare: often left out)


class DecodeError(Exception):
    """The payload cannot be decoded into a report."""

    def __init__(self, reason: str) -> None:
        """Carry a short machine-readable `reason` used as the reject counter label."""
        super().__init__(reason)
        self.reason = reason


def _valid_position(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    if lat is None or lon is None:
        return None, None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None, None
    return float(lat), float(lon)


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return clean_sixbit_text(value) or None


def _dims(msg: Any) -> tuple[float | None, float | None]:
    bow, stern = getattr(msg, "to_bow", None), getattr(msg, "to_stern", None)
    port, stbd = getattr(msg, "to_port", None), getattr(msg, "to_starboard", None)
    length = float(bow + stern) if bow is not None and stern is not None and bow + stern else None
    beam = float(port + stbd) if port is not None and stbd is not None and port + stbd else None
    return length, beam


def _slow_position(msg: Any, msg_type: int, ts: float) -> PositionReport:
    lat, lon = _valid_position(msg.lat, msg.lon)
    sog_raw, cog_raw = msg.speed, msg.course
    heading = getattr(msg, "heading", None)
    status = getattr(msg, "status", None)
    if msg_type == 27:
        sog = None if sog_raw is None or sog_raw >= 63 else float(sog_raw)
        cog = None if cog_raw is None or cog_raw >= 360 else float(cog_raw)
        if lat is not None and (msg.lat == 91.0 or msg.lon == 181.0):
            lat = lon = None
    elif msg_type == 9:
        sog = None if sog_raw is None or sog_raw >= 1023 else float(sog_raw)
        cog = None if cog_raw is None or cog_raw >= 360 else float(cog_raw)
    else:
        sog = None if sog_raw is None or sog_raw >= 102.3 else float(sog_raw)
        cog = None if cog_raw is None or cog_raw >= 360 else float(cog_raw)
    hdg = None if heading is None or heading >= 360 else int(heading)
    bad: list[str] = []
    if heading is not None and 360 <= heading < 511:
        bad.append("heading")
    if cog_raw is not None and cog_raw > 360:
        bad.append("cog")
    second = getattr(msg, "second", None)
    return PositionReport(
        int(msg.mmsi),
        msg_type,
        ts,
        lat,
        lon,
        sog,
        cog,
        hdg,
        None if status is None else int(status),
        utc_second=int(second) if second is not None and 0 <= second < 60 else None,
        out_of_range=tuple(bad),
    )


def _static(msg: Any, msg_type: int, ts: float) -> StaticReport:
    length, beam = _dims(msg)
    rep = StaticReport(int(msg.mmsi), msg_type, ts)
    ship_type = getattr(msg, "ship_type", None)
    rep.ship_type = ship_type_or_none(None if ship_type is None else int(ship_type))
    if msg_type == 5:
        rep.name = _text(msg.shipname)
        rep.call_sign = _text(msg.callsign)
        rep.imo = int(msg.imo) if msg.imo else None
        rep.length_m, rep.beam_m = length, beam
        rep.draught_m = float(msg.draught) if msg.draught else None
        rep.destination = _text(msg.destination)
        if msg.month and msg.day:
            rep.eta = f"{msg.month:02d}-{msg.day:02d}T{msg.hour or 0:02d}:{msg.minute or 0:02d}Z"
    elif msg_type == 19:
        rep.name = _text(msg.shipname)
        rep.length_m, rep.beam_m = length, beam
    else:
        partno = getattr(msg, "partno", None)
        if partno == 0:
            rep.part = "A"
            rep.name = _text(msg.shipname)
        elif partno == 1:
            rep.part = "B"
            rep.call_sign = _text(msg.callsign)
            rep.length_m, rep.beam_m = length, beam
        else:
            raise DecodeError("bad_type24_part")
    return rep


def decode_pyais(payload: bytes, fill: int, received_ts_s: float) -> Any:
    """Decode a payload with pyais's reference decoder, returning its message object."""
    bv = bit_vector(payload, fill)
    if len(bv) < 38:
        raise DecodeError("truncated")
    cls = MSG_CLASS.get(bv.get_num(0, 6))
    if cls is None:
        raise DecodeError("unknown_type")
    return cls.from_vector(bv)


def decode_reference(payload: bytes, fill: int, received_ts_s: float) -> list[Report]:
    """Decode with pyais only (no fast path); returns reports (static type 19 yields two)."""
    msg = decode_pyais(payload, fill, received_ts_s)
    return _convert(msg, received_ts_s)


def _convert(msg: Any, ts: float) -> list[Report]:
    msg_type = int(msg.msg_type)
    mmsi = msg.mmsi
    if mmsi is None:
        raise DecodeError("truncated")
    if msg_type in (1, 2, 3, 18, 27, 9):
        if msg.lat is None or msg.lon is None:
            raise DecodeError("truncated")
        return [_slow_position(msg, msg_type, ts)]
    if msg_type == 19:
        if msg.lat is None:
            raise DecodeError("truncated")
        return [_slow_position(msg, msg_type, ts), _static(msg, msg_type, ts)]
    if msg_type in (5, 24):
        return [_static(msg, msg_type, ts)]
    if msg_type == 4:
        lat, lon = _valid_position(msg.lat, msg.lon)
        try:
            st: datetime | None = datetime(
                msg.year, msg.month, msg.day, msg.hour, msg.minute, msg.second, tzinfo=UTC
            )
        except (TypeError, ValueError):
            st = None
        return [BaseStationReport(int(mmsi), 4, ts, lat, lon, st)]
    if msg_type == 21:
        lat, lon = _valid_position(msg.lat, msg.lon)
        return [
            AidToNavigationReport(
                int(mmsi),
                21,
                ts,
                _text(msg.name) or "",
                int(msg.aid_type or 0),
                lat,
                lon,
                bool(msg.virtual_aid),
            )
        ]
    if msg_type == 14:
        return [SafetyBroadcast(int(mmsi), 14, ts, _text(msg.text) or "")]
    return [OtherMessage(int(mmsi), msg_type, ts)]


def check_length(payload: bytes, fill: int, msg_type: int) -> None:
    """Raise DecodeError('bad_length') when the payload's bit count cannot be `msg_type`."""
    n_bits = len(payload) * 6 - fill
    if msg_type == 24:
        if n_bits < 40:
            raise DecodeError("bad_length")
        part = (payload[6:7].translate(_SIXBIT_VALUE)[0] >> 2) & 3
        if part > 1:
            raise DecodeError("bad_type24_part")
        if n_bits < TYPE24_MIN_BITS[part]:
            raise DecodeError("bad_length")
        return
    if n_bits < MIN_BITS.get(msg_type, 0) or n_bits > MAX_BITS.get(msg_type, n_bits):
        raise DecodeError("bad_length")


_SIXBIT_VALUE = bytes((c - 48 if c < 88 else c - 56) & 63 for c in range(256))


def decode_message(payload: bytes, fill: int, received_ts_s: float) -> list[Report]:
    """Decode one assembled payload to reports; raises DecodeError (never anything else)."""
    try:
        if fill == 0 and len(payload) == 28:
            rep = fast_position(payload, received_ts_s)
            if rep is not None:
                return [rep]
        if len(payload) >= 7:
            msg_type, mmsi = header(payload)
            if msg_type not in _DECODED_TYPES:
                return [OtherMessage(mmsi, msg_type, received_ts_s)]
            check_length(payload, fill, msg_type)
        static = fast_static(payload, fill, received_ts_s)
        reports: list[Report] = []
        if static is not None:
            reports.append(static)
        else:
            reports = decode_reference(payload, fill, received_ts_s)
    except DecodeError:
        raise
    except Exception as exc:
        raise DecodeError("decode_error") from exc
    return reports


def decode_pyais_sentences(groups: list[list[bytes]]) -> int:
    """Reference timing: pyais.decode(*sentences) per message; returns how many decoded."""
    n = 0
    for parts in groups:
        try:
            pyais_decode(*parts)
        except Exception:  # noqa: S112 - counting pyais failures is not our concern here
            continue
        n += 1
    return n
