"""Routes: login, who am I, users (admin) and API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from sqlalchemy import select

from sar_coord.auth import service
from sar_coord.auth.deps import public, require_role
from sar_coord.auth.exceptions import BadCredentials, LoginThrottled
from sar_coord.auth.models import ApiToken, AppUser
from sar_coord.auth.schemas import (
    LoginRequest,
    LoginResponse,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserRead,
)
from sar_coord.auth.service import Principal
from sar_coord.auth.throttle import LoginThrottle
from sar_coord.core.config import get_settings
from sar_coord.core.deps import SessionDep
from sar_coord.core.errors import Forbidden
from sar_coord.core.schemas import ErrorBody

router = APIRouter(prefix="/api/v1", tags=["auth"])
AnyUser = Annotated[
    Principal, Depends(require_role("rcc_operator", "ship_master", "auditor", "admin"))
]
Admin = Annotated[Principal, Depends(require_role("admin"))]


def _user_read(p: Principal) -> UserRead:
    return UserRead(
        id=p.user_id,
        username=p.username,
        role=p.role,  # type: ignore[arg-type]
        organisation=p.organisation,
        vessel_mmsis=sorted(p.vessel_mmsis),
    )


@router.post(
    "/auth/login",
    dependencies=[Depends(public())],
    responses={
        401: {"model": ErrorBody, "description": "Wrong username or password."},
        429: {"model": ErrorBody, "description": "Too many failures: wait `Retry-After` s."},
    },
)
async def login(body: LoginRequest, request: Request, session: SessionDep) -> LoginResponse:
    """Exchange a username and password for a short-lived bearer JWT (failures back off)."""
    throttle: LoginThrottle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    wait_s = throttle.retry_after_s(body.username, address)
    if wait_s:
        raise LoginThrottled("too many failed logins: retry later", retry_after_s=wait_s)
    try:
        user = await service.authenticate(session, username=body.username, password=body.password)
    except BadCredentials:
        await throttle.failed(body.username, address)
        raise
    throttle.succeeded(body.username)
    token, ttl_s = service.issue_jwt(user, get_settings())
    principal = await service.load_principal(session, user, "jwt")
    return LoginResponse(access_token=token, expires_in_s=ttl_s, user=_user_read(principal))


@router.get("/auth/me")
async def me(principal: AnyUser) -> UserRead:
    """The calling user, role and bound vessels."""
    return _user_read(principal)


@router.get("/users")
async def list_users(_: Admin, session: SessionDep) -> list[UserRead]:
    """Every user (admin)."""
    users = (await session.scalars(select(AppUser).order_by(AppUser.username))).all()
    return [_user_read(await service.load_principal(session, u, "jwt")) for u in users]


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def create_user(body: UserCreate, _: Admin, session: SessionDep) -> UserRead:
    """Add a user with a role (admin)."""
    user = await service.create_user(
        session,
        username=body.username,
        role=body.role,
        password=body.password,
        organisation=body.organisation,
        vessel_mmsis=body.vessel_mmsis,
    )
    return _user_read(await service.load_principal(session, user, "jwt"))


@router.post("/auth/tokens", status_code=status.HTTP_201_CREATED)
async def create_token(body: TokenCreate, principal: AnyUser, session: SessionDep) -> TokenCreated:
    """A long-lived API token for the caller, or for any user when the caller is admin."""
    username = body.username or principal.username
    if username != principal.username and principal.role != "admin":
        raise Forbidden("only an admin may create tokens for another user")
    row, plain = await service.create_api_token(
        session, username=username, name=body.name, expires_in_days=body.expires_in_days
    )
    return TokenCreated(
        id=row.id, token=plain, prefix=row.prefix, username=username, expires_at=row.expires_at
    )


@router.get("/auth/tokens")
async def list_tokens(principal: AnyUser, session: SessionDep) -> list[TokenRead]:
    """The caller's API tokens (metadata only)."""
    rows = (
        await session.scalars(
            select(ApiToken).where(ApiToken.user_id == principal.user_id).order_by(ApiToken.id)
        )
    ).all()
    return [
        TokenRead(
            id=r.id,
            name=r.name,
            prefix=r.prefix,
            created_at=r.created_at,
            last_used_at=r.last_used_at,
            expires_at=r.expires_at,
            revoked_at=r.revoked_at,
        )
        for r in rows
    ]


@router.delete("/auth/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_token(token_id: int, principal: AnyUser, session: SessionDep) -> None:
    """Revoke one of the caller's tokens (admins: any token)."""
    await service.revoke_api_token(session, token_id=token_id, principal=principal)
