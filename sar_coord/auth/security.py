"""Password hashing (argon2), login JWTs (HS256) and API token material (SHA-256 at rest)."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
TOKEN_PREFIX = "sar_"
JWT_ALGORITHM = "HS256"
# argon2 costs ~50 ms of CPU and releases the GIL: a small pool keeps it off the event loop
# and bounds how many run at once (the machine's other work keeps its cores).
HASH_THREADS = 2
_pool = ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="argon2")


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password: unknown users are verified against it (same time spent)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; same work for unknown users, never raises on a bad hash."""
    try:
        ok = _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and bool(password_hash)


async def verify_password_off_loop(password_hash: str | None, password: str) -> bool:
    """verify_password in the bounded argon2 pool (the event loop keeps serving)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, verify_password, password_hash, password)


async def hash_password_off_loop(password: str) -> str:
    """hash_password in the bounded argon2 pool."""
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


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
