"""Matching settings (ALERTS_MATCH_ environment variables): search radius, K, score weights."""

from __future__ import annotations

import functools

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from alerts.matching.types import MatchParams


class MatchSettings(BaseSettings):
    """Every matching knob; weights are minutes of ETA (alerts.matching.scoring has the score)."""

    model_config = SettingsConfigDict(env_prefix="ALERTS_MATCH_", env_file=None, extra="ignore")

    k: int = Field(10, ge=1, le=100, description="Candidates returned per search.")
    radius_nm: float = Field(100.0, gt=0, description="Initial KNN radius, nm.")
    max_radius_nm: float = Field(400.0, gt=0, description="The radius never widens beyond this.")
    widen_factor: float = Field(2.0, gt=1.0, description="Radius multiplier per widening step.")
    dead_reckoning_cap_s: float = Field(1800.0, ge=0, description="Longest dead reckoning.")
    stale_after_s: float | None = Field(
        None, ge=60, description="Silent longer than this: stale (default SAR_STALE_AFTER_S)."
    )
    speed_floor_kn: float = Field(6.0, gt=0, description="No ETA assumes less than this.")
    default_speed_kn: float = Field(10.0, gt=0, description="Speed when neither registry nor SOG.")
    get_under_way_min: float = Field(15.0, ge=0, description="Anchored/moored/stopped penalty.")
    mass_rescue_persons: int = Field(20, ge=1, description="From this many aboard: mass rescue.")
    capacity_short_min: float = Field(60.0, ge=0, description="Spare capacity < persons aboard.")
    high_freeboard_m: float = Field(4.0, gt=0, description="Freeboard above this is 'high'.")
    high_freeboard_min: float = Field(20.0, ge=0, description="High freeboard, mass rescue.")
    medical_bonus_min: float = Field(15.0, ge=0, description="Medical staff, medical cases.")
    rescue_boat_bonus_min: float = Field(10.0, ge=0, description="Carries rescue boats.")
    sar_crew_bonus_min: float = Field(10.0, ge=0, description="SAR-trained crew.")
    rescue_class_bonus_min: float = Field(30.0, ge=0, description="NGO/SAR ship, mass rescue.")

    def match_params(self, default_stale_after_s: float) -> MatchParams:
        """The pure matching parameters these settings describe."""
        return MatchParams(
            dead_reckoning_cap_s=self.dead_reckoning_cap_s,
            stale_after_s=self.stale_after_s or default_stale_after_s,
            speed_floor_kn=self.speed_floor_kn,
            default_speed_kn=self.default_speed_kn,
            get_under_way_min=self.get_under_way_min,
            mass_rescue_persons=self.mass_rescue_persons,
            capacity_short_min=self.capacity_short_min,
            high_freeboard_m=self.high_freeboard_m,
            high_freeboard_min=self.high_freeboard_min,
            medical_bonus_min=self.medical_bonus_min,
            rescue_boat_bonus_min=self.rescue_boat_bonus_min,
            sar_crew_bonus_min=self.sar_crew_bonus_min,
            rescue_class_bonus_min=self.rescue_class_bonus_min,
        )


@functools.lru_cache(maxsize=1)
def get_match_settings() -> MatchSettings:
    """The process-wide matching settings, read once from the environment."""
    return MatchSettings()
