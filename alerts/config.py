"""Settings of the alerts package (ALERTS_ environment variables): one object, with the
matching knobs as a group (ALERTS_MATCH_); old names still read for one release."""

from __future__ import annotations

import functools

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from sar_coord.core.renamed_env import RenamedEnvSource

# Old name -> field: honoured for one release with a logged deprecation warning.
RENAMED_ALERTS_ENV = {
    "ALERTS_ESCALATE_AFTER_S": "escalation_after_s",
    "ALERTS_WIDEN_FACTOR": "escalation_widen_factor",
    "ALERTS_MAX_RADIUS_NM": "escalation_max_radius_nm",
}


class MatchSettings(BaseSettings):
    """The matching group (ALERTS_MATCH_): search radius, K, score weights in minutes of ETA
    (alerts.matching.scoring has the score)."""

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


class AlertsSettings(BaseSettings):
    """Ship and RCC channels, hub, escalation (ALERTS_); matching as `match` (ALERTS_MATCH_)."""

    model_config = SettingsConfigDict(env_prefix="ALERTS_", env_file=None, extra="ignore")

    ship_ws_host: str = Field("127.0.0.1", description="Address of the /ws/ship server.")
    ship_ws_port: int = Field(8765, ge=0, description="TCP port of the /ws/ship server (0: any).")
    ship_ws_reuse_port: bool = Field(
        True, description="SO_REUSEPORT so every worker process serves /ws/ship on one port."
    )
    sndbuf_bytes: int = Field(
        0, ge=0, description="SO_SNDBUF per ship socket (0: kernel default); bounds kernel memory."
    )
    write_buffer_bytes: int = Field(
        65_536, ge=1024, description="Above this many unsent bytes a socket's frames are queued."
    )
    max_message_bytes: int = Field(16_384, ge=512, description="Largest accepted client frame.")
    rate_per_s: float = Field(10.0, gt=0, description="Client frames per second (sustained).")
    rate_burst: int = Field(40, ge=1, description="Client frames allowed in a burst.")
    queue_size: int = Field(256, ge=8, description="Outgoing frames buffered per socket.")
    replay_page: int = Field(200, ge=1, description="Deliveries read per socket per hub round.")
    ping_interval_s: float = Field(20.0, gt=0, description="Websocket ping interval, seconds.")
    ping_timeout_s: float = Field(20.0, gt=0, description="Close if no pong within, seconds.")
    safety_poll_s: float = Field(5.0, gt=0, description="Hub re-reads the tables this often.")
    presence_ttl_s: int = Field(90, ge=5, description="A ship seen within this is 'connected'.")
    ack_flush_s: float = Field(1.0, gt=0, description="Acks and presence written this often.")
    escalation_after_s: int = Field(
        300, ge=1, description="No acceptance within this many seconds: escalate (GMDSS relay)."
    )
    escalation_widen_factor: float = Field(
        1.5, gt=1.0, description="Escalation proposes the alert's radius x this factor."
    )
    escalation_max_radius_nm: float = Field(
        200.0, gt=0, description="Escalation's widening stops at this radius, nm."
    )
    escalation_poll_s: float = Field(10.0, gt=0, description="Escalation job period, seconds.")
    stand_down_sweep_s: float = Field(
        30.0, gt=0, description="Ended cases with live alerts are looked for this often, seconds."
    )
    fleet_batch_s: float = Field(1.0, gt=0, description="RCC fleet deltas at most this often.")
    relay_station_name: str | None = Field(
        None, description="Relaying station's name in a MAYDAY RELAY (default: the RCC's name)."
    )
    relay_call_sign: str = Field("NOT SET", description="Relaying station's radio call sign.")
    relay_mmsi: str = Field(
        "NOT SET", description="Relaying station's MMSI (a coast station's is 00MIDxxxx)."
    )
    gc_full_every_s: float = Field(
        600.0, gt=0, description="A full garbage collection at least this often (when idle)."
    )
    match: MatchSettings = Field(
        default_factory=MatchSettings, description="Matching knobs (ALERTS_MATCH_ variables)."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The current names first, then the old names (see RENAMED_ALERTS_ENV)."""
        renamed = RenamedEnvSource(settings_cls, RENAMED_ALERTS_ENV)
        return (init_settings, env_settings, renamed, dotenv_settings, file_secret_settings)


@functools.lru_cache(maxsize=1)
def get_alerts_settings() -> AlertsSettings:
    """The process-wide alert settings, read once from the environment."""
    return AlertsSettings()
