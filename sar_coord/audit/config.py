"""Transparency-log settings (SAR_AUDIT_ prefix); key path: SAR_LOG_SIGNING_KEY_PATH."""

from __future__ import annotations

import functools

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuditSettings(BaseSettings):
    """Checkpoint origin (also the signing key name) and checkpoint cadence."""

    model_config = SettingsConfigDict(env_prefix="SAR_AUDIT_", env_file=None, extra="ignore")

    origin: str = Field(
        "sar-coord.local/transparency-log",
        description="Checkpoint origin line and signed-note key name (no spaces or '+').",
    )
    checkpoint_every_entries: int = Field(
        16, ge=1, description="Sign a checkpoint every N entries."
    )
    checkpoint_every_min: float = Field(
        10.0, gt=0, description="...or when the latest checkpoint is older than this (minutes)."
    )


@functools.lru_cache(maxsize=1)
def get_audit_settings() -> AuditSettings:
    """The process-wide audit settings."""
    return AuditSettings()
