"""Login under attack: back-off per account and address, 429 + Retry-After, audit notices."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import select

from sar_coord.audit.models import TransparencyLogEntry
from sar_coord.auth import security
from sar_coord.auth.throttle import Backoff


def _client(app: Any, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://sar.test")


async def test_account_backs_off_with_429_and_lockout_is_audited(app, users, session) -> None:
    async with _client(app, "10.18.0.1") as c:
        admin = users["admin"]["headers"]
        body = {"username": "throttled_rcc", "password": "right password 1", "role": "rcc_operator"}
        assert (await c.post("/api/v1/users", json=body, headers=admin)).status_code == 201
        wrong = {"username": "throttled_rcc", "password": "wrong"}
        codes = [(await c.post("/api/v1/auth/login", json=wrong)).status_code for _ in range(6)]
        assert codes == [401] * 6
        r = await c.post("/api/v1/auth/login", json=wrong)
        assert r.status_code == 429
        assert r.json()["error"] == "login_throttled" and "detail" in r.json()
        assert int(r.headers["Retry-After"]) >= 1
        # Even the right password waits: the account is blocked, not the guess.
        right = {"username": "throttled_rcc", "password": "right password 1"}
        assert (await c.post("/api/v1/auth/login", json=right)).status_code == 429
    # Another account from another address is not affected.
    async with _client(app, "10.18.0.2") as c:
        ok = {"username": "fixture_auditor", "password": "correct horse battery"}
        assert (await c.post("/api/v1/auth/login", json=ok)).status_code == 200
    entries = (
        await session.scalars(
            select(TransparencyLogEntry).where(TransparencyLogEntry.kind == "login_lockout")
        )
    ).all()
    assert any(b'"subject":"throttled_rcc"' in bytes(e.entry) for e in entries)


async def test_address_backs_off_across_accounts(app, users) -> None:
    async with _client(app, "10.18.0.3") as c:
        for i in range(20):
            guess = {"username": f"nobody{i}", "password": "guess"}
            assert (await c.post("/api/v1/auth/login", json=guess)).status_code == 401
        guess = {"username": "nobody-else", "password": "guess"}
        assert (await c.post("/api/v1/auth/login", json=guess)).status_code == 401
        r = await c.post("/api/v1/auth/login", json=guess)
        assert r.status_code == 429 and "Retry-After" in r.headers


def test_backoff_doubles_and_is_capped() -> None:
    b = Backoff(free=2, base_s=1, cap_s=8)
    blocks = [b.fail("k", now_s=100.0).retry_after_s for _ in range(7)]
    assert blocks == [0, 0, 1, 2, 4, 8, 8]
    assert b.retry_after_s("k", now_s=100.0) == 8
    assert b.retry_after_s("k", now_s=109.0) == 0
    b.succeed("k")
    assert b.fail("k", now_s=110.0).retry_after_s == 0


async def test_unknown_user_costs_an_argon2_verification_off_the_loop() -> None:
    # The dummy hash is a real argon2 hash, so an unknown user is verified like a known one.
    assert security._dummy_hash().startswith("$argon2")
    assert not await security.verify_password_off_loop(None, "anything")
    hashed = await security.hash_password_off_loop("pw")
    # While 8 verifications run in the pool, the event loop keeps turning.
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    results = await asyncio.gather(
        *(security.verify_password_off_loop(hashed, "wrong") for _ in range(8))
    )
    task.cancel()
    assert results == [False] * 8
    assert ticks > 8  # the loop ran between verifications
