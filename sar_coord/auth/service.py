"""Users, login and API tokens: create, authenticate, resolve a bearer credential to a principal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.auth import security
from sar_coord.auth.exceptions import BadCredentials, UserExists
from sar_coord.auth.models import ApiToken, AppUser, Organisation, UserVessel
from sar_coord.core import events
from sar_coord.core.ais import is_nine_digit
from sar_coord.core.config import Settings
from sar_coord.core.errors import InvalidInput, NotFound
from sar_coord.core.time import utcnow


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user with one role, their organisation and bound vessels."""

    user_id: int
    username: str
    role: str
    organisation: str | None
    vessel_mmsis: frozenset[int]
    via: str  # "jwt" or "token"
    token_id: int | None = None
    """The API token's id (revocation closes sockets opened with it); None for a JWT."""
    expires_at: datetime | None = None
    """When the credential stops being valid (UTC); None for a token without expiry."""

    def may_act_for(self, mmsi: int) -> bool:
        """True when this principal may act for the vessel (ship masters: bound vessels only)."""
        return self.role != "ship_master" or mmsi in self.vessel_mmsis


async def get_or_create_organisation(session: AsyncSession, *, name: str) -> Organisation:
    """The organisation with that name, created on first use."""
    org = await session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind="other")
        session.add(org)
        await session.flush()
    return org


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    role: str,
    password: str | None,
    organisation: str | None = None,
    vessel_mmsis: list[int] | None = None,
) -> AppUser:
    """Add a user; ship masters must be bound to at least one vessel."""
    if await session.scalar(select(AppUser.id).where(AppUser.username == username)):
        raise UserExists(f"user {username!r} exists")
    mmsis = sorted(set(vessel_mmsis or []))
    if role == "ship_master" and not mmsis:
        raise InvalidInput("a ship_master must be bound to at least one vessel (--vessel MMSI)")
    if role != "ship_master" and mmsis:
        raise InvalidInput("only ship masters are bound to vessels")
    for mmsi in mmsis:
        if not is_nine_digit(mmsi):
            raise InvalidInput(f"MMSI {mmsi} is not nine digits")
    org_id = None
    if organisation:
        org_id = (await get_or_create_organisation(session, name=organisation)).id
    user = AppUser(
        username=username,
        role=role,
        password_hash=await security.hash_password_off_loop(password) if password else None,
        organisation_id=org_id,
        disabled=False,
    )
    session.add(user)
    await session.flush()
    session.add_all([UserVessel(user_id=user.id, mmsi=m) for m in mmsis])
    await session.flush()
    return user


async def load_principal(session: AsyncSession, user: AppUser, via: str) -> Principal:
    """The principal for a loaded user."""
    mmsis = (
        await session.scalars(select(UserVessel.mmsi).where(UserVessel.user_id == user.id))
    ).all()
    org_name = None
    if user.organisation_id is not None:
        org_name = await session.scalar(
            select(Organisation.name).where(Organisation.id == user.organisation_id)
        )
    return Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        organisation=org_name,
        vessel_mmsis=frozenset(mmsis),
        via=via,
    )


async def authenticate(session: AsyncSession, *, username: str, password: str) -> AppUser:
    """The user for a correct username and password, else BadCredentials."""
    user = await session.scalar(select(AppUser).where(AppUser.username == username))
    ok = await security.verify_password_off_loop(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled:
        raise BadCredentials("wrong username or password")
    return user


def issue_jwt(user: AppUser, settings: Settings) -> tuple[str, int]:
    """A login JWT for the user and its lifetime in seconds."""
    ttl = timedelta(minutes=settings.jwt_ttl_min)
    token = security.create_jwt(
        user_id=user.id, role=user.role, secret=settings.jwt_secret, now=utcnow(), ttl=ttl
    )
    return token, int(ttl.total_seconds())


async def create_api_token(
    session: AsyncSession, *, username: str, name: str = "", expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new API token for a user: (row, plaintext shown once)."""
    user = await session.scalar(select(AppUser).where(AppUser.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    plain, prefix, digest = security.new_api_token()
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    row = ApiToken(
        user_id=user.id, name=name, prefix=prefix, token_sha256=digest, expires_at=expires_at
    )
    session.add(row)
    await session.flush()
    return row, plain


async def revoke_api_token(session: AsyncSession, *, token_id: int, principal: Principal) -> None:
    """Revoke a token owned by the caller (admins may revoke any)."""
    row = await session.get(ApiToken, token_id)
    if row is None or (principal.role != "admin" and row.user_id != principal.user_id):
        raise NotFound("no such token")
    row.revoked_at = utcnow()
    await session.flush()
    # Sockets opened with the token close on commit, in every process.
    await events.notify(session, events.AUTH, {"token_id": row.id})


async def live_token_ids(session: AsyncSession, token_ids: list[int]) -> list[int]:
    """Those of the given API tokens that are neither revoked nor expired (user enabled)."""
    rows = await session.scalars(
        select(ApiToken.id)
        .join(AppUser, AppUser.id == ApiToken.user_id)
        .where(
            ApiToken.id.in_(token_ids),
            ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > utcnow()),
            AppUser.disabled.is_(False),
        )
    )
    return list(rows.all())


# A live token of an enabled user, with its organisation and vessels; last_used_at is refreshed
# at most once a minute (a write per request would cost more than the lookup).
_RESOLVE_TOKEN = text(
    """
    WITH t AS (
        SELECT a.id AS token_id, a.last_used_at, a.expires_at,
               u.id, u.username, u.role, o.name AS org_name,
               ARRAY(SELECT uv.mmsi FROM user_vessel uv WHERE uv.user_id = u.id) AS mmsis
        FROM api_token a
        JOIN app_user u ON u.id = a.user_id AND NOT u.disabled
        LEFT JOIN organisation o ON o.id = u.organisation_id
        WHERE a.token_sha256 = :digest AND a.revoked_at IS NULL
          AND (a.expires_at IS NULL OR a.expires_at > :now)
    ), touched AS (
        UPDATE api_token SET last_used_at = :now
        WHERE id IN (
            SELECT token_id FROM t
            WHERE last_used_at IS NULL OR last_used_at < :now - interval '1 minute'
        )
    )
    SELECT token_id, expires_at, id, username, role, org_name, mmsis FROM t
    """
)


async def resolve_credential(
    session: AsyncSession, credential: str, settings: Settings
) -> Principal | None:
    """The principal for a bearer credential (API token or login JWT), or None."""
    if security.looks_like_api_token(credential):
        # One round trip (a reconnect storm of thousands of ships authenticates this way).
        row = (
            await session.execute(
                _RESOLVE_TOKEN,
                {"digest": security.token_digest(credential), "now": utcnow()},
            )
        ).one_or_none()
        if row is None:
            return None
        return Principal(
            user_id=row.id,
            username=row.username,
            role=row.role,
            organisation=row.org_name,
            vessel_mmsis=frozenset(row.mmsis),
            via="token",
            token_id=row.token_id,
            expires_at=row.expires_at,
        )
    claims = security.decode_jwt(credential, secret=settings.jwt_secret)
    if claims is None:
        return None
    try:
        user_id = int(claims["sub"])
    except (KeyError, ValueError):
        return None
    user = await session.get(AppUser, user_id)
    if user is None or user.disabled:
        return None
    principal = await load_principal(session, user, "jwt")
    return replace(principal, expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC))


async def mmsis_with_accounts(session: AsyncSession, mmsis: Sequence[int]) -> set[int]:
    """Which of these vessels have at least one ship account bound to them."""
    rows = await session.execute(
        select(UserVessel.mmsi).where(UserVessel.mmsi.in_(list(mmsis))).distinct()
    )
    return {int(m) for m in rows.scalars()}
