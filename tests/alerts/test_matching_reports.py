"""Text renderings: seafarers' positions and date-time groups."""

from __future__ import annotations

from datetime import UTC, datetime

from sar_coord.core.notation import dtg, fmt_position


def test_positions_in_degrees_and_decimal_minutes() -> None:
    assert fmt_position(35.2, 12.6) == "3512.0N 01236.0E"
    assert fmt_position(-33.8568, 151.2153) == "3351.4S 15112.9E"
    assert fmt_position(0.0, -0.5) == "0000.0N 00030.0W"
    # 59.97 minutes rounds up into the next degree rather than printing 60.0
    assert fmt_position(35.9995, -12.9995) == "3600.0N 01300.0W"


def test_date_time_group_is_utc() -> None:
    assert dtg(datetime(2026, 11, 28, 10, 15, tzinfo=UTC)) == "281015Z NOV 2026"
