"""Vessel registry bodies and latest-position views (lat/lon WGS 84, knots, metres)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from sar_coord.core.schemas import StrictModel

VesselClass = Literal["commercial", "ngo", "fishing", "sar", "state", "pleasure", "other"]


class VesselRegistryWrite(StrictModel):
    """What an RCC records about a vessel's rescue capabilities (the fields matching uses)."""

    name: str | None = Field(None, max_length=120)
    imo: int | None = Field(None, ge=1_000_000, le=9_999_999)
    call_sign: str | None = Field(None, max_length=16)
    registry_class: VesselClass | None = None
    max_persons: int | None = Field(None, ge=0, le=10_000, description="Persons it can take aboard")
    medical_staff: bool | None = None
    rescue_boats: int | None = Field(None, ge=0, le=100)
    freeboard_m: float | None = Field(None, ge=0, le=60)
    max_speed_kn: float | None = Field(None, gt=0, le=60)
    sar_trained_crew: bool | None = None
    receive_all_alerts: bool = False
    contact: str | None = Field(None, max_length=500)


class VesselRead(BaseModel):
    """A vessel: AIS static data and registry capabilities."""

    model_config = {"from_attributes": True}

    mmsi: int
    imo: int | None
    name: str | None
    call_sign: str | None
    ship_type: int | None
    vessel_class: VesselClass
    ais_class: str | None
    registry_class: str | None
    length_m: float | None
    beam_m: float | None
    draught_m: float | None
    destination: str | None
    registered: bool
    max_persons: int | None
    medical_staff: bool | None
    rescue_boats: int | None
    freeboard_m: float | None
    max_speed_kn: float | None
    sar_trained_crew: bool | None
    receive_all_alerts: bool
    contact: str | None
    first_seen_at: datetime | None
    last_seen_at: datetime | None


class VesselLatestRead(BaseModel):
    """A vessel's newest position for the live picture."""

    mmsi: int
    name: str | None
    vessel_class: VesselClass
    lat: float
    lon: float
    sog_kn: float | None
    cog_deg: float | None
    heading_deg: int | None
    nav_status: int | None
    transponder: str | None
    reported_at: datetime
    report_age_s: float
    stale: bool
    suspect: bool
    position_flag: Literal["unverified_jump", "implausible_jump"] | None = Field(
        None,
        description="Why the last report is doubtful: a jump its own timestamps cannot judge "
        "(shown, still matched) or one they prove impossible (left out of matching).",
    )
    identity_unique: bool = Field(
        True, description="False: the MMSI is non-standard, several transmitters may share it."
    )
