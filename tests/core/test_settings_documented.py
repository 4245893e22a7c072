"""Every setting of every package is documented in deploy/env.example under its current name."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic_settings import BaseSettings

from ais_ingest.config import IngestSettings
from alerts.config import RENAMED_ALERTS_ENV, AlertsSettings, MatchSettings
from sar_coord.audit.config import AuditSettings
from sar_coord.core.config import Settings
from sar_coord.disembarkation.config import DisembarkationSettings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "env.example"
GROUPS = {"match"}  # nested groups: their own class is listed below


def _names(cls: type[BaseSettings]) -> set[str]:
    prefix = str(cls.model_config.get("env_prefix", "")).upper()
    return {f"{prefix}{name}".upper() for name in cls.model_fields if name not in GROUPS}


def _documented() -> set[str]:
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def test_every_setting_is_in_env_example() -> None:
    classes = (Settings, AuditSettings, DisembarkationSettings, AlertsSettings, MatchSettings)
    expected = set().union(*(_names(c) for c in (*classes, IngestSettings)))
    missing = expected - _documented()
    assert not missing, f"not in deploy/env.example: {sorted(missing)}"


def test_env_example_uses_no_deprecated_name() -> None:
    assert not set(RENAMED_ALERTS_ENV) & _documented()
