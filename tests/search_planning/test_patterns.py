"""Search patterns: leg lengths, turns, spacing, sub-areas, RTZ/GPX files, AIS coverage."""

from __future__ import annotations

import itertools
import math
from xml.etree import ElementTree as ET

import pytest

from sar_coord.core.geo import METRES_PER_NM, haversine_m, initial_bearing_deg
from sar_coord.search_planning import files, patterns, progress

LON, LAT = 12.6, 35.2  # south of Lampedusa


def _legs(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(length NM, course deg) of each leg."""
    return [
        (haversine_m(*a, *b) / METRES_PER_NM, initial_bearing_deg(*a, *b))
        for a, b in itertools.pairwise(points)
    ]


def _turn(c1: float, c2: float) -> float:
    return (c2 - c1 + 540.0) % 360.0 - 180.0


def test_expanding_square_legs_and_right_turns() -> None:
    pts = patterns.expanding_square(LON, LAT, 1.5, 5.0, first_course_deg=30.0)
    legs = _legs(pts)
    expected = [1.5, 1.5, 3.0, 3.0, 4.5, 4.5, 6.0, 6.0, 7.5, 7.5, 9.0, 9.0, 10.5, 10.5]
    assert [round(length, 2) for length, _ in legs] == pytest.approx(expected, abs=0.02)
    assert legs[0][1] == pytest.approx(30.0, abs=0.1)
    for (_, c1), (_, c2) in itertools.pairwise(legs):
        assert _turn(c1, c2) == pytest.approx(90.0, abs=0.5)


def test_sector_search_nine_legs_of_the_radius_ending_at_datum() -> None:
    pts = patterns.sector(LON, LAT, 3.0, first_course_deg=45.0)
    legs = _legs(pts)
    assert len(legs) == 9
    assert all(length == pytest.approx(3.0, rel=0.005) for length, _ in legs)
    turns = [_turn(c1, c2) for (_, c1), (_, c2) in itertools.pairwise(legs)]
    # 120 degrees right at each outer point; straight on through the datum between triangles.
    assert turns == pytest.approx([120, 120, 0, 120, 120, 0, 120, 120], abs=0.5)
    assert pts[-1] == (LON, LAT)


@pytest.mark.parametrize("builder", [patterns.parallel_track, patterns.creeping_line])
def test_ladders_cover_the_area_at_the_track_spacing(builder: object) -> None:
    area = patterns.Rect(LON, LAT, half_length_nm=10.0, half_width_nm=4.0, major_axis_deg=60.0)
    pts = builder(area, 2.0)  # type: ignore[operator]
    legs = _legs(pts)
    search_legs = legs[0::2]
    along_major = builder is patterns.parallel_track
    n_expected = math.ceil(8.0 / 2.0) if along_major else math.ceil(20.0 / 2.0)
    assert len(search_legs) == n_expected
    axis = 60.0 if along_major else 150.0
    for _, course in search_legs:
        assert abs(math.sin(math.radians(course - axis))) < 0.02  # parallel to the right axis
    assert all(length == pytest.approx(2.0, abs=0.02) for length, _ in legs[1::2])  # cross legs
    ring = patterns.corners(area)
    assert progress.swept_fraction(ring, pts, 2.0) == pytest.approx(1.0, abs=0.06)


def test_track_line_return_offsets_half_spacing() -> None:
    start, end = (12.0, 35.0), (12.5, 35.3)
    pts = patterns.track_line(start, end, 2.0)
    legs = _legs(pts)
    track_nm = haversine_m(*start, *end) / METRES_PER_NM
    assert legs[0][0] == pytest.approx(track_nm, rel=0.01)
    assert legs[1][0] == pytest.approx(2.0, abs=0.02)
    assert abs(_turn(legs[0][1], legs[2][1])) == pytest.approx(180.0, abs=1.0)


def test_split_into_strips_keeps_the_area() -> None:
    area = patterns.Rect(LON, LAT, 8.0, 6.0, 0.0)
    parts = patterns.split(area, 3)
    assert len(parts) == 3
    assert sum(p.half_width_nm for p in parts) == pytest.approx(6.0)
    assert parts[0].lat == pytest.approx(LAT, abs=1e-6) or parts[0].lon != parts[2].lon


def test_rtz_and_gpx_carry_every_waypoint() -> None:
    pts = patterns.sector(LON, LAT, 2.0)
    rtz = ET.fromstring(files.to_rtz("SAR-1 VS", pts))
    ns = {"r": files.RTZ_NS}
    assert rtz.tag == f"{{{files.RTZ_NS}}}route" and rtz.get("version") == "1.0"
    positions = rtz.findall("r:waypoints/r:waypoint/r:position", ns)
    assert [(float(p.get("lon", "")), float(p.get("lat", ""))) for p in positions] == [
        pytest.approx((lon, lat), abs=1e-6) for lon, lat in pts
    ]
    gpx = ET.fromstring(files.to_gpx("SAR-1 VS", pts))
    rtepts = gpx.findall(f"{{{files.GPX_NS}}}rte/{{{files.GPX_NS}}}rtept")
    assert gpx.get("version") == "1.1" and len(rtepts) == len(pts)


def test_swept_fraction_of_half_and_outside_tracks() -> None:
    area = patterns.Rect(LON, LAT, 5.0, 5.0, 0.0)
    ring = patterns.corners(area)
    full = patterns.parallel_track(area, 1.0)
    half = full[: len(full) // 2]
    assert progress.swept_fraction(ring, half, 1.0) == pytest.approx(0.5, abs=0.06)
    far = [patterns.offset(LON, LAT, 30.0, 0.0), patterns.offset(LON, LAT, 30.0, 5.0)]
    assert progress.swept_fraction(ring, far, 1.0) == 0.0
