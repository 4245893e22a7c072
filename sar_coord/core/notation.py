"""Seafarers' notation: positions in degrees and decimal minutes, date-time groups (UTC)."""

from __future__ import annotations

import re
from datetime import datetime


def fmt_position(lat: float, lon: float) -> str:
    """WGS 84 degrees as seafarers write them: 3512.0N 01236.0E (degrees, decimal minutes)."""

    def part(value: float, width: int, pos: str, neg: str) -> str:
        hemi = pos if value >= 0 else neg
        value = abs(value)
        deg = int(value)
        minutes = round((value - deg) * 60.0, 1)
        if minutes >= 60.0:
            deg, minutes = deg + 1, 0.0
        return f"{deg:0{width}d}{minutes:04.1f}{hemi}"

    return f"{part(lat, 2, 'N', 'S')} {part(lon, 3, 'E', 'W')}"


def dtg(at: datetime) -> str:
    """Date-time group of a UTC time: 281015Z NOV 2026."""
    return at.strftime("%d%H%MZ %b %Y").upper()


_DM = re.compile(
    r"""^\s*(?P<sign>[-+])?\s*(?P<deg>\d{1,3})(?:\s*°|\s+|(?=\d{2}(?:\.\d+)?\s*['′]?\s*[NSEW]?\s*$))
        \s*(?P<min>\d{1,2}(?:\.\d+)?)\s*['′]?\s*(?P<hemi>[NSEW])?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_DEC = re.compile(r"^\s*(?P<val>[-+]?\d{1,3}(?:\.\d+)?)\s*°?\s*(?P<hemi>[NSEW])?\s*$", re.I)


def parse_coordinate(value: object, axis: str) -> float:
    """Decimal degrees from a number, "35.2", "35.2N", or degrees and decimal minutes as
    seafarers write them: "35 12.5N", "35°12.5'N", "3512.5N", "-35 12.5", "012 36.0 E".
    `axis` is "lat" or "lon"; the hemisphere letter must fit the axis (N/S, E/W)."""
    if isinstance(value, bool):
        raise ValueError("a coordinate is a number or a text such as 35 12.5N")
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise ValueError("a coordinate is a number or a text such as 35 12.5N")
    text = value.strip()
    match = _DEC.match(text)
    if match is not None:
        number = float(match["val"])
        hemi = match["hemi"]
    else:
        dm = _DM.match(text)
        if dm is None:
            raise ValueError(f"not a position: {value!r} (decimal degrees or 35 12.5N)")
        minutes = float(dm["min"])
        if minutes >= 60:
            raise ValueError(f"minutes must be below 60: {value!r}")
        number = int(dm["deg"]) + minutes / 60.0
        if dm["sign"] == "-":
            number = -number
        hemi = dm["hemi"]
    if hemi is not None:
        hemi = hemi.upper()
        allowed = "NS" if axis == "lat" else "EW"
        if hemi not in allowed:
            raise ValueError(f"{hemi} is not a {'latitude' if axis == 'lat' else 'longitude'}")
        if number < 0:
            raise ValueError(f"give a sign or a hemisphere, not both: {value!r}")
        if hemi in "SW":
            number = -number
    return number
