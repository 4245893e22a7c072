"""Alert channel settings (ALERTS_ environment variables)."""

from __future__ import annotations

import functools

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AlertsSettings(BaseSettings):
    """Settings of the ship and RCC channels, the hub and the escalation job."""

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
    escalate_after_s: int = Field(
        300, ge=1, description="No acceptance within this many seconds: escalate (GMDSS relay)."
    )
    widen_factor: float = Field(1.5, gt=1.0, description="Proposed radius = radius x factor.")
    max_radius_nm: float = Field(200.0, gt=0, description="Auto-widening stops at this radius.")
    escalation_poll_s: float = Field(10.0, gt=0, description="Escalation job period, seconds.")
    fleet_batch_s: float = Field(1.0, gt=0, description="RCC fleet deltas at most this often.")
    gc_full_every_s: float = Field(
        600.0, gt=0, description="A full garbage collection at least this often (when idle)."
    )


@functools.lru_cache(maxsize=1)
def get_alerts_settings() -> AlertsSettings:
    """The process-wide alert settings, read once from the environment."""
    return AlertsSettings()
