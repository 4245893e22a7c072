"""Hand-written AIS decoders for the hot message types (no pyais): positions 1/2/3/18, static 5/24.

Every field they produce is differential-tested against pyais over the whole shared corpus
(tests/ais_ingest/test_decode.py); anything unusual (fill bits, odd lengths) is left to pyais.
"""

from __future__ import annotations

from binascii import a2b_base64

from ais_ingest.reports import PositionReport, StaticReport
from sar_coord.core.ais import MmsiKind, clean_sixbit_text, mmsi_kind

B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ARMOR = bytes(
    B64_ALPHABET[(c - 56 if c - 48 > 40 else c - 48) if 48 <= c <= 119 else 0] for c in range(256)
)


def _ship_type_code(code: int) -> int | None:
    # ITU-R M.1371 Table 53: codes 20-99 in use; within the WIG/HSC/passenger/cargo/tanker/other
    # decades x5-x8 are one "reserved" class (folded to x5, as pyais does); 38, 39 reserved;
    # 57 folded to 56 (spare); 0 = not available; 1-19 and 100-255 reserved.
    if not 20 <= code <= 99 or code in (38, 39):
        return None
    if code % 10 in (6, 7, 8) and code // 10 in (2, 4, 6, 7, 8, 9):
        return code // 10 * 10 + 5
    return 56 if code == 57 else code


_SHIP_TYPE = tuple(_ship_type_code(c) for c in range(256))


def ship_type_or_none(code: int | None) -> int | None:
    """Normalised AIS ship type code (reserved codes folded), or None when not available."""
    return _SHIP_TYPE[code] if code is not None and 0 <= code <= 255 else None


_SIXBIT_CHAR = tuple(chr(v + 64) if v < 32 else chr(v) for v in range(64))
_B64_PAD = (b"", b"AAA", b"AA", b"A")


def header(payload: bytes) -> tuple[int, int]:
    """(message type, MMSI): bits 0-5 and 8-37, the same in every message type, of an armoured
    payload of >= 7 characters."""
    head = int.from_bytes(a2b_base64(payload[:8].ljust(8, b"0").translate(ARMOR)), "big")
    return head >> 42, (head >> 10) & 0x3FFFFFFF


def _lat_lon(iv: int) -> float:
    # Same integer rounding as pyais: round(iv / 600000, 6) computed exactly.
    return ((10 * iv + 3) // 6) / 1e6


def fast_position(payload: bytes, received_ts_s: float) -> PositionReport | None:
    """Hand-written decoder for 168-bit types 1, 2, 3 and 18 (fill 0); None if not applicable."""
    v = int.from_bytes(a2b_base64(payload.translate(ARMOR)), "big")
    msg_type = v >> 162
    mmsi = (v >> 130) & 0x3FFFFFFF
    if msg_type <= 3:
        status: int | None = (v >> 126) & 15
        sog = (v >> 108) & 1023
        lx = (v >> 79) & 0xFFFFFFF
        ly = (v >> 52) & 0x7FFFFFF
        cog = (v >> 40) & 4095
        hdg = (v >> 31) & 511
        second = (v >> 25) & 63
    elif msg_type == 18:
        status = None
        sog = (v >> 112) & 1023
        lx = (v >> 83) & 0xFFFFFFF
        ly = (v >> 56) & 0x7FFFFFF
        cog = (v >> 44) & 4095
        hdg = (v >> 35) & 511
        second = (v >> 29) & 63
    else:
        return None
    if lx & 0x8000000:
        lx -= 0x10000000
    if ly & 0x4000000:
        ly -= 0x8000000
    bad: tuple[str, ...] = ()
    if (
        lx == 108600000
        or ly == 54600000
        or not (-108000000 <= lx <= 108000000 and -54000000 <= ly <= 54000000)
    ):
        lat: float | None = None
        lon: float | None = None
        if lx != 108600000 and ly != 54600000:
            bad = ("position",)
    else:
        lat = _lat_lon(ly)
        lon = _lat_lon(lx)
    if cog > 3600 or 360 <= hdg < 511:
        bad = _out_of_range(bad, cog, hdg)
    return PositionReport(
        mmsi,
        msg_type,
        received_ts_s,
        lat,
        lon,
        None if sog >= 1023 else sog / 10.0,
        None if cog >= 3600 else cog / 10.0,
        None if hdg >= 360 else hdg,
        status,
        False,  # suspect, flag and timed are the tracker's and processor's (positional: hot)
        second if second < 60 else None,
        False,
        None,
        bad,
    )


def _out_of_range(bad: tuple[str, ...], cog: int, hdg: int) -> tuple[str, ...]:
    """Fields outside their ITU range (course above 360.0, heading 360-510; not "n/a")."""
    return bad + (("cog",) if cog > 3600 else ()) + (("heading",) if 360 <= hdg < 511 else ())


def _bits(payload: bytes, fill: int) -> tuple[int, int]:
    """(payload as one integer, its length in bits), fill bits removed."""
    rem = len(payload) & 3
    v = int.from_bytes(a2b_base64(payload.translate(ARMOR) + _B64_PAD[rem]), "big")
    if rem:
        v >>= 6 * (4 - rem)
    return v >> fill, len(payload) * 6 - fill


def _text(v: int, n_bits: int, start: int, chars: int) -> str | None:
    """6-bit text field cleaned by the vocabulary ('@' padding, trailing spaces); None if empty."""
    shift = n_bits - start - 6
    s = "".join([_SIXBIT_CHAR[(v >> (shift - 6 * i)) & 63] for i in range(chars)])
    return clean_sixbit_text(s) or None


def _dims(bow: int, stern: int, port: int, stbd: int) -> tuple[float | None, float | None]:
    return (
        float(bow + stern) if bow + stern else None,
        float(port + stbd) if port + stbd else None,
    )


def fast_static(payload: bytes, fill: int, received_ts_s: float) -> StaticReport | None:
    """Type 5 (>= 424 bits) and 24 part A (>= 160) / part B (>= 168, not 98MID craft)."""
    c0 = payload[:1]
    if c0 != b"5" and c0 != b"H":
        return None
    v, n = _bits(payload, fill)
    need = 424 if c0 == b"5" else 168
    if need - 6 <= n < need:  # a transmitter that leaves out spare bits: read them as zero
        v <<= need - n
        n = need

    def f(start: int, width: int) -> int:
        return (v >> (n - start - width)) & ((1 << width) - 1)

    mmsi = f(8, 30)
    if c0 == b"5":
        if n < 424:
            return None
        month, day, hour, minute = f(274, 4), f(278, 5), f(283, 5), f(288, 6)
        length, beam = _dims(f(240, 9), f(249, 9), f(258, 6), f(264, 6))
        return StaticReport(
            mmsi,
            5,
            received_ts_s,
            name=_text(v, n, 112, 20),
            call_sign=_text(v, n, 70, 7),
            imo=f(40, 30) or None,
            ship_type=ship_type_or_none(f(232, 8)),
            length_m=length,
            beam_m=beam,
            draught_m=f(294, 8) / 10.0 or None,
            destination=_text(v, n, 302, 20),
            eta=f"{month:02d}-{day:02d}T{hour:02d}:{minute:02d}Z" if month and day else None,
        )
    part = f(38, 2)
    if part == 0 and n >= 160:
        return StaticReport(mmsi, 24, received_ts_s, name=_text(v, n, 40, 20), part="A")
    if part == 1 and n >= 168 and mmsi_kind(mmsi) is not MmsiKind.CRAFT_ASSOCIATED:
        length, beam = _dims(f(132, 9), f(141, 9), f(150, 6), f(156, 6))
        return StaticReport(
            mmsi,
            24,
            received_ts_s,
            call_sign=_text(v, n, 90, 7),
            ship_type=ship_type_or_none(f(40, 8)),
            length_m=length,
            beam_m=beam,
            part="B",
        )
    return None
