"""Matching: dead reckoning, ETA, capability score, exclusions, drift — hand-computed figures."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from alerts.matching import water
from alerts.matching.scoring import (
    CaseTarget,
    MatchParams,
    VesselState,
    dead_reckon,
    position_uncertainty_nm,
    rank_candidates,
)
from sar_coord.cases.drift import Drift, estimate_drift, intercept_time_s, predicted_datum
from sar_coord.core.geo import EARTH_RADIUS_M, destination, haversine_m, m_to_nm, nm_to_m
from sar_coord.core.landmask import is_water

NOW = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
NO_DRIFT = Drift(0.0, 0.0, "none")
# one degree of latitude on the sphere of core.geo, in nm
DEG_NM = m_to_nm(math.radians(1.0) * EARTH_RADIUS_M)


def vessel(mmsi: int, lon: float, lat: float, **kw: object) -> VesselState:
    kw.setdefault("reported_at", NOW)
    return VesselState(mmsi=mmsi, lon=lon, lat=lat, **kw)  # type: ignore[arg-type]


def target(lon: float = 12.0, lat: float = 35.5, **kw: object) -> CaseTarget:
    kw.setdefault("datum_at", NOW)
    kw.setdefault("drift", NO_DRIFT)
    return CaseTarget(lon=lon, lat=lat, **kw)  # type: ignore[arg-type]


def test_dead_reckoning_advances_along_cog_and_is_capped() -> None:
    v = vessel(1, 12.0, 35.0, sog_kn=12.0, cog_deg=0.0, reported_at=NOW - timedelta(minutes=10))
    lon, lat, age = dead_reckon(v, NOW, cap_s=1800)
    assert age == 600
    assert lon == pytest.approx(12.0)
    assert (lat - 35.0) * DEG_NM == pytest.approx(2.0, abs=1e-6)  # 12 kn x 10 min
    old = vessel(1, 12.0, 35.0, sog_kn=12.0, cog_deg=0.0, reported_at=NOW - timedelta(hours=1))
    _, lat_capped, _ = dead_reckon(old, NOW, cap_s=1800)
    assert (lat_capped - 35.0) * DEG_NM == pytest.approx(6.0, abs=1e-6)  # capped at 30 min


def test_uncertainty_grows_with_age_and_faster_past_the_cap() -> None:
    p = MatchParams()
    v = vessel(1, 12.0, 35.0, sog_kn=10.0)
    assert position_uncertainty_nm(v, 0, p) == pytest.approx(0.05)
    assert position_uncertainty_nm(v, 1800, p) == pytest.approx(0.05 + 1.0)
    # one hour: 2 kn growth for 1 h + 10 kn for the 30 min past the cap
    assert position_uncertainty_nm(v, 3600, p) == pytest.approx(0.05 + 2.0 + 5.0)


def test_eta_uses_registry_speed_and_charges_getting_under_way() -> None:
    anchored = vessel(1, 12.0, 35.0, sog_kn=0.0, nav_status=1, max_speed_kn=15.0)
    result = rank_candidates([anchored], target(), NOW)
    (c,) = result.candidates
    assert c.distance_nm == pytest.approx(0.5 * DEG_NM, abs=1e-3)  # 30.02 nm
    assert c.eta_min == pytest.approx(0.5 * DEG_NM / 15.0 * 60.0, abs=0.01)  # 120.08 min
    assert c.score == pytest.approx(c.eta_min + 15.0, abs=0.01)
    assert any("get under way" in r for r in c.reasons)


def test_eta_falls_back_to_sog_then_floor() -> None:
    fast = vessel(1, 12.0, 35.0, sog_kn=20.0, cog_deg=0.0)
    slow = vessel(2, 12.0, 35.0, sog_kn=3.0, cog_deg=0.0)
    result = rank_candidates([slow, fast], target(), NOW)
    by = {c.mmsi: c for c in result.candidates}
    assert by[1].speed_kn == 20.0
    assert by[2].speed_kn == 6.0  # floor
    assert by[1].eta_min == pytest.approx(0.5 * DEG_NM / 20.0 * 60.0, abs=0.01)
    assert [c.mmsi for c in result.candidates] == [1, 2]


def test_capable_ship_further_away_outranks_nearer_incapable_one() -> None:
    case = target(persons_on_board=100, medical_emergencies=2)
    merchant = vessel(
        1,
        12.0,
        35.5 - 10 / DEG_NM,
        sog_kn=15.0,
        cog_deg=0.0,
        max_speed_kn=15.0,
        max_persons=20,
        freeboard_m=12.0,
        vessel_class="commercial",
    )
    ngo = vessel(
        2,
        12.0,
        35.5 - 20 / DEG_NM,
        sog_kn=12.0,
        cog_deg=0.0,
        max_speed_kn=12.0,
        max_persons=300,
        rescue_boats=2,
        medical_staff=True,
        sar_trained_crew=True,
        vessel_class="ngo",
    )
    result = rank_candidates([merchant, ngo], case, NOW)
    first, second = result.candidates
    assert (first.mmsi, second.mmsi) == (2, 1)
    # merchant: 10 nm / 15 kn = 40 min, + 60 short of capacity + 20 high freeboard = 120
    assert second.score == pytest.approx(120.0, abs=0.01)
    # ngo: 20 nm / 12 kn = 100 min, - 15 medical - 10 boats - 10 crew - 30 rescue class = 35
    assert first.score == pytest.approx(35.0, abs=0.01)
    assert first.distance_nm > second.distance_nm
    assert any("rescue vessel preferred" in r for r in first.reasons)
    assert any("spare capacity 20 < 100" in r for r in second.reasons)


def test_weights_are_configurable() -> None:
    case = target(persons_on_board=100)
    near = vessel(1, 12.0, 35.5 - 10 / DEG_NM, sog_kn=10.0, max_persons=20)
    far = vessel(2, 12.0, 35.5 - 15 / DEG_NM, sog_kn=10.0, max_persons=200)
    default = rank_candidates([near, far], case, NOW)
    assert [c.mmsi for c in default.candidates] == [2, 1]  # 90 vs 60+60
    lenient = rank_candidates([near, far], case, NOW, params=MatchParams(capacity_short_min=0))
    assert [c.mmsi for c in lenient.candidates] == [1, 2]


def test_diversion_breaks_ties() -> None:
    # same position and speed: one already heading for the datum, one heading away
    heading_to = vessel(7, 12.0, 35.0, sog_kn=10.0, cog_deg=0.0)
    heading_away = vessel(3, 12.0, 35.0, sog_kn=10.0, cog_deg=180.0)
    result = rank_candidates([heading_away, heading_to], target(), NOW)
    assert [c.mmsi for c in result.candidates] == [7, 3]
    assert result.candidates[0].diversion_nm == pytest.approx(0.0, abs=1e-6)
    assert result.candidates[1].course_change_deg == pytest.approx(180.0)
    assert result.candidates[0].score == result.candidates[1].score


def test_stale_positionless_suspect_and_beacons_never_rank() -> None:
    ok = vessel(1, 12.0, 35.0, sog_kn=10.0)
    stale = vessel(2, 12.0, 35.4, sog_kn=10.0, reported_at=NOW - timedelta(hours=2))
    no_pos = VesselState(mmsi=3, lon=None, lat=None, reported_at=NOW)
    bad_pos = vessel(4, 181.0, 91.0)
    suspect = vessel(5, 12.0, 35.45, suspect=True)
    sart = vessel(970_123_456, 12.0, 35.5)
    casualty = vessel(6, 12.0, 35.5)
    result = rank_candidates(
        [ok, stale, no_pos, bad_pos, suspect, sart, casualty], target(source_mmsi=6), NOW
    )
    assert [c.mmsi for c in result.candidates] == [1]
    reasons = {e.mmsi: e.reason for e in result.excluded}
    assert reasons[2].startswith("stale")
    assert reasons[3] == reasons[4] == "no valid position"
    assert "suspect" in reasons[5]
    assert "beacon" in reasons[970_123_456] and "beacon" in reasons[6]


def test_every_candidate_carries_its_reasons() -> None:
    v = vessel(1, 12.0, 35.0, sog_kn=10.0, reported_at=NOW - timedelta(seconds=90))
    (c,) = rank_candidates([v], target(), NOW).candidates
    assert c.report_age_s == 90.0
    assert c.position_uncertainty_nm > 0.05
    assert c.capabilities["max_persons"] is None
    assert c.reasons[0].startswith(f"{c.distance_nm:.1f} nm over water")
    assert c.reasons[-1].startswith("rank 1")


# --- drift ---------------------------------------------------------------------------------


def test_reported_drift_moves_the_datum() -> None:
    drift = estimate_drift(
        drift_speed_kn=2.0,
        drift_toward_deg=90.0,
        wind_speed_kn=None,
        wind_from_deg=None,
        boat_type="rubber",
    )
    lon, lat = predicted_datum(12.0, 35.0, NOW - timedelta(hours=1), drift, NOW)
    assert haversine_m(12.0, 35.0, lon, lat) == pytest.approx(nm_to_m(2.0), rel=1e-9)
    assert lon > 12.0 and lat == pytest.approx(35.0, abs=1e-3)


def test_leeway_estimate_is_downwind_fraction_of_wind() -> None:
    drift = estimate_drift(
        drift_speed_kn=None,
        drift_toward_deg=None,
        wind_speed_kn=20.0,
        wind_from_deg=0.0,
        boat_type="rubber",
    )
    assert drift.source == "leeway"
    assert drift.speed_kn == pytest.approx(0.8)  # 4 % of 20 kn
    assert drift.toward_deg == pytest.approx(180.0)
    none = estimate_drift(
        drift_speed_kn=None,
        drift_toward_deg=None,
        wind_speed_kn=None,
        wind_from_deg=None,
        boat_type=None,
    )
    assert none.source == "none" and none.speed_kn == 0.0


def test_intercept_of_a_target_drifting_toward_the_ship() -> None:
    ship = destination(12.0, 35.0, 90.0, nm_to_m(10.0))
    drift = Drift(2.0, 90.0, "reported")  # toward the ship at 2 kn: closing speed 12 kn
    t_s = intercept_time_s(ship[0], ship[1], 10.0, 12.0, 35.0, drift)
    assert t_s == pytest.approx(3000.0, rel=1e-3)  # 10 nm / 12 kn = 50 min
    away = Drift(2.0, 270.0, "reported")  # away at 2 kn: closing 8 kn
    assert intercept_time_s(ship[0], ship[1], 10.0, 12.0, 35.0, away) == pytest.approx(
        4500.0, rel=1e-3
    )
    faster = Drift(12.0, 270.0, "reported")
    assert intercept_time_s(ship[0], ship[1], 10.0, 12.0, 35.0, faster) == math.inf


def test_ranking_uses_the_intercept_with_the_drifting_target() -> None:
    east = destination(12.0, 35.0, 90.0, nm_to_m(10.0))
    west = destination(12.0, 35.0, 270.0, nm_to_m(10.0))
    case = target(12.0, 35.0, drift=Drift(2.0, 90.0, "reported"))
    result = rank_candidates(
        [vessel(1, *west, sog_kn=10.0), vessel(2, *east, sog_kn=10.0)], case, NOW
    )
    by = {c.mmsi: c for c in result.candidates}
    assert by[2].eta_min == pytest.approx(50.0, abs=0.2)
    assert by[1].eta_min == pytest.approx(75.0, abs=0.3)
    assert [c.mmsi for c in result.candidates] == [2, 1]


# --- over water ----------------------------------------------------------------------------


def test_land_in_the_way_ranks_below_open_water_at_the_same_straight_distance() -> None:
    datum = (12.6, 35.2)  # south of Lampedusa
    north_of_sicily = (13.0, 38.4)
    straight_m = haversine_m(*datum, *north_of_sicily)
    open_sea = destination(*datum, 100.0, straight_m)  # the Ionian Sea, east-south-east
    assert is_water(*open_sea) and is_water(*north_of_sicily)
    behind = vessel(1, *north_of_sicily, sog_kn=14.0)
    clear = vessel(2, *open_sea, sog_kn=14.0)
    result = rank_candidates(
        [behind, clear], target(*datum), NOW, distance_fn=water.water_distance_m
    )
    assert [c.mmsi for c in result.candidates] == [2, 1]
    by = {c.mmsi: c for c in result.candidates}
    assert by[1].straight_nm == pytest.approx(by[2].straight_nm, rel=1e-6)
    assert by[1].distance_nm > by[2].distance_nm * 1.1
    assert any("land in the way" in r for r in by[1].reasons)


def test_weights_come_from_alerts_match_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from alerts.config import AlertsSettings
    from alerts.matching.candidates import match_params

    monkeypatch.setenv("ALERTS_MATCH_CAPACITY_SHORT_MIN", "0")
    monkeypatch.setenv("ALERTS_MATCH_K", "3")
    cfg = AlertsSettings().match
    params = match_params(cfg, default_stale_after_s=900.0)
    assert params.capacity_short_min == 0.0 and params.stale_after_s == 900.0
    assert cfg.k == 3
    case = target(persons_on_board=100)
    near = vessel(1, 12.0, 35.5 - 10 / DEG_NM, sog_kn=10.0, max_persons=20)
    far = vessel(2, 12.0, 35.5 - 15 / DEG_NM, sog_kn=10.0, max_persons=200)
    assert [c.mmsi for c in rank_candidates([near, far], case, NOW, params=params).candidates] == [
        1,
        2,
    ]
