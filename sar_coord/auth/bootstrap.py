"""First-start bootstrap: an admin account whose generated password is kept in SAR_HOME."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.auth import service
from sar_coord.auth.models import AppUser

ADMIN_USERNAME = "admin"


async def ensure_admin(session: AsyncSession, *, home: Path) -> tuple[str, Path | None]:
    """Create the `admin` user on first start; returns (username, password file or None)."""
    password_file = home / "admin-password.txt"
    exists = await session.scalar(select(AppUser.id).where(AppUser.role == "admin").limit(1))
    if exists:
        return ADMIN_USERNAME, password_file if password_file.exists() else None
    password = secrets.token_urlsafe(15)
    await service.create_user(
        session, username=ADMIN_USERNAME, role="admin", password=password, organisation="sar-coord"
    )
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    return ADMIN_USERNAME, password_file
