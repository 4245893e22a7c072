"""Who a ship client is: its API token resolved to a ship master and the vessel it acts for."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from alerts.exceptions import VesselNotBound
from sar_coord.auth.models import ApiToken, AppUser, UserVessel
from sar_coord.core.errors import Unauthenticated


@dataclass(frozen=True, slots=True)
class ShipIdentity:
    """A ship master acting for one vessel."""

    user_id: int
    username: str
    mmsi: int


async def vessels_of(session: AsyncSession, user_id: int) -> list[int]:
    """MMSIs the user is bound to."""
    rows = await session.execute(select(UserVessel.mmsi).where(UserVessel.user_id == user_id))
    return sorted(int(m) for m in rows.scalars())


async def user_for_token(session: AsyncSession, token: str) -> AppUser:
    """The enabled user owning a valid (unexpired, unrevoked) API token, or Unauthenticated."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    now = datetime.now(UTC)
    stmt = (
        select(AppUser)
        .join(ApiToken, ApiToken.user_id == AppUser.id)
        .where(
            ApiToken.token_sha256 == digest,
            ApiToken.revoked_at.is_(None),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            AppUser.disabled.is_(False),
        )
    )
    user = (await session.execute(stmt)).scalar_one_or_none()
    if user is None:
        raise Unauthenticated("invalid or revoked API token")
    return user


def pick_vessel(user_id: int, bound: list[int], mmsi: int | None) -> int:
    """The vessel a request acts for: the one asked for (if bound) or the only one bound."""
    if mmsi is not None:
        if mmsi not in bound:
            raise VesselNotBound(f"user {user_id} does not act for vessel {mmsi}")
        return mmsi
    if len(bound) != 1:
        raise VesselNotBound("say which vessel (mmsi): the account is bound to several or none")
    return bound[0]


async def resolve_ship(session: AsyncSession, token: str, mmsi: int | None = None) -> ShipIdentity:
    """The ship identity of an API token of a ship master (optionally for a given MMSI)."""
    user = await user_for_token(session, token)
    if user.role != "ship_master":
        raise VesselNotBound("only ship masters use the ship channel")
    vessel = pick_vessel(user.id, await vessels_of(session, user.id), mmsi)
    return ShipIdentity(user.id, user.username, vessel)
