"""Bad input and failures answer the error envelope: 64-bit bounds, NUL, unicode, strict
types, plausible UTC times, unhandled errors (500) and a database outage (503 + Retry-After)."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from sar_coord.core.db import make_engine, make_sessionmaker
from sar_coord.core.middleware import GuardMiddleware

CASE = {"lat": 35.5, "lon": 14.0, "persons_on_board": 40}


def _assert_envelope(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert set(body) == {"error", "detail"}
    return body


async def test_integers_beyond_64_bits_are_422(client, users) -> None:
    h = users["rcc"]["headers"]
    huge = str(2**64)
    _assert_envelope(await client.get(f"/api/v1/cases/{huge}", headers=h), 422)
    _assert_envelope(await client.get(f"/api/v1/alerts?case_id={huge}", headers=h), 422)
    _assert_envelope(await client.get(f"/api/v1/cases/-{huge}", headers=h), 422)
    body = '{"lat": 35.5, "lon": 14.0, "persons_on_board": ' + huge + "}"
    r = await client.post(
        "/api/v1/cases", content=body, headers=h | {"content-type": "application/json"}
    )
    assert _assert_envelope(r, 422)["error"] == "validation_error"
    # Within 64 bits an unknown id is simply not found.
    _assert_envelope(await client.get(f"/api/v1/cases/{2**63 - 1}", headers=h), 404)


async def test_nul_and_invalid_unicode_are_422(client, users) -> None:
    h = users["rcc"]["headers"] | {"content-type": "application/json"}
    for text in ('"a\\u0000b"', '"\\ud800"'):
        body = '{"lat": 35.5, "lon": 14.0, "description": ' + text + "}"
        _assert_envelope(await client.post("/api/v1/cases", content=body, headers=h), 422)
    _assert_envelope(await client.get("/api/v1/cases?status=open%00", headers=h), 422)
    _assert_envelope(
        await client.post("/api/v1/cases", content='{"lat": NaN, "lon": 1}', headers=h), 422
    )


async def test_strings_are_not_numbers(client, users) -> None:
    h = users["rcc"]["headers"]
    r = await client.post("/api/v1/cases", json=CASE | {"persons_on_board": "40"}, headers=h)
    _assert_envelope(r, 422)
    r = await client.post("/api/v1/cases", json=CASE | {"lat": "35.5"}, headers=h)
    _assert_envelope(r, 422)


async def test_times_need_an_offset_are_normalised_to_utc_and_plausible(client, users) -> None:
    h = users["rcc"]["headers"]
    for bad in ("2999-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "2026-01-01T00:00:00"):
        r = await client.post("/api/v1/cases", json=CASE | {"datum_at": bad}, headers=h)
        _assert_envelope(r, 422)
    r = await client.post(
        "/api/v1/cases", json=CASE | {"datum_at": "2026-03-01T12:00:00+02:00"}, headers=h
    )
    assert r.status_code == 201, r.text
    assert r.json()["datum_at"].startswith("2026-03-01T10:00:00")


def test_eta_must_be_aware_and_not_1970() -> None:
    from pydantic import ValidationError

    from alerts.schemas import AcceptAnswer

    for bad in ("1970-01-01T00:00:00Z", "2026-12-04T18:00:00"):
        try:
            AcceptAnswer.model_validate({"kind": "accept", "client_msg_id": "x", "eta": bad})
        except ValidationError:
            continue
        raise AssertionError(f"eta {bad} accepted")


async def test_unhandled_error_is_a_500_envelope_not_plain_text() -> None:
    async def boom(_: object) -> PlainTextResponse:
        raise RuntimeError("boom")

    # Placed as create_app places it: inside Starlette's outermost error middleware.
    app = Starlette(routes=[Route("/boom", boom)], middleware=[Middleware(GuardMiddleware)])
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://sar.test") as c:
        body = _assert_envelope(await c.get("/boom"), 500)
    assert body["error"] == "internal_error" and "boom" not in body["detail"]


async def test_database_outage_is_503_with_retry_after(app, client, users) -> None:
    saved = app.state.sessionmaker
    dead = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    app.state.sessionmaker = make_sessionmaker(dead)
    try:
        r = await client.get("/api/v1/cases", headers=users["rcc"]["headers"])
    finally:
        app.state.sessionmaker = saved
        await dead.dispose()
    assert _assert_envelope(r, 503)["error"] == "service_unavailable"
    assert int(r.headers["Retry-After"]) >= 1
