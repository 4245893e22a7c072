"""The login-token signing secret kept under SAR_HOME: generated once, owner-only (0600)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_BYTES = 48


def jwt_secret_path(home: Path) -> Path:
    """Where the generated JWT signing secret lives (beside the log signing key)."""
    return home / "keys" / "jwt_secret"


def read_jwt_secret(home: Path) -> str | None:
    """The kept secret, or None when none was generated yet."""
    path = jwt_secret_path(home)
    try:
        value = path.read_text().strip()
    except FileNotFoundError:
        return None
    return value or None


def ensure_jwt_secret(home: Path) -> Path:
    """Generate a random secret on first start (mode 0600, directory 0700); returns its path."""
    path = jwt_secret_path(home)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if read_jwt_secret(home) is None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(SECRET_BYTES) + "\n")
    os.chmod(path, 0o600)
    return path
