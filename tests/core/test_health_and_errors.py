"""Health reports database and migrations; errors come in one envelope."""

from __future__ import annotations


async def test_health_ok_without_auth(client) -> None:
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "migrations": "ok"}


async def test_unknown_api_route_is_404_envelope(client) -> None:
    r = await client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


async def test_openapi_is_served(client) -> None:
    r = await client.get("/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/vessels/{mmsi}" in r.json()["paths"]
