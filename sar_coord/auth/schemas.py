"""Request and response bodies for login, users and tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from sar_coord.core.schemas import StrictModel

Role = Literal["rcc_operator", "ship_master", "auditor", "admin"]


class LoginRequest(StrictModel):
    """Username and password."""

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=500)


class UserRead(BaseModel):
    """A user as others see it (never the password hash)."""

    id: int
    username: str
    role: Role
    organisation: str | None = None
    vessel_mmsis: list[int] = []


class LoginResponse(BaseModel):
    """A short-lived bearer token and who it belongs to."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in_s: int
    user: UserRead


class UserCreate(StrictModel):
    """A new user (admin only)."""

    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str | None = Field(None, min_length=10, max_length=500)
    role: Role
    organisation: str | None = Field(None, max_length=200)
    vessel_mmsis: list[int] = Field(default_factory=list, max_length=50)


class TokenCreate(StrictModel):
    """A new API token for the caller (or, for an admin, for another user)."""

    name: str = Field("", max_length=100)
    username: str | None = None
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class TokenCreated(BaseModel):
    """The plaintext token, shown exactly once."""

    id: int
    token: str
    prefix: str
    username: str
    expires_at: datetime | None


class TokenRead(BaseModel):
    """A token's metadata (never its value)."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
