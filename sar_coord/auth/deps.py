"""Auth dependencies: CurrentUser and require_role(...), each route's explicit role rule."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sar_coord.auth.exceptions import RoleForbidden
from sar_coord.auth.service import Principal, resolve_credential
from sar_coord.core.config import get_settings
from sar_coord.core.deps import SessionDep
from sar_coord.core.errors import Unauthenticated

_bearer = HTTPBearer(auto_error=False, description="Login JWT or API token")

ROLE_ATTR = "__sar_roles__"
PUBLIC = "public"
ANY_ROLE = frozenset({"rcc_operator", "ship_master", "auditor", "admin"})


async def current_principal(
    request: Request,
    session: SessionDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller, or 401."""
    if creds is None or not creds.credentials:
        raise Unauthenticated("missing bearer credentials")
    principal = await resolve_credential(session, creds.credentials, get_settings())
    if principal is None:
        raise Unauthenticated("invalid, expired or revoked credentials")
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require_role(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting only the given roles (admin is never implied)."""
    allowed = frozenset(roles)
    unknown = allowed - ANY_ROLE
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    async def dependency(principal: CurrentUser) -> Principal:
        if principal.role not in allowed:
            raise RoleForbidden(f"role {principal.role!r} may not use this route")
        return principal

    setattr(dependency, ROLE_ATTR, allowed)
    return dependency


def public() -> Callable[[], Awaitable[None]]:
    """A marker dependency for routes open to everyone (health, login)."""

    async def dependency() -> None:
        return None

    setattr(dependency, ROLE_ATTR, frozenset({PUBLIC}))
    return dependency


RCC = ("rcc_operator", "admin")
RCC_OR_AUDITOR = ("rcc_operator", "auditor", "admin")
