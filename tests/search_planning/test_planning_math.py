"""Search planning math: probable error, optimal area, sweep widths, POD (IAMSAR Vol. II)."""

from __future__ import annotations

import math

import pytest

from sar_coord.search_planning import area, detection


def test_total_probable_error_is_root_sum_square() -> None:
    assert area.total_probable_error_nm(1.0, 0.1, 2.0) == pytest.approx(math.sqrt(5.01))
    assert area.drift_error_nm(10.0) == pytest.approx(3.0)
    assert area.drift_error_nm(-1.0) == 0.0


def test_probable_error_circle_holds_half_the_probability() -> None:
    e = 4.0
    # The square circumscribing the 50 % circle holds more than half, the inscribed one less.
    assert area.poc_square(e, e) > 0.5
    assert area.poc_square(e / math.sqrt(2.0), e) < 0.5
    assert area.poc_square(100 * e, e) == pytest.approx(1.0)


def test_optimal_area_maximises_probability_of_success() -> None:
    plan = area.optimal_area(5.0, sweep_width_nm=4.3, speed_kn=12.0, hours=6.0)
    assert plan.effort_nm2 == pytest.approx(12.0 * 6.0 * 4.3)
    assert plan.area_nm2 * plan.coverage == pytest.approx(plan.effort_nm2)
    assert plan.track_spacing_nm == pytest.approx(4.3 / plan.coverage)
    assert plan.pos == pytest.approx(plan.poc * plan.pod)
    for factor in (0.8, 1.25):
        r = plan.radius_nm * factor
        c = plan.effort_nm2 / (4 * r * r)
        assert area.poc_square(r, 5.0) * detection.pod_exponential(c) < plan.pos
    assert 0.3 < plan.optimal_search_factor < 3.0


def test_more_effort_widens_the_area() -> None:
    small = area.optimal_area(5.0, sweep_width_nm=2.0, speed_kn=10.0, hours=2.0)
    large = area.optimal_area(5.0, sweep_width_nm=2.0, speed_kn=10.0, hours=20.0)
    assert large.radius_nm > small.radius_nm
    assert large.pos > small.pos


def test_sweep_width_table_and_interpolation() -> None:
    assert detection.uncorrected_sweep_width_nm("person_in_water", 3.0) == 0.4
    assert detection.uncorrected_sweep_width_nm("boat_7m", 7.5) == pytest.approx((2.9 + 4.3) / 2)
    assert detection.uncorrected_sweep_width_nm("boat_7m", 50.0) == 5.8
    assert detection.uncorrected_sweep_width_nm("rubber_boat", 10.0) == 4.3
    with pytest.raises(detection.UnknownTarget, match="known:"):
        detection.uncorrected_sweep_width_nm("submarine", 10.0)


def test_corrections_for_weather_and_fatigue() -> None:
    base = detection.uncorrected_sweep_width_nm("person_in_water", 10.0)
    assert detection.corrected_sweep_width_nm("person_in_water", 10.0, wind_kn=20) == base * 0.5
    assert detection.corrected_sweep_width_nm("person_in_water", 10.0, sea_m=2.0) == base * 0.25
    boat = detection.uncorrected_sweep_width_nm("boat_7m", 10.0)
    assert detection.corrected_sweep_width_nm(
        "boat_7m", 10.0, wind_kn=30, fatigue=True
    ) == pytest.approx(boat * 0.9 * 0.9)


def test_pod_curves() -> None:
    assert detection.pod_exponential(1.0) == pytest.approx(1 - math.exp(-1))
    assert detection.pod_inverse_cube(1.0) == pytest.approx(0.79, abs=0.01)
    assert detection.pod_inverse_cube(1.0) > detection.pod_exponential(1.0)
    assert detection.coverage_factor(2.0, 1.0) == 2.0


def test_api_choices_match_the_tables() -> None:
    from typing import get_args

    from sar_coord.search_planning.schemas import FixType, Target

    assert set(get_args(Target)) == set(detection.TARGETS)
    assert set(get_args(FixType)) == set(area.FIX_ERROR_NM)
