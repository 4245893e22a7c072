"""Case request/response bodies: WGS 84 lat/lon, nautical miles, knots, UTC datetimes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from sar_coord.core.schemas import (
    CountryCode,
    PastDatetime,
    ReadModel,
    ReportedMmsi,
    StrictModel,
)

Lat = Field(ge=-90, le=90, description="Latitude, degrees WGS 84")
Lon = Field(ge=-180, le=180, description="Longitude, degrees WGS 84")

CaseStatus = Literal[
    "open", "alerting", "assisting", "rescued", "disembarked", "closed", "cancelled", "false_alarm"
]
CaseSource = Literal["rcc", "partner", "ais_sart", "ais_mob", "ais_epirb", "dsc"]
BoatType = Literal["rubber", "wooden", "fishing", "sailing", "other"]


class _CaseFacts(StrictModel):
    """What is known about the boat and the people (counts only, never names)."""

    persons_on_board: int | None = Field(None, ge=0, le=5000, description="Estimate")
    boat_type: BoatType | None = None
    boat_colour: str | None = Field(None, max_length=40)
    engine_working: bool | None = None
    people_in_water: int | None = Field(None, ge=0, le=5000)
    medical_emergencies: int | None = Field(None, ge=0, le=5000)
    children: int | None = Field(None, ge=0, le=5000)
    deceased: int | None = Field(None, ge=0, le=5000)
    departure_country: CountryCode | None = None
    departure_place: str | None = Field(None, max_length=120)
    drift_speed_kn: float | None = Field(None, ge=0, le=20, description="Observed drift, knots")
    drift_toward_deg: float | None = Field(None, ge=0, lt=360, description="Drift set, deg true")
    wind_speed_kn: float | None = Field(None, ge=0, le=150, description="For a leeway estimate")
    wind_from_deg: float | None = Field(None, ge=0, lt=360, description="Wind from, deg true")
    description: str | None = Field(None, max_length=4000)


class CaseCreate(_CaseFacts):
    """An RCC's entry of a new case, or a DSC distress alert entered by the RCC."""

    source: Literal["rcc", "dsc"] = "rcc"
    source_mmsi: ReportedMmsi | None = Field(None, description="DSC: sender MMSI")
    lat: float = Lat
    lon: float = Lon
    datum_at: PastDatetime | None = Field(None, description="Time of the datum; default now")
    datum_uncertainty_nm: float = Field(1.0, gt=0, le=500)
    first_rcc: str | None = Field(None, max_length=120, description="First RCC informed")
    first_rcc_informed_at: PastDatetime | None = None
    reported_by: str | None = Field(None, max_length=200)
    auto_widen: bool = Field(False, description="Widen unanswered area alerts automatically")


class PartnerReport(_CaseFacts):
    """A boat in distress reported by a partner (phone hotline, NGO, aircraft, passing ship)."""

    reported_by: str = Field(min_length=2, max_length=200, description="Organisation reporting")
    lat: float = Lat
    lon: float = Lon
    datum_at: PastDatetime | None = None
    datum_uncertainty_nm: float = Field(2.0, gt=0, le=500)
    first_rcc: str | None = Field(None, max_length=120, description="RCC the partner informed")
    first_rcc_informed_at: PastDatetime | None = None


class CaseUpdate(_CaseFacts):
    """New facts or a new datum; only the fields given change, each change is a case event."""

    lat: float | None = Field(None, ge=-90, le=90, description="Latitude, degrees WGS 84")
    lon: float | None = Field(None, ge=-180, le=180, description="Longitude, degrees WGS 84")
    auto_widen: bool | None = Field(
        None, description="Widen an unanswered area alert automatically (escalation job)"
    )
    datum_at: PastDatetime | None = None
    datum_uncertainty_nm: float | None = Field(None, gt=0, le=500)


class StatusChange(StrictModel):
    """A status transition, with a note for the timeline."""

    status: CaseStatus
    note: str | None = Field(None, max_length=2000)


class RccChange(StrictModel):
    """The first RCC informed, or the responsible RCC accepting coordination (MSC.167 6.7)."""

    role: Literal["first", "responsible"]
    rcc: str = Field(min_length=2, max_length=120)
    at: PastDatetime | None = Field(None, description="When informed / accepted; default now")


class CoordinationAction(StrictModel):
    """A coordination step: ask an RCC to take coordination, its acceptance or refusal, or a
    transfer agreed with the receiving RCC (IMO MSC.167(78) 6.7, IAMSAR Vol. I)."""

    action: Literal["request", "accept", "decline", "transfer"]
    rcc: str = Field(min_length=2, max_length=120, description="The RCC asked / accepting / ...")
    at: PastDatetime | None = Field(None, description="When it happened (UTC); default now")
    note: str | None = Field(None, max_length=2000)


class OscDesignation(StrictModel):
    """The RCC designates a ship as on-scene coordinator (IAMSAR Vol. II/III)."""

    mmsi: ReportedMmsi
    name: str | None = Field(None, max_length=120, description="Ship's name, as the RCC has it")
    note: str | None = Field(None, max_length=2000)


class OnSceneCoordinator(ReadModel):
    """The ship designated on-scene coordinator, who designated it and when (UTC)."""

    mmsi: int
    name: str | None
    designated_by: str
    designated_at: datetime


class CoordinationStep(ReadModel):
    """One step of the append-only coordination history."""

    id: int
    at: datetime
    kind: Literal["first_informed", "requested", "accepted", "declined", "transferred"]
    rcc: str
    from_rcc: str | None
    actor: str
    actor_organisation: str | None
    note: str | None


class CoordinationRead(ReadModel):
    """Who coordinates the case now, the responsible RCC beside it, and how it came to be."""

    case_id: int
    coordinating_rcc: str | None
    coordinating_since: datetime | None
    responsible_rcc: str | None = Field(description="RCC of the SAR region holding the datum")
    responsible_rcc_accepted_at: datetime | None
    differs: bool = Field(description="The responsible RCC is not (yet) the coordinating one")
    pending_request: str | None = Field(description="RCC asked to coordinate, no answer yet")
    on_scene_coordinator: OnSceneCoordinator | None = None
    history: list[CoordinationStep]


class PredictedDatum(ReadModel):
    """Where the drifting boat is expected to be at `at` (UTC)."""

    lat: float
    lon: float
    at: datetime
    drift_speed_kn: float
    drift_toward_deg: float
    drift_source: str


class CaseRead(ReadModel):
    """A case as the API shows it."""

    id: int
    reference: str
    status: CaseStatus
    source: CaseSource
    source_mmsi: int | None
    reported_by: str | None
    lat: float
    lon: float
    datum_at: datetime
    datum_uncertainty_nm: float
    persons_on_board: int | None
    boat_type: BoatType | None
    boat_colour: str | None
    engine_working: bool | None
    people_in_water: int | None
    medical_emergencies: int | None
    children: int | None
    deceased: int | None
    departure_country: str | None
    departure_place: str | None
    drift_speed_kn: float | None
    drift_toward_deg: float | None
    wind_speed_kn: float | None
    wind_from_deg: float | None
    first_rcc: str | None
    first_rcc_informed_at: datetime | None
    responsible_rcc: str | None
    responsible_rcc_derived_at: datetime | None
    responsible_rcc_accepted_at: datetime | None
    coordinating_rcc: str | None = Field(
        description="RCC coordinating now: the first informed until another accepts"
    )
    coordinating_since: datetime | None
    auto_widen: bool = Field(description="Unanswered area alerts are widened automatically")
    outside_all_regions: bool = Field(
        description="True when the datum lies in no loaded SAR region (no responsible RCC derived)"
    )
    description: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    predicted_datum: PredictedDatum | None = None
    warnings: list[str] = Field(
        default_factory=list,
        description="Accepted but worth a second look, e.g. a datum on land by the land mask",
    )


class CaseEventRead(ReadModel):
    """One timeline entry: who, when, what."""

    id: int
    case_id: int
    at: datetime
    actor: str
    actor_user_id: int | None
    kind: str
    data: dict[str, Any]


class SarRegionWrite(StrictModel):
    """An RCC's SAR region: a GeoJSON Polygon/MultiPolygon (RFC 7946, WGS 84) and contacts."""

    rcc_name: str = Field(min_length=2, max_length=120)
    region_name: str = Field(min_length=2, max_length=120)
    contact: dict[str, str] = Field(
        default_factory=dict, description="e.g. phone, email, inmarsat_c, mmsi (as text)"
    )
    geometry: dict[str, Any] = Field(description="GeoJSON Polygon or MultiPolygon geometry")


class SarRegionRead(ReadModel):
    """A loaded SAR region (geometry as GeoJSON)."""

    id: int
    rcc_name: str
    region_name: str
    contact: dict[str, Any]
    geometry: dict[str, Any]
    updated_at: datetime
