"""Application settings (SAR_ environment variables), one validated object per process."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sar_coord.core.secrets import read_jwt_secret

log = logging.getLogger(__name__)
DEV_JWT_SECRET = "dev-insecure-change-me-0123456789abcdef"


class Settings(BaseSettings):
    """Settings for the API, the embedded database and the jobs; every field maps to SAR_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="SAR_", env_file=None, extra="ignore")

    env: Literal["development", "test", "production"] = Field(
        "development", description="Deployment environment; production refuses unsafe defaults."
    )
    database_url: str | None = Field(
        None,
        description="postgresql+asyncpg:// URL of an existing PostgreSQL 15+ with PostGIS 3. "
        "Unset: `sar-coord up` runs an embedded cluster under SAR_HOME.",
    )
    home: Path = Field(Path("./.sar"), description="Directory for the embedded database and keys.")
    host: str = Field("127.0.0.1", description="Address the API listens on.")
    port: int = Field(8000, description="TCP port the API listens on.")
    workers: int = Field(1, ge=1, le=64, description="Number of API worker processes.")
    jwt_secret: str = Field(
        "",
        description="HMAC secret for login JWTs (>= 32 chars). Unset: the one `sar-coord up` "
        "generated under SAR_HOME/keys/jwt_secret.",
    )
    allow_dev_secret: bool = Field(
        False,
        description="Sign with the built-in, public development secret when no other is set "
        "(development only; never with SAR_ENV=production).",
    )
    jwt_ttl_min: int = Field(60, ge=1, description="Lifetime of a login JWT, minutes.")
    ais_sources: str = Field(
        "", description="Comma-separated AIS source URIs ingested inside `sar-coord up`."
    )
    log_signing_key_path: Path | None = Field(
        None, description="Ed25519 key for transparency-log checkpoints (default SAR_HOME/keys)."
    )
    stale_after_s: int = Field(
        1800, ge=60, description="Vessels silent longer than this are stale (seconds)."
    )
    position_retention_days: int = Field(
        90, ge=1, description="Days of position history kept in daily partitions."
    )
    demo: bool = Field(True, description="Run the demo simulator and demo users in `up`.")
    demo_speed: float = Field(
        1.0, gt=0, le=100, description="Demo simulator speed, x real time (scripted events too)."
    )
    frontend_dist: Path | None = Field(
        None, description="Built dashboard assets (default frontend/dist beside the package)."
    )
    log_level: str = Field("INFO", description="Python logging level.")
    login_account_free_failures: int = Field(
        5, ge=1, description="Wrong passwords per account before logins back off (per process)."
    )
    login_address_free_failures: int = Field(
        20, ge=1, description="Wrong passwords per address before logins back off (per process)."
    )

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if not self.jwt_secret:
            kept = read_jwt_secret(self.home)
            if kept is not None:
                self.jwt_secret = kept
            elif self.allow_dev_secret and self.env == "development":
                log.warning(
                    "!!! SIGNING LOGIN TOKENS WITH THE PUBLIC DEVELOPMENT SECRET "
                    "(SAR_ALLOW_DEV_SECRET): anyone can forge an admin token. Never expose "
                    "this instance. !!!"
                )
                self.jwt_secret = DEV_JWT_SECRET
            else:
                return self  # no secret yet: `up` generates one, create_app refuses to start
        unsafe = self.jwt_secret == DEV_JWT_SECRET or len(self.jwt_secret) < 32
        if unsafe and not (self.env == "development" and self.allow_dev_secret):
            raise ValueError(
                f"SAR_JWT_SECRET must be a secret of >= 32 chars (SAR_ENV={self.env}); "
                "the development secret needs SAR_ALLOW_DEV_SECRET=1 in development"
            )
        return self

    @property
    def signing_key_path(self) -> Path:
        """Path of the checkpoint signing key file (outside the database)."""
        return self.log_signing_key_path or (self.home / "keys" / "log_ed25519.key")


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
