"""Ingest settings (AIS_ environment variables): batching, buffers, reassembly, writers."""

from __future__ import annotations

import functools

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseSettings):
    """Tuning of the ingest pipeline; every field maps to AIS_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="AIS_", env_file=None, extra="ignore")

    batch_max_messages: int = Field(5000, ge=1, description="Messages per database batch.")
    batch_max_age_s: float = Field(1.0, gt=0, description="Oldest message age before a write (s).")
    buffer_max_lines: int = Field(
        200_000, ge=1000, description="Accepted lines held in memory before sources are paused."
    )
    writers: int = Field(2, ge=1, le=8, description="Concurrent database writer connections.")
    multipart_max_groups: int = Field(
        1024, ge=1, description="Pending multipart groups kept per stream."
    )
    multipart_timeout_s: float = Field(
        10.0, gt=0, description="Pending multipart groups older than this are dropped (s)."
    )
    flush_timeout_s: float = Field(30.0, gt=0, description="Shutdown flush deadline (s).")
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="Serve Prometheus metrics of a standalone ingest here."
    )
    metrics_host: str = Field("127.0.0.1", description="Address for the metrics endpoint.")
    max_ship_speed_kn: float = Field(
        60.0, gt=0, description="Implied speed (kn) above which a ship's jump is implausible."
    )
    max_sar_aircraft_speed_kn: float = Field(
        350.0, gt=0, description="The same for SAR aircraft (type 9, 111MIDxxx MMSIs) (kn)."
    )
    udp_rcvbuf_bytes: int = Field(
        16 * 1024 * 1024,
        ge=65536,
        description="SO_RCVBUF asked for UDP sources (the kernel caps it at net.core.rmem_max).",
    )


@functools.lru_cache(maxsize=1)
def get_ingest_settings() -> IngestSettings:
    """The process-wide ingest settings, read once from the environment."""
    return IngestSettings()
