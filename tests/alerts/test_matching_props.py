"""Property tests of the ranking: order follows the score; excluded vessels never rank."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.matching import water
from alerts.matching.scoring import CaseTarget, MatchParams, VesselState, rank_candidates
from sar_coord.cases.drift import Drift

NOW = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
PARAMS = MatchParams()

vessels = st.lists(
    st.builds(
        VesselState,
        mmsi=st.integers(200_000_000, 799_999_999),
        lon=st.one_of(st.none(), st.floats(10.0, 16.0), st.just(181.0)),
        lat=st.one_of(st.none(), st.floats(32.0, 38.0), st.just(91.0)),
        reported_at=st.integers(0, 7200).map(lambda s: NOW - timedelta(seconds=s)),
        sog_kn=st.one_of(st.none(), st.floats(0.0, 30.0)),
        cog_deg=st.one_of(st.none(), st.floats(0.0, 359.9)),
        nav_status=st.one_of(st.none(), st.sampled_from([0, 1, 5, 7, 8])),
        suspect=st.booleans(),
        vessel_class=st.one_of(st.none(), st.sampled_from(["commercial", "ngo", "sar", "fishing"])),
        max_speed_kn=st.one_of(st.none(), st.floats(5.0, 30.0)),
        max_persons=st.one_of(st.none(), st.integers(0, 500)),
        medical_staff=st.one_of(st.none(), st.booleans()),
        rescue_boats=st.one_of(st.none(), st.integers(0, 4)),
        freeboard_m=st.one_of(st.none(), st.floats(0.5, 20.0)),
        sar_trained_crew=st.one_of(st.none(), st.booleans()),
    ),
    max_size=30,
    unique_by=lambda v: v.mmsi,
)
targets = st.builds(
    CaseTarget,
    lon=st.floats(11.0, 15.0),
    lat=st.floats(33.0, 37.0),
    datum_at=st.integers(0, 3600).map(lambda s: NOW - timedelta(seconds=s)),
    drift=st.builds(Drift, st.floats(0.0, 3.0), st.floats(0.0, 359.9), st.just("reported")),
    persons_on_board=st.one_of(st.none(), st.integers(1, 300)),
    medical_emergencies=st.one_of(st.none(), st.integers(0, 5)),
    people_in_water=st.one_of(st.none(), st.integers(0, 20)),
)


@settings(max_examples=150, deadline=None)
@given(vessels, targets)
def test_order_follows_score_and_every_vessel_is_accounted_for(
    fleet: list[VesselState], case: CaseTarget
) -> None:
    result = rank_candidates(fleet, case, NOW, params=PARAMS)
    keys = [(c.score, c.diversion_nm, c.mmsi) for c in result.candidates]
    assert keys == sorted(keys)
    assert [c.rank for c in result.candidates] == list(range(1, len(keys) + 1))
    ranked = {c.mmsi for c in result.candidates}
    left_out = {e.mmsi for e in result.excluded}
    assert ranked | left_out == {v.mmsi for v in fleet}
    assert not ranked & left_out


@settings(max_examples=150, deadline=None)
@given(vessels, targets)
def test_stale_positionless_and_suspect_vessels_never_rank(
    fleet: list[VesselState], case: CaseTarget
) -> None:
    result = rank_candidates(fleet, case, NOW, params=PARAMS)
    by_mmsi = {v.mmsi: v for v in fleet}
    for c in result.candidates:
        v = by_mmsi[c.mmsi]
        assert v.lon is not None and v.lat is not None
        assert -180 <= v.lon <= 180 and -90 <= v.lat <= 90
        assert not v.suspect
        assert (NOW - v.reported_at).total_seconds() <= PARAMS.stale_after_s
        assert c.eta_min >= 0 and c.distance_nm >= 0 and c.position_uncertainty_nm > 0
        assert c.reasons


@settings(max_examples=100, deadline=None)
@given(vessels, targets, st.floats(0.0, 120.0))
def test_a_capability_bonus_never_pushes_a_vessel_down(
    fleet: list[VesselState], case: CaseTarget, bonus_min: float
) -> None:
    base = rank_candidates(fleet, case, NOW, params=PARAMS)
    richer = rank_candidates(
        fleet,
        case,
        NOW,
        params=MatchParams(rescue_boat_bonus_min=PARAMS.rescue_boat_bonus_min + bonus_min),
    )
    before = {c.mmsi: c.score for c in base.candidates}
    for c in richer.candidates:
        assert c.score <= before[c.mmsi] + 1e-9


@settings(max_examples=60, deadline=None)
@given(vessels, targets, st.integers(1, 8))
def test_bounded_ranking_equals_the_head_of_the_full_ranking(
    fleet: list[VesselState], case: CaseTarget, k: int
) -> None:
    # over water around Malta, Lampedusa and Sicily: the bound must never drop a better ship
    full = rank_candidates(fleet, case, NOW, params=PARAMS, distance_fn=water.water_distance_m)
    head = rank_candidates(
        fleet, case, NOW, params=PARAMS, distance_fn=water.water_distance_m, limit=k
    )
    expected = [(c.mmsi, c.score) for c in full.candidates[:k]]
    assert [(c.mmsi, c.score) for c in head.candidates] == expected
    assert head.excluded == full.excluded
