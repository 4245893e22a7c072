"""AIS vocabulary (ITU-R M.585, M.1371, IEC 61162-1): MMSI kinds, NMEA checksum, six-bit text.

Every package asks this module what an MMSI is; none keeps its own prefix list or range check.
An MMSI's form never decides whether a message is kept: real traffic carries 0, 60, 5244 and
111111111, so the kind `NON_STANDARD` is a flag ("identity not unique"), not a reason to drop.
"""

from __future__ import annotations

from enum import StrEnum

MMSI_MAX = 999_999_999  # nine decimal digits; the 30-bit field can carry more, which is not an MMSI
NINE_DIGIT_MIN = 100_000_000  # the lowest MMSI with no leading zero (ships, devices, aircraft)


class MmsiKind(StrEnum):
    """What an MMSI identifies, from its digit pattern (ITU-R M.585 annexes)."""

    SHIP = "ship"  # MIDxxxxxx, MID 201-775
    GROUP = "group"  # 0MIDxxxxx: a group of ships
    COAST_STATION = "coast_station"  # 00MIDxxxx
    SAR_AIRCRAFT = "sar_aircraft"  # 111MIDxxx
    AIS_SART = "ais_sart"  # 970xxyyyy
    MOB = "mob"  # 972xxyyyy: man-overboard device
    EPIRB = "epirb"  # 974xxyyyy: EPIRB-AIS
    CRAFT_ASSOCIATED = "craft_associated"  # 98MIDxxxx: a craft associated with a parent ship
    AID_TO_NAVIGATION = "aid_to_navigation"  # 99MIDxxxx
    NON_STANDARD = "non_standard"  # anything else: kept, shown as "identity not unique"


DISTRESS_KINDS = frozenset({MmsiKind.AIS_SART, MmsiKind.MOB, MmsiKind.EPIRB})
"""Devices whose transmission is itself a distress alert: never dropped, never deduplicated."""

DEVICE_PREFIX = {
    MmsiKind.AIS_SART: 970,
    MmsiKind.MOB: 972,
    MmsiKind.EPIRB: 974,
}
"""The first three digits of a distress device's MMSI (970xxyyyy, 972xxyyyy, 974xxyyyy)."""

_DEVICE_BY_PREFIX = {prefix: kind for kind, prefix in DEVICE_PREFIX.items()}

DISTRESS_SOURCE = {
    MmsiKind.AIS_SART: "ais_sart",
    MmsiKind.MOB: "ais_mob",
    MmsiKind.EPIRB: "ais_epirb",
}
"""The case source recorded for a distress device's kind."""

_MID_MIN, _MID_MAX = 201, 775  # maritime identification digits allocated to administrations


def _valid_mid(mid: int) -> bool:
    return _MID_MIN <= mid <= _MID_MAX


def mmsi_kind(mmsi: int) -> MmsiKind:
    """Classify an MMSI by its nine-digit pattern; out-of-range or malformed is NON_STANDARD."""
    if not 0 < mmsi <= MMSI_MAX:
        return MmsiKind.NON_STANDARD
    digits = f"{mmsi:09d}"
    head3 = digits[:3]
    device = _DEVICE_BY_PREFIX.get(int(head3))
    if device is not None:
        return device
    if head3 == "111" and _valid_mid(int(digits[3:6])):
        return MmsiKind.SAR_AIRCRAFT
    if digits[:2] == "98" and _valid_mid(int(digits[2:5])):
        return MmsiKind.CRAFT_ASSOCIATED
    if digits[:2] == "99" and _valid_mid(int(digits[2:5])):
        return MmsiKind.AID_TO_NAVIGATION
    if digits[:2] == "00" and _valid_mid(int(digits[2:5])):
        return MmsiKind.COAST_STATION
    if digits[0] == "0" and _valid_mid(int(digits[1:4])):
        return MmsiKind.GROUP
    if _valid_mid(int(head3)):
        return MmsiKind.SHIP
    return MmsiKind.NON_STANDARD


def is_distress_device(mmsi: int) -> bool:
    """True for an AIS-SART (970), MOB (972) or EPIRB-AIS (974) MMSI."""
    return mmsi_kind(mmsi) in DISTRESS_KINDS


def distress_source(mmsi: int) -> str | None:
    """The case source ('ais_sart', 'ais_mob', 'ais_epirb') of a distress device, else None."""
    return DISTRESS_SOURCE.get(mmsi_kind(mmsi))


def device_mmsi_range(kind: MmsiKind) -> range:
    """All MMSIs of a distress device kind: 970000000-970999999 for an AIS-SART, and so on."""
    first = DEVICE_PREFIX[kind] * 1_000_000
    return range(first, first + 1_000_000)


def is_nine_digit(mmsi: int) -> bool:
    """True for 100000000-999999999: the form this system accepts for a vessel it registers,
    binds to a master or alerts (coast stations and groups, 00MID/0MID, are not vessels)."""
    return NINE_DIGIT_MIN <= mmsi <= MMSI_MAX


def is_sar_aircraft(mmsi: int) -> bool:
    """True for a SAR aircraft MMSI (111MIDxxx)."""
    return mmsi_kind(mmsi) is MmsiKind.SAR_AIRCRAFT


def identity_unique(mmsi: int) -> bool:
    """False when the MMSI does not follow ITU-R M.585, so several transmitters may share it."""
    return mmsi_kind(mmsi) is not MmsiKind.NON_STANDARD


def nmea_checksum(body: bytes) -> int:
    """XOR of the bytes between the sentence delimiter (`!`/`$`/`\\`) and `*` (IEC 61162-1).

    Fast path for sentence-sized bodies (ingest calls this for every line): folding the body as
    one integer by 512..8 bits XORs every byte position onto the lowest byte exactly once.
    """
    if len(body) > 128:
        x = 0
        for b in body:
            x ^= b
        return x
    v = int.from_bytes(body, "little")
    v ^= v >> 512
    v ^= v >> 256
    v ^= v >> 128
    v ^= v >> 64
    v ^= v >> 32
    v ^= v >> 16
    v ^= v >> 8
    return v & 0xFF


def nmea_checksum_hex(body: str) -> str:
    """The two upper-case hex digits of a sentence body's checksum."""
    return f"{nmea_checksum(body.encode('ascii')):02X}"


def clean_sixbit_text(text: str) -> str:
    """Six-bit AIS text as shown: cut at the first `@` (M.1371 padding), no surrounding spaces."""
    at = text.find("@")
    if at >= 0:
        text = text[:at]
    return text.strip(" ")
