"""Who a ship client is: its API token resolved to a ship master and the vessel it acts for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from alerts.exceptions import VesselNotBound
from sar_coord.auth.service import resolve_credential
from sar_coord.core.config import get_settings
from sar_coord.core.errors import Unauthenticated


@dataclass(frozen=True, slots=True)
class ShipIdentity:
    """A ship master acting for one vessel."""

    user_id: int
    username: str
    mmsi: int
    token_id: int | None = None
    """The API token the ship authenticated with (None for a login JWT)."""
    expires_at: datetime | None = None
    """When the credential expires (UTC), if it does."""


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
    """The ship identity of a ship master's API token or JWT (optionally for a given MMSI)."""
    principal = await resolve_credential(session, token, get_settings())
    if principal is None:
        raise Unauthenticated("invalid, expired or revoked credentials")
    if principal.role != "ship_master":
        raise VesselNotBound("only ship masters use the ship channel")
    vessel = pick_vessel(principal.user_id, sorted(principal.vessel_mmsis), mmsi)
    return ShipIdentity(
        principal.user_id, principal.username, vessel, principal.token_id, principal.expires_at
    )
