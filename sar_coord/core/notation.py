"""Seafarers' notation: positions in degrees and decimal minutes, date-time groups (UTC)."""

from __future__ import annotations

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
