"""Disembarkation settings (SAR_DISEMBARKATION_ prefix)."""

from __future__ import annotations

import functools

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DisembarkationSettings(BaseSettings):
    """Limits used by the compliance rules."""

    model_config = SettingsConfigDict(
        env_prefix="SAR_DISEMBARKATION_", env_file=None, extra="ignore"
    )

    max_on_board_h: float = Field(
        72.0, gt=0, description="Rule (e): longest acceptable rescue-to-disembarkation time, hours."
    )
    open_chain_after_h: float = Field(
        72.0,
        gt=0,
        description="A rescue chain with people on board this long: no landing recorded.",
    )


@functools.lru_cache(maxsize=1)
def get_disembarkation_settings() -> DisembarkationSettings:
    """The process-wide disembarkation settings."""
    return DisembarkationSettings()
