"""Users, login and API tokens: create, authenticate, resolve a bearer credential to a principal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.auth import security
from sar_coord.auth.exceptions import BadCredentials, UserExists
from sar_coord.auth.models import ApiToken, AppUser, Organisation, UserVessel
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
        if not 100_000_000 <= mmsi <= 999_999_999:
            raise InvalidInput(f"MMSI {mmsi} is not nine digits")
    org_id = None
    if organisation:
        org_id = (await get_or_create_organisation(session, name=organisation)).id
    user = AppUser(
        username=username,
        role=role,
        password_hash=security.hash_password(password) if password else None,
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
    ok = security.verify_password(user.password_hash if user else None, password)
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


async def resolve_credential(
    session: AsyncSession, credential: str, settings: Settings
) -> Principal | None:
    """The principal for a bearer credential (API token or login JWT), or None."""
    if security.looks_like_api_token(credential):
        digest = security.token_digest(credential)
        row = await session.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest))
        now = utcnow()
        if row is None or row.revoked_at is not None:
            return None
        if row.expires_at is not None and row.expires_at <= now:
            return None
        user = await session.get(AppUser, row.user_id)
        if user is None or user.disabled:
            return None
        await session.execute(
            update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now)
        )
        return await load_principal(session, user, "token")
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
    return await load_principal(session, user, "jwt")
