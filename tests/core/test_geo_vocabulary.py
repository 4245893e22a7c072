"""The geo vocabulary (sar_coord.core.geo): units, great-circle distance, bearing, destination."""

from __future__ import annotations

import math

import pytest

from sar_coord.core.geo import (
    EARTH_RADIUS_M,
    METRES_PER_NM,
    MS_PER_KN,
    destination,
    haversine_m,
    initial_bearing_deg,
    m_to_nm,
    nm_to_m,
    valid_lon_lat,
)


def test_units() -> None:
    assert METRES_PER_NM == 1852.0  # the international nautical mile
    assert abs(MS_PER_KN - 0.514444) < 1e-6
    assert nm_to_m(2.5) == 4630.0 and m_to_nm(4630.0) == 2.5


def test_haversine_along_a_meridian_and_the_equator() -> None:
    one_degree_m = math.radians(1.0) * EARTH_RADIUS_M
    assert haversine_m(12.0, 35.0, 12.0, 36.0) == pytest.approx(one_degree_m, rel=1e-12)
    assert haversine_m(0.0, 0.0, 1.0, 0.0) == pytest.approx(one_degree_m, rel=1e-12)
    assert m_to_nm(one_degree_m) == pytest.approx(60.04, abs=0.01)
    assert haversine_m(179.5, 0.0, -179.5, 0.0) == pytest.approx(one_degree_m, rel=1e-9)
    assert haversine_m(14.5, 35.9, 14.5, 35.9) == 0.0


def test_bearing_and_destination_agree() -> None:
    assert initial_bearing_deg(12.0, 35.0, 12.0, 36.0) == pytest.approx(0.0, abs=1e-9)
    assert initial_bearing_deg(12.0, 35.0, 11.0, 35.0) == pytest.approx(270.3, abs=0.1)
    for bearing in (0.0, 45.0, 135.0, 200.0, 315.0):
        lon, lat = destination(12.0, 35.0, bearing, nm_to_m(25.0))
        assert m_to_nm(haversine_m(12.0, 35.0, lon, lat)) == pytest.approx(25.0, rel=1e-9)
        assert initial_bearing_deg(12.0, 35.0, lon, lat) == pytest.approx(bearing, abs=1e-6)


def test_valid_lon_lat_rejects_ais_not_available() -> None:
    assert valid_lon_lat(14.5, 35.9) and valid_lon_lat(-180.0, -90.0)
    assert not valid_lon_lat(181.0, 91.0)  # AIS "not available"
    assert not valid_lon_lat(14.5, 91.0) and not valid_lon_lat(math.nan, 0.0)
