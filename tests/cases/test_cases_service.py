"""Case service on real PostGIS: sources, timeline, status machine, SAR regions, beacons."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.cases import beacons, regions, repository, service
from sar_coord.cases.exceptions import ActiveCaseExists, BadTransition, InvalidRegion
from sar_coord.cases.schemas import (
    CaseCreate,
    CaseUpdate,
    PartnerReport,
    RccChange,
    SarRegionWrite,
    StatusChange,
)
from sar_coord.core.ais import distress_source
from sar_coord.core.db import ewkb_point
from sar_coord.core.geo import EARTH_RADIUS_M, nm_to_m
from sar_coord.core.time import utcnow

RCC = service.Actor("fixture_rcc", None)
# A made-up box around Malta for tests (real SRR boundaries are loaded by an admin).
MALTA_BOX = {
    "type": "Polygon",
    "coordinates": [[[11.0, 34.0], [19.0, 34.0], [19.0, 36.5], [11.0, 36.5], [11.0, 34.0]]],
}
ROME_BOX = {
    "type": "Polygon",
    "coordinates": [[[7.0, 36.5], [19.0, 36.5], [19.0, 45.0], [7.0, 45.0], [7.0, 36.5]]],
}


async def _load_regions(session: AsyncSession) -> None:
    for name, geom in (("RCC Malta", MALTA_BOX), ("MRCC Rome", ROME_BOX)):
        await regions.upsert_region(
            session,
            body=SarRegionWrite(
                rcc_name=name,
                region_name=f"{name} test SRR",
                contact={"phone": "+000"},
                geometry=geom,
            ),
        )


async def test_rcc_entry_records_creation_first_rcc_and_derived_responsible_rcc(
    session: AsyncSession,
) -> None:
    await _load_regions(session)
    case = await service.create_case(
        session,
        body=CaseCreate(
            lat=35.2,
            lon=12.6,
            persons_on_board=80,
            boat_type="rubber",
            first_rcc="MRCC Rome",
        ),
        actor=RCC,
    )
    assert case.status == "open" and case.source == "rcc"
    assert case.reference.startswith("SAR-")
    assert case.responsible_rcc == "RCC Malta"
    assert case.first_rcc == "MRCC Rome" and case.first_rcc_informed_at is not None
    timeline = await repository.events(session, case.id)
    assert [e.kind for e in timeline] == [
        "created",
        "first_rcc_informed",
        "responsible_rcc_derived",
    ]
    assert timeline[0].data["persons_on_board"] == 80
    assert timeline[2].data["contact"] == {"phone": "+000"}
    case2, lon, lat = await service.get_case(session, case.id)
    read = service.to_read(case2, lon, lat)
    assert (read.lat, read.lon) == pytest.approx((35.2, 12.6))
    assert not read.outside_all_regions


async def test_case_outside_every_region_says_so(session: AsyncSession) -> None:
    await _load_regions(session)
    case = await service.report_from_partner(
        session, body=PartnerReport(reported_by="Alarm Phone", lat=33.0, lon=25.0), actor=RCC
    )
    assert case.source == "partner" and case.responsible_rcc is None
    case, lon, lat = await service.get_case(session, case.id)
    assert service.to_read(case, lon, lat).outside_all_regions
    (derived,) = [e for e in await repository.events(session, case.id) if "derived" in e.kind]
    assert "outside every loaded SAR region" in derived.data["note"]


async def test_moving_the_datum_rederives_the_rcc_and_logs_old_and_new(
    session: AsyncSession,
) -> None:
    await _load_regions(session)
    case = await service.create_case(session, body=CaseCreate(lat=35.2, lon=12.6), actor=RCC)
    await service.update_case(
        session, case_id=case.id, body=CaseUpdate(lat=37.0, lon=12.6, people_in_water=3), actor=RCC
    )
    case, lon, lat = await service.get_case(session, case.id)
    assert (lon, lat) == pytest.approx((12.6, 37.0))
    assert case.responsible_rcc == "MRCC Rome" and case.people_in_water == 3
    kinds = [e for e in await repository.events(session, case.id)]
    updated = next(e for e in kinds if e.kind == "updated")
    assert updated.data["datum"] == {"old": [12.6, 35.2], "new": [12.6, 37.0]}
    assert updated.data["people_in_water"] == {"old": None, "new": 3}
    assert kinds[-1].kind == "responsible_rcc_derived"


async def test_status_machine_allows_the_rescue_path_and_refuses_jumps(
    session: AsyncSession,
) -> None:
    case = await service.create_case(session, body=CaseCreate(lat=35.0, lon=13.0), actor=RCC)
    with pytest.raises(BadTransition):
        await service.change_status(
            session, case_id=case.id, body=StatusChange(status="disembarked"), actor=RCC
        )
    for status in ("alerting", "assisting", "rescued", "disembarked", "closed"):
        await service.change_status(
            session, case_id=case.id, body=StatusChange(status=status, note=status), actor=RCC
        )
    assert case.status == "closed" and case.closed_at is not None
    with pytest.raises(BadTransition):
        await service.change_status(
            session, case_id=case.id, body=StatusChange(status="open"), actor=RCC
        )
    statuses = [
        (e.data["from"], e.data["to"])
        for e in await repository.events(session, case.id)
        if e.kind == "status"
    ]
    assert statuses[0] == ("open", "alerting") and statuses[-1] == ("disembarked", "closed")


async def test_false_alarm_is_terminal(session: AsyncSession) -> None:
    case = await service.create_case(session, body=CaseCreate(lat=35.0, lon=13.0), actor=RCC)
    await service.change_status(
        session, case_id=case.id, body=StatusChange(status="false_alarm"), actor=RCC
    )
    assert case.closed_at is not None
    with pytest.raises(BadTransition):
        await service.change_status(
            session, case_id=case.id, body=StatusChange(status="alerting"), actor=RCC
        )


async def test_responsible_rcc_acceptance_is_recorded_with_its_time(session: AsyncSession) -> None:
    case = await service.create_case(session, body=CaseCreate(lat=35.0, lon=13.0), actor=RCC)
    at = datetime(2026, 11, 28, 10, 5, tzinfo=UTC)
    await service.record_rcc(
        session,
        case_id=case.id,
        body=RccChange(role="responsible", rcc="RCC Malta", at=at),
        actor=RCC,
    )
    assert case.responsible_rcc == "RCC Malta" and case.responsible_rcc_accepted_at == at


async def test_timeline_is_append_only(session: AsyncSession) -> None:
    case = await service.create_case(session, body=CaseCreate(lat=35.0, lon=13.0), actor=RCC)
    await session.flush()
    with pytest.raises(Exception, match="append-only"):
        async with session.begin_nested():
            await session.execute(
                text("UPDATE case_event SET actor = 'x' WHERE case_id = :id"), {"id": case.id}
            )


async def test_predicted_datum_follows_reported_drift(session: AsyncSession) -> None:
    datum_at = utcnow() - timedelta(hours=2)
    case = await service.create_case(
        session,
        body=CaseCreate(
            lat=35.0, lon=13.0, datum_at=datum_at, drift_speed_kn=1.5, drift_toward_deg=0.0
        ),
        actor=RCC,
    )
    case, lon, lat = await service.get_case(session, case.id)
    predicted = service.predicted_datum(case, lon, lat, datum_at + timedelta(hours=2))
    # 3 nm north = 3/60.04 degrees of latitude (one degree: EARTH_RADIUS_M x pi/180)
    assert predicted.lat - 35.0 == pytest.approx(
        nm_to_m(3.0) / (math.radians(1.0) * EARTH_RADIUS_M), rel=1e-4
    )
    assert predicted.drift_source == "reported"


# --- regions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [1, 2]}, "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "not closed"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]},
            "outside WGS 84",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[170, 0], [-170, 0], [-170, 5], [170, 5], [170, 0]]],
            },
            "antimeridian",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "Self-intersection",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]},
            "invalid polygon|no area",
        ),
    ],
    ids=["not-polygon", "open-ring", "projected", "antimeridian-jump", "bowtie", "no-area"],
)
def test_region_geometry_is_validated(geometry: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRegion, match=message):
        regions.validate_region_geometry(geometry)


async def test_region_split_at_the_antimeridian_covers_both_sides(session: AsyncSession) -> None:
    split = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[170.0, -20.0], [180.0, -20.0], [180.0, -10.0], [170.0, -10.0], [170.0, -20.0]]],
            [[[-180.0, -20.0], [-170.0, -20.0], [-170.0, -10.0], [-180.0, -10.0], [-180.0, -20.0]]],
        ],
    }
    await regions.upsert_region(
        session,
        body=SarRegionWrite(rcc_name="RCC Fiji", region_name="Nadi SRR", geometry=split),
    )
    for lon in (179.9, -179.9, 175.0, -175.0):
        region = await regions.region_at(session, lon=lon, lat=-15.0)
        assert region is not None and region.rcc_name == "RCC Fiji"
    assert await regions.region_at(session, lon=0.0, lat=-15.0) is None
    (listed,) = [r for r in await regions.list_regions(session) if r.rcc_name == "RCC Fiji"]
    assert listed.geometry["type"] == "MultiPolygon"


# --- beacons -------------------------------------------------------------------------------


async def test_beacon_opens_one_case_and_later_reports_move_its_datum(
    session: AsyncSession,
) -> None:
    t0 = utcnow()
    case, created = await beacons.open_beacon_case(
        session, mmsi=970_012_345, lon=12.5, lat=35.1, reported_at=t0
    )
    assert created and case.source == "ais_sart" and case.source_mmsi == 970_012_345
    again, created_again = await beacons.open_beacon_case(
        session, mmsi=970_012_345, lon=12.51, lat=35.1, reported_at=t0 + timedelta(seconds=10)
    )
    assert again.id == case.id and not created_again
    await beacons.open_beacon_case(
        session, mmsi=970_012_345, lon=12.6, lat=35.0, reported_at=t0 + timedelta(minutes=2)
    )
    _, lon, lat = await service.get_case(session, case.id)
    assert (lon, lat) == pytest.approx((12.6, 35.0))
    kinds = [e.kind for e in await repository.events(session, case.id)]
    assert kinds.count("created") == 1 and kinds.count("beacon_position") == 1


async def test_a_second_active_case_for_one_mmsi_is_refused_by_the_database(
    session: AsyncSession,
) -> None:
    await beacons.open_beacon_case(
        session, mmsi=974_000_001, lon=14.0, lat=35.5, reported_at=utcnow()
    )
    with pytest.raises(Exception, match="uq_distress_case_active_source_mmsi"):
        async with session.begin_nested():
            await service.insert_case(
                session,
                source="ais_epirb",
                lon=14.0,
                lat=35.5,
                fields={"source_mmsi": 974_000_001},
                actor=RCC,
            )


async def test_after_closing_a_new_alert_opens_a_new_case(session: AsyncSession) -> None:
    case, _ = await beacons.open_beacon_case(
        session, mmsi=972_000_002, lon=14.0, lat=35.5, reported_at=utcnow()
    )
    await service.change_status(
        session, case_id=case.id, body=StatusChange(status="false_alarm"), actor=RCC
    )
    new, created = await beacons.open_beacon_case(
        session, mmsi=972_000_002, lon=14.0, lat=35.5, reported_at=utcnow()
    )
    assert created and new.id != case.id and new.source == "ais_mob"


async def test_sweep_opens_cases_for_recent_beacons_only(session: AsyncSession) -> None:
    now = utcnow()
    rows = [
        (970_111_111, 12.0, 35.0, now - timedelta(minutes=5)),  # SART, recent -> case
        (974_222_222, 12.2, 35.0, now - timedelta(minutes=50)),  # EPIRB, recent -> case
        (972_333_333, 12.4, 35.0, now - timedelta(hours=3)),  # MOB, old -> no case
        (247_000_001, 12.6, 35.0, now),  # a ship -> no case
    ]
    for mmsi, lon, lat, at in rows:
        await session.execute(
            text(
                "INSERT INTO vessel_latest (mmsi, position, reported_at) "
                "VALUES (:mmsi, ST_GeogFromWKB(:wkb), :at)"
            ),
            {"mmsi": mmsi, "wkb": ewkb_point(lon, lat), "at": at},
        )
    assert await beacons.sweep_beacons(session, now=now) == 2
    assert await beacons.sweep_beacons(session, now=now) == 0  # idempotent
    assert await repository.active_case_for_mmsi(session, 970_111_111) is not None
    assert await repository.active_case_for_mmsi(session, 972_333_333) is None
    assert distress_source(247_000_001) is None


async def test_a_repeated_dsc_alert_does_not_open_a_second_case(session: AsyncSession) -> None:
    body = CaseCreate(source="dsc", source_mmsi=247_123_456, lat=35.0, lon=13.0)
    first = await service.create_case(session, body=body, actor=RCC)
    with pytest.raises(ActiveCaseExists) as err:
        await service.create_case(session, body=body, actor=RCC)
    assert err.value.detail["case_id"] == first.id
    await service.change_status(
        session, case_id=first.id, body=StatusChange(status="cancelled"), actor=RCC
    )
    second = await service.create_case(session, body=body, actor=RCC)
    assert second.id != first.id and second.source == "dsc"


async def test_required_fields_cannot_be_erased_by_an_update(session: AsyncSession) -> None:
    case = await service.create_case(session, body=CaseCreate(lat=35.0, lon=13.0), actor=RCC)
    before = case.datum_at
    body = CaseUpdate.model_validate({"datum_at": None, "datum_uncertainty_nm": None})
    await service.update_case(session, case_id=case.id, body=body, actor=RCC)
    assert case.datum_at == before and case.datum_uncertainty_nm == 1.0


async def test_closing_a_case_appends_to_the_transparency_log(session) -> None:
    """A case closure (here a false alarm) is a signed-log entry auditors can find by case."""
    from sqlalchemy import select

    from sar_coord.audit.models import TransparencyLogEntry
    from sar_coord.cases import service
    from sar_coord.cases.schemas import CaseCreate, StatusChange

    actor = service.Actor(name="rcc test")
    case = await service.create_case(
        session, body=CaseCreate(lat=35.0, lon=13.0, persons_on_board=5), actor=actor
    )
    await service.change_status(
        session, case_id=case.id, body=StatusChange(status="false_alarm", note="flare"), actor=actor
    )
    rows = (
        await session.scalars(
            select(TransparencyLogEntry).where(TransparencyLogEntry.case_id == case.id)
        )
    ).all()
    assert [r.kind for r in rows] == ["case_closed"]
    assert rows[0].outcome == "false_alarm"
    assert b"flare" not in bytes(rows[0].entry)


async def test_a_reference_drawn_twice_is_drawn_again(session, monkeypatch) -> None:
    """24 random bits a day collide (a few % at 1,000 cases): a repeat is redrawn, not a 409."""
    from sar_coord.cases import service as cases_service
    from sar_coord.cases.schemas import CaseCreate as Body

    actor = cases_service.Actor("test")
    first = await cases_service.create_case(session, body=Body(lat=35.0, lon=12.0), actor=actor)
    drawn = iter([first.reference, "SAR-20261204-FRESH1"])
    monkeypatch.setattr(cases_service, "new_reference", lambda now: next(drawn))
    second = await cases_service.create_case(session, body=Body(lat=35.1, lon=12.1), actor=actor)
    assert second.reference == "SAR-20261204-FRESH1" and second.id != first.id
