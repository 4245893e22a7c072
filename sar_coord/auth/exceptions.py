"""Authentication and authorisation errors."""

from __future__ import annotations

from sar_coord.core.errors import Conflict, Forbidden, TooManyRequests, Unauthenticated


class BadCredentials(Unauthenticated):
    """Username or password is wrong (never says which)."""

    code = "bad_credentials"


class RoleForbidden(Forbidden):
    """The caller's role may not use this route."""

    code = "role_forbidden"


class UserExists(Conflict):
    """A user with that name exists already."""

    code = "user_exists"


class LoginThrottled(TooManyRequests):
    """Too many failed logins for this account or from this address: wait and retry."""

    code = "login_throttled"
