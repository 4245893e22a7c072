"""Land mask and over-water routing on real central-Mediterranean coastlines."""

from __future__ import annotations

import pytest

from alerts.matching import water
from sar_coord.core.geo import haversine_m
from sar_coord.core.landmask import is_water

# (lon, lat) pairs on either side of real land, all in sea cells of the mask.
LAMPEDUSA_W, LAMPEDUSA_E = (12.45, 35.51), (12.75, 35.51)
MALTA_W, MALTA_E = (14.10, 35.90), (14.70, 35.85)
SICILY_N, SICILY_S = (13.50, 38.30), (13.50, 36.80)
GULF_OF_TUNIS, GULF_OF_HAMMAMET = (10.60, 37.00), (10.90, 36.40)
OPEN_A, OPEN_B = (12.00, 35.00), (12.30, 34.80)


def test_mask_knows_land_and_sea() -> None:
    assert not is_water(14.42, 35.89)  # Malta, inland
    assert not is_water(12.58, 35.51)  # Lampedusa
    assert not is_water(14.0, 37.5)  # central Sicily
    assert not is_water(10.95, 36.85)  # Cap Bon peninsula
    assert is_water(12.0, 35.0)
    assert is_water(*MALTA_W)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (LAMPEDUSA_W, LAMPEDUSA_E),
        (MALTA_W, MALTA_E),
        (SICILY_N, SICILY_S),
        (GULF_OF_TUNIS, GULF_OF_HAMMAMET),
    ],
    ids=["lampedusa", "malta", "sicily", "cap-bon"],
)
def test_straight_lines_through_islands_are_detected_and_routed_around(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    assert water.crosses_land(*a, *b)
    route = water.water_route(*a, *b)
    assert route.crosses_land
    assert route.distance_m > route.straight_m * 1.01
    assert route.path[0] == a and route.path[-1] == b
    # every leg of a grid route stays over water (end graces aside)
    if route.method == "grid":
        for p, q in zip(route.path, route.path[1:], strict=False):
            grace_p = water.ENDPOINT_GRACE_M if p == a else 0.0
            grace_q = water.ENDPOINT_GRACE_M if q == b else 0.0
            assert not water._segment_land_fraction(*p, *q, grace_p, grace_q)


def test_lampedusa_detour_is_short_and_sane() -> None:
    route = water.water_route(*LAMPEDUSA_W, *LAMPEDUSA_E)
    assert route.method == "grid"
    # the island is ~10 km long east-west and ~3 km wide: rounding it costs a few km at most
    assert route.straight_m < route.distance_m < route.straight_m + 5_000


def test_cap_bon_detour_goes_round_the_cape() -> None:
    route = water.water_route(*GULF_OF_TUNIS, *GULF_OF_HAMMAMET)
    # the cape's tip is near 11.05 E, 37.08 N: the path must go east of 10.95 E
    assert max(lon for lon, _ in route.path) > 10.95
    assert route.distance_m > 1.4 * route.straight_m


def test_sicily_north_to_south_goes_round_the_island() -> None:
    route = water.water_route(*SICILY_N, *SICILY_S)
    # the island is ~280 km across; the detour is at least 1.5x the 167 km straight line
    assert route.distance_m > 1.5 * route.straight_m


def test_open_water_is_the_great_circle() -> None:
    route = water.water_route(*OPEN_A, *OPEN_B)
    assert route.method == "direct"
    assert route.distance_m == pytest.approx(haversine_m(*OPEN_A, *OPEN_B))
    assert len(route.path) == 2


def test_a_ship_alongside_in_port_is_not_blocked_by_its_own_quay() -> None:
    # Valletta Grand Harbour, inside the mask's land cells, out to sea to the north-east
    valletta = (14.515, 35.895)
    assert not is_water(*valletta)
    offshore = (14.60, 35.98)
    assert not water.crosses_land(*valletta, *offshore)


def test_spacing_is_fine_enough_for_a_small_island() -> None:
    # north-south across Lampedusa, which is only about 2 km wide there
    assert water.crosses_land(12.55, 35.45, 12.55, 35.60)
    assert is_water(12.55, 35.45) and is_water(12.55, 35.60)


def test_scalar_and_vectorised_sampling_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    rnd = random.Random(7)
    segments = []
    for _ in range(3000):
        lon, lat = rnd.uniform(10.5, 20.0), rnd.uniform(31.5, 38.5)
        segments.append((lon, lat, lon + rnd.uniform(-0.15, 0.15), lat + rnd.uniform(-0.15, 0.15)))
    scalar = [water._segment_land_fraction(*s, 1500.0, 1500.0) for s in segments]
    monkeypatch.setattr(water, "SCALAR_SAMPLES", 0)
    vectorised = [water._segment_land_fraction(*s, 1500.0, 1500.0) for s in segments]
    assert scalar == vectorised
    assert 50 < sum(scalar) < 2950  # both outcomes occur
