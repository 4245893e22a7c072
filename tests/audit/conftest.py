"""Audit test fixtures: a throwaway checkpoint signing key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sar_coord.audit.checkpoint import NoteSigner, load_or_create_signer
from sar_coord.audit.config import get_audit_settings
from sar_coord.audit.service import use_signer


@pytest.fixture
def log_signer(tmp_path: Path) -> Iterator[NoteSigner]:
    """A fresh key for the configured origin, used by the service for the test's duration."""
    signer = load_or_create_signer(tmp_path / "log.key", get_audit_settings().origin)
    use_signer(signer)
    yield signer
    use_signer(None)
