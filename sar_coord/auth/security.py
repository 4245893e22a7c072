"""Password hashing (argon2), login JWTs (HS256) and API token material (SHA-256 at rest)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
TOKEN_PREFIX = "sar_"
JWT_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; constant-time, never raises on a bad hash."""
    if not password_hash:
        _hasher.hash(password)  # spend the same time when the user has no password
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def key_id(secret: str) -> str:
    """The key id (`kid`) of a signing secret: a short digest that reveals nothing of it."""
    return hashlib.sha256(b"sar-coord kid:" + secret.encode()).hexdigest()[:16]


def create_jwt(*, user_id: int, role: str, secret: str, now: datetime, ttl: timedelta) -> str:
    """A signed, short-lived login token (sub = user id; exp and the key id always set)."""
    payload: dict[str, Any] = {
        "sub": str(user_id),
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "typ": "login",
    }
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM, headers={"kid": key_id(secret)})


def decode_jwt(token: str, *, secret: str) -> dict[str, Any] | None:
    """The claims of a valid, unexpired login token signed by this key, else None.

    A token without `exp`, `iat`, `sub` or the current key id is refused: none is valid forever,
    and a rotated secret retires every token of the old one.
    """
    try:
        if jwt.get_unverified_header(token).get("kid") != key_id(secret):
            return None
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.PyJWTError:
        return None
    return claims if claims.get("typ") == "login" else None


def new_api_token() -> tuple[str, str, str]:
    """A fresh API token: (plaintext shown once, display prefix, SHA-256 hex stored)."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return plain, plain[:10], token_digest(plain)


def token_digest(plain: str) -> str:
    """SHA-256 hex of an API token (tokens are high-entropy: no slow hash needed)."""
    return hashlib.sha256(plain.encode()).hexdigest()


def looks_like_api_token(value: str) -> bool:
    """API tokens carry a fixed prefix; everything else is treated as a JWT."""
    return value.startswith(TOKEN_PREFIX)
