"""Login throttling: per-account and per-address failure counts with exponential back-off."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Failures:
    count: int = 0
    blocked_until_s: float = 0.0
    last_at_s: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """What a failed attempt caused: a new block (seconds) and whether it is the first."""

    retry_after_s: int
    locked_now: bool


class Backoff:
    """Failures by key: after `free` failures each one blocks for base x 2^(n - free) seconds.

    In-process and bounded (`max_keys`, oldest forgotten first); a quiet `forget_after_s`
    resets a key. Every worker process keeps its own counts.
    """

    def __init__(
        self,
        *,
        free: int,
        base_s: float = 1.0,
        cap_s: float = 900.0,
        forget_after_s: float = 3600.0,
        max_keys: int = 100_000,
    ) -> None:
        self._free = free
        self._base_s = base_s
        self._cap_s = cap_s
        self._forget_after_s = forget_after_s
        self._max_keys = max_keys
        self._keys: OrderedDict[str, _Failures] = OrderedDict()

    def retry_after_s(self, key: str, now_s: float | None = None) -> int:
        """Seconds until `key` may try again (0: now)."""
        now_s = time.monotonic() if now_s is None else now_s
        entry = self._keys.get(key)
        if entry is None or entry.blocked_until_s <= now_s:
            return 0
        return max(1, math.ceil(entry.blocked_until_s - now_s))

    def fail(self, key: str, now_s: float | None = None) -> Verdict:
        """Count a failure; returns the block it causes (0 while within the free failures)."""
        now_s = time.monotonic() if now_s is None else now_s
        entry = self._keys.pop(key, None) or _Failures()
        if now_s - entry.last_at_s > self._forget_after_s:
            entry = _Failures()
        entry.count += 1
        entry.last_at_s = now_s
        block_s = 0.0
        if entry.count > self._free:
            block_s = min(self._cap_s, self._base_s * 2 ** (entry.count - self._free - 1))
            entry.blocked_until_s = now_s + block_s
        self._keys[key] = entry
        while len(self._keys) > self._max_keys:
            self._keys.popitem(last=False)
        return Verdict(math.ceil(block_s), entry.count == self._free + 1)

    def succeed(self, key: str) -> None:
        """A correct login clears the key's failures."""
        self._keys.pop(key, None)


@dataclass(frozen=True)
class LockoutNotice:
    """An account or address just locked out (for the audit trail; addresses only hashed)."""

    scope: str  # "account" or "address"
    subject: str  # the username, or the SHA-256 of the address
    failures: int
    retry_after_s: int


class LoginThrottle:
    """Per-account (5 free failures) and per-address (20 free failures) back-off."""

    def __init__(
        self,
        *,
        account_free: int = 5,
        address_free: int = 20,
        on_lockout: Callable[[LockoutNotice], Awaitable[None]] | None = None,
    ) -> None:
        self.accounts = Backoff(free=account_free)
        self.addresses = Backoff(free=address_free)
        self.on_lockout = on_lockout
        self._account_free = account_free
        self._address_free = address_free

    async def failed(self, username: str, address: str) -> None:
        """Count a wrong password; the first block of a key is noticed (audit trail, log)."""
        notices = []
        verdict = self.accounts.fail(username.lower())
        if verdict.locked_now:
            notices.append(
                LockoutNotice(
                    "account", username.lower(), self._account_free + 1, verdict.retry_after_s
                )
            )
        verdict = self.addresses.fail(address)
        if verdict.locked_now:
            digest = hashlib.sha256(address.encode()).hexdigest()
            notices.append(
                LockoutNotice("address", digest, self._address_free + 1, verdict.retry_after_s)
            )
        for notice in notices:
            log.warning(
                "login lockout: %s %s after %d failures",
                notice.scope,
                notice.subject,
                notice.failures,
            )
            if self.on_lockout is not None:
                try:
                    await self.on_lockout(notice)
                except Exception:
                    log.exception("could not record a login lockout notice")

    def succeeded(self, username: str) -> None:
        """A correct password clears the account's failures (never the address's)."""
        self.accounts.succeed(username.lower())

    def retry_after_s(self, username: str, address: str) -> int:
        """Seconds the caller must wait before trying this account from this address."""
        return max(
            self.accounts.retry_after_s(username.lower()),
            self.addresses.retry_after_s(address),
        )
