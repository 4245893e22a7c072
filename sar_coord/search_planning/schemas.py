"""Request and response bodies of search plans (NM, kn, degrees true, UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from sar_coord.core.schemas import ReadModel, ReportedMmsi, StrictModel

Pattern = Literal["SS", "VS", "PS", "CS", "TS"]
Target = Literal[
    "boat_12m",
    "boat_24m",
    "boat_7m",
    "boat_under_5m",
    "person_in_water",
    "raft_4_person",
    "rubber_boat",
    "wooden_boat_6_10m",
]
FixType = Literal["gnss", "radar", "visual", "celestial", "dead_reckoning"]


class Assignment(StrictModel):
    """Who searches a sub-area: a ship by MMSI, or an aircraft or unit by name."""

    sub_area: int = Field(ge=1, le=12)
    mmsi: ReportedMmsi | None = None
    unit: str | None = Field(None, max_length=80)


class SearchPlanCreate(StrictModel):
    """What the SAR mission coordinator decides; everything else is computed from the case."""

    pattern: Pattern
    target: Target = "rubber_boat"
    visibility_nm: float = Field(10.0, gt=0, le=60)
    wind_kn: float | None = Field(None, ge=0, le=150, description="Default: the case's wind.")
    sea_m: float | None = Field(None, ge=0, le=20)
    fatigue: bool = False
    sweep_width_nm: float | None = Field(
        None, gt=0, le=50, description="Override the table (small craft, aircraft, radar)."
    )
    facility_fix: FixType = "gnss"
    speed_kn: float = Field(10.0, gt=0, le=40, description="Search speed of each facility.")
    hours: float = Field(4.0, gt=0, le=48, description="Hours each facility can search.")
    sub_areas: int = Field(1, ge=1, le=12)
    first_course_deg: float | None = Field(None, ge=0, lt=360)
    sector_radius_nm: float | None = Field(None, gt=0, le=20)
    track_to_lat: float | None = Field(None, ge=-90, le=90)
    track_to_lon: float | None = Field(None, ge=-180, le=180)
    assignments: list[Assignment] = Field(default_factory=list, max_length=12)

    @model_validator(mode="after")
    def _coherent(self) -> SearchPlanCreate:
        if self.pattern in ("SS", "VS", "TS") and self.sub_areas != 1:
            raise ValueError(
                f"pattern {self.pattern} is flown by one facility: sub_areas must be 1"
            )
        if self.pattern == "TS" and (self.track_to_lat is None or self.track_to_lon is None):
            raise ValueError("pattern TS needs track_to_lat and track_to_lon (the intended track)")
        for a in self.assignments:
            if a.sub_area > self.sub_areas:
                raise ValueError(f"assignment to sub-area {a.sub_area} of {self.sub_areas}")
            if (a.mmsi is None) == (a.unit is None):
                raise ValueError("an assignment names either an mmsi or a unit")
        return self


class SearchPlanRead(ReadModel):
    """A stored plan with its computed area, sub-areas and waypoints."""

    case_id: int
    plan_no: int
    pattern: str
    created_at: datetime
    created_by: str
    params: dict[str, Any]
    plan: dict[str, Any]
    progress: list[dict[str, Any]] | None = None


class AisGapRead(ReadModel):
    """A vessel near a case that went silent: last and next report, gap, distance, cause."""

    mmsi: int
    name: str | None
    last_seen_at: datetime
    next_seen_at: datetime | None
    gap_min: float
    still_silent: bool
    distance_nm: float = Field(description="From the datum drifted to the last report's time.")
    last_lat: float
    last_lon: float
    usual_interval_s: float
    others_heard_during: int
    others_heard_before: int
    cause: Literal["vessel_silent", "receiver_outage"]
