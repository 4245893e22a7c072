"""Password login, JWTs, API tokens (hashed at rest, revocable) on the real app and database."""

from __future__ import annotations

import hashlib
import logging
import stat
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import select

from sar_coord.auth import security
from sar_coord.auth.models import ApiToken, AppUser
from sar_coord.core.config import DEV_JWT_SECRET, Settings
from sar_coord.core.secrets import ensure_jwt_secret
from sar_coord.main import create_app


async def test_login_wrong_password_is_401_with_error_envelope(client, users) -> None:
    r = await client.post(
        "/api/v1/auth/login", json={"username": "fixture_rcc", "password": "wrong password"}
    )
    assert r.status_code == 401
    assert r.json()["error"] == "bad_credentials"


async def test_login_rejects_unknown_fields(client, users) -> None:
    r = await client.post(
        "/api/v1/auth/login",
        json={"username": "fixture_rcc", "password": "correct horse battery", "extra": 1},
    )
    assert r.status_code == 422
    assert r.json()["error"] == "validation_error"


async def test_me_reports_role_and_vessels(client, users) -> None:
    r = await client.get("/api/v1/auth/me", headers=users["master"]["headers"])
    assert r.status_code == 200
    assert r.json()["role"] == "ship_master"
    assert r.json()["vessel_mmsis"] == [247000001]


async def test_no_credentials_is_401(client, users) -> None:
    r = await client.get("/api/v1/auth/me")
    assert r.status_code == 401
    r = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401


async def test_api_token_is_hashed_at_rest_and_revocable(client, users, session) -> None:
    r = await client.post(
        "/api/v1/auth/tokens", json={"name": "bridge pc"}, headers=users["master"]["headers"]
    )
    assert r.status_code == 201, r.text
    plain = r.json()["token"]
    token_id = r.json()["id"]
    row = await session.scalar(select(ApiToken).where(ApiToken.id == token_id))
    assert row is not None
    assert row.token_sha256 == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (row.token_sha256, row.prefix)

    auth = {"Authorization": f"Bearer {plain}"}
    me = await client.get("/api/v1/auth/me", headers=auth)
    assert me.status_code == 200 and me.json()["username"] == "fixture_master"

    r = await client.delete(f"/api/v1/auth/tokens/{token_id}", headers=auth)
    assert r.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=auth)).status_code == 401


async def test_master_cannot_create_token_for_someone_else(client, users) -> None:
    r = await client.post(
        "/api/v1/auth/tokens",
        json={"username": "fixture_admin"},
        headers=users["master"]["headers"],
    )
    assert r.status_code == 403


async def test_admin_creates_ship_master_bound_to_vessel(client, users) -> None:
    body = {
        "username": "master_two",
        "password": "long enough password",
        "role": "ship_master",
        "vessel_mmsis": [247000002],
    }
    r = await client.post("/api/v1/users", json=body, headers=users["admin"]["headers"])
    assert r.status_code == 201, r.text
    again = await client.post("/api/v1/users", json=body, headers=users["admin"]["headers"])
    assert again.status_code == 409
    no_vessel = dict(body, username="master_three", vessel_mmsis=[])
    r = await client.post("/api/v1/users", json=no_vessel, headers=users["admin"]["headers"])
    assert r.status_code == 422


def test_settings_refuse_default_secret_outside_development() -> None:
    with pytest.raises(ValueError, match="SAR_JWT_SECRET"):
        Settings(env="production", jwt_secret=DEV_JWT_SECRET)
    with pytest.raises(ValueError, match="SAR_JWT_SECRET"):
        Settings(env="production", jwt_secret="short")
    assert Settings(env="production", jwt_secret="x" * 40).env == "production"
    # The public development secret only with the explicit flag, and never in production.
    with pytest.raises(ValueError, match="SAR_ALLOW_DEV_SECRET"):
        Settings(env="development", jwt_secret=DEV_JWT_SECRET)
    dev = Settings(env="development", jwt_secret=DEV_JWT_SECRET, allow_dev_secret=True)
    assert dev.jwt_secret == DEV_JWT_SECRET
    with pytest.raises(ValueError, match="SAR_JWT_SECRET"):
        Settings(env="production", jwt_secret=DEV_JWT_SECRET, allow_dev_secret=True)


def test_unset_secret_is_generated_once_under_home_and_kept(tmp_path, caplog) -> None:
    home = tmp_path / "home"
    unset = Settings(env="development", jwt_secret="", home=home)
    assert unset.jwt_secret == ""  # nothing to sign with: create_app refuses to start
    with pytest.raises(RuntimeError, match="signing secret"):
        create_app(unset, database_url="postgresql+asyncpg://nowhere/x")
    path = ensure_jwt_secret(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = Settings(env="development", jwt_secret="", home=home).jwt_secret
    assert len(first) >= 32 and first != DEV_JWT_SECRET
    ensure_jwt_secret(home)
    assert Settings(env="production", jwt_secret="", home=home).jwt_secret == first
    # Without a kept secret, the development one needs the flag, with a loud warning.
    with caplog.at_level(logging.WARNING):
        flagged = Settings(env="development", jwt_secret="", home=tmp_path, allow_dev_secret=True)
    assert flagged.jwt_secret == DEV_JWT_SECRET
    assert "PUBLIC DEVELOPMENT SECRET" in caplog.text


def test_jwts_carry_kid_and_exp_and_tokens_without_them_are_refused() -> None:
    secret = "s" * 40
    now = datetime.now(UTC)
    token = security.create_jwt(
        user_id=1, role="admin", secret=secret, now=now, ttl=timedelta(minutes=5)
    )
    assert jwt.get_unverified_header(token)["kid"] == security.key_id(secret)
    assert security.decode_jwt(token, secret=secret) is not None
    claims = {"sub": "1", "role": "admin", "typ": "login", "iat": int(now.timestamp())}
    kid = {"kid": security.key_id(secret)}
    forever = jwt.encode(claims, secret, algorithm="HS256", headers=kid)
    assert security.decode_jwt(forever, secret=secret) is None
    exp = {"exp": int((now + timedelta(minutes=5)).timestamp())}
    no_kid = jwt.encode(claims | exp, secret, algorithm="HS256")
    assert security.decode_jwt(no_kid, secret=secret) is None
    other_kid = jwt.encode(claims | exp, secret, algorithm="HS256", headers={"kid": "old"})
    assert security.decode_jwt(other_kid, secret=secret) is None
    assert security.decode_jwt(jwt.encode(claims | exp, secret, headers=kid), secret=secret)


async def test_token_resolution_refuses_expired_and_disabled_and_throttles_last_used(
    session,
) -> None:
    from datetime import timedelta

    from sar_coord.auth import service
    from sar_coord.core.config import get_settings
    from sar_coord.core.time import utcnow

    await service.create_user(
        session,
        username="resolve_master",
        role="ship_master",
        password="correct horse battery",
        organisation="Resolve Shipping",
        vessel_mmsis=[247000111, 247000112],
    )
    row, plain = await service.create_api_token(session, username="resolve_master")
    settings = get_settings()
    principal = await service.resolve_credential(session, plain, settings)
    assert principal is not None and principal.via == "token"
    assert principal.organisation == "Resolve Shipping"
    assert principal.vessel_mmsis == {247000111, 247000112}
    await session.refresh(row)
    first_use = row.last_used_at
    assert first_use is not None
    await service.resolve_credential(session, plain, settings)
    await session.refresh(row)
    assert row.last_used_at == first_use  # refreshed at most once a minute
    row.last_used_at = first_use - timedelta(minutes=2)
    await session.flush()
    await service.resolve_credential(session, plain, settings)
    await session.refresh(row)
    assert row.last_used_at is not None and row.last_used_at >= first_use

    row.expires_at = utcnow() - timedelta(seconds=1)
    await session.flush()
    assert await service.resolve_credential(session, plain, settings) is None
    row.expires_at = None
    user = await session.scalar(select(AppUser).where(AppUser.username == "resolve_master"))
    assert user is not None
    user.disabled = True
    await session.flush()
    assert await service.resolve_credential(session, plain, settings) is None
    user.disabled = False
    await session.flush()
    assert await service.resolve_credential(session, plain, settings) is not None
    assert await service.resolve_credential(session, plain + "x", settings) is None
