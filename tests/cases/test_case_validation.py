"""Case bodies: future times, unknown country codes and over-long text are refused with the limit
stated; a datum on land is accepted with a warning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from sar_coord.core.schemas import CLOCK_SKEW_S


@pytest.fixture(scope="module")
def cases_app(app: FastAPI) -> FastAPI:
    """The real app (create_app mounts the case routers)."""
    return app


def _messages(r: Any) -> str:
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "validation_error"
    return " | ".join(str(e["msg"]) for e in r.json()["detail"])


async def test_future_times_are_refused_with_the_tolerance_stated(
    cases_app: FastAPI, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    future = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    r = await client.post(
        "/api/v1/cases", json={"lat": 35, "lon": 13, "datum_at": future}, headers=rcc
    )
    msg = _messages(r)
    assert "is in the future" in msg and f"at most {CLOCK_SKEW_S} s ahead" in msg
    r = await client.post(
        "/api/v1/cases/partner-report",
        json={"lat": 35, "lon": 13, "reported_by": "Hotline", "datum_at": future},
        headers=rcc,
    )
    assert "is in the future" in _messages(r)
    # Within the clock tolerance is fine.
    soon = (datetime.now(UTC) + timedelta(seconds=30)).isoformat()
    r = await client.post(
        "/api/v1/cases", json={"lat": 35, "lon": 13, "datum_at": soon}, headers=rcc
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    r = await client.patch(f"/api/v1/cases/{case_id}", json={"datum_at": future}, headers=rcc)
    assert "is in the future" in _messages(r)
    r = await client.post(
        f"/api/v1/cases/{case_id}/rcc",
        json={"role": "first", "rcc": "MRCC", "at": future},
        headers=rcc,
    )
    assert "is in the future" in _messages(r)


async def test_country_codes_must_be_assigned_iso_codes(
    cases_app: FastAPI, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    for bad in ("Li", "ly", "XX", "LBY", "L"):
        r = await client.post(
            "/api/v1/cases", json={"lat": 35, "lon": 13, "departure_country": bad}, headers=rcc
        )
        msg = _messages(r)
        assert "ISO 3166-1 alpha-2" in msg or "at least 2" in msg or "at most 2" in msg, msg
    r = await client.post(
        "/api/v1/cases", json={"lat": 35, "lon": 13, "departure_country": "Ly"}, headers=rcc
    )
    assert "LY is Libya" in _messages(r)
    r = await client.post(
        "/api/v1/cases", json={"lat": 35, "lon": 13, "departure_country": "LY"}, headers=rcc
    )
    assert r.status_code == 201 and r.json()["departure_country"] == "LY"


async def test_over_long_text_is_refused_with_its_limit_never_cut(
    cases_app: FastAPI, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    r = await client.post(
        "/api/v1/cases", json={"lat": 35, "lon": 13, "description": "x" * 4001}, headers=rcc
    )
    assert "at most 4000 characters" in _messages(r)
    r = await client.post(
        "/api/v1/cases", json={"lat": 35, "lon": 13, "description": "x" * 4000}, headers=rcc
    )
    assert r.status_code == 201 and len(r.json()["description"]) == 4000


async def test_a_datum_on_land_is_accepted_with_a_warning(
    cases_app: FastAPI, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    # Inland Sicily (Enna), then open sea south of Malta.
    r = await client.post("/api/v1/cases", json={"lat": 37.56, "lon": 14.28}, headers=rcc)
    assert r.status_code == 201, r.text
    (warning,) = r.json()["warnings"]
    assert "on land" in warning and "37.5600, 14.2800" in warning
    r = await client.post("/api/v1/cases", json={"lat": 35.2, "lon": 14.3}, headers=rcc)
    assert r.status_code == 201 and r.json()["warnings"] == []
