"""Every route has an explicit role rule, and the rule is the one this matrix expects."""

from __future__ import annotations

from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import Mount, Route

from sar_coord.auth.deps import ROLE_ATTR

R, S, A, D = "rcc_operator", "ship_master", "auditor", "admin"
PUBLIC = {"public"}
ALL = {R, S, A, D}

# (method, path) -> roles admitted. A route missing here fails the suite.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("GET", "/health"): PUBLIC,
    ("POST", "/api/v1/auth/login"): PUBLIC,
    ("GET", "/api/v1/auth/me"): ALL,
    ("GET", "/api/v1/users"): {D},
    ("POST", "/api/v1/users"): {D},
    ("POST", "/api/v1/auth/tokens"): ALL,
    ("GET", "/api/v1/auth/tokens"): ALL,
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): ALL,
    ("GET", "/api/v1/vessels/latest"): {R, A, D},
    ("GET", "/api/v1/vessels"): {R, A, D},
    ("GET", "/api/v1/vessels/{mmsi}"): {R, A, D},
    ("PUT", "/api/v1/vessels/{mmsi}"): {R, D},
    ("DELETE", "/api/v1/vessels/{mmsi}"): {R, D},
}
# Websocket endpoints authenticate inside the handler (token query parameter or first frame).
EXPECTED_WS: dict[str, set[str]] = {}
DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
FRONTEND = {"/", "/{path:path}"}


def _declared_roles(route: APIRoute) -> set[str]:
    roles: set[str] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        declared = getattr(dep.call, ROLE_ATTR, None)
        if declared is not None:
            roles |= set(declared)
        stack.extend(dep.dependencies)
    return roles


def _flat_routes(routes: list[object]) -> list[object]:
    """Routes of included routers too (routers carry their own prefix; none is added on include)."""
    flat: list[object] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            flat.extend(_flat_routes(list(inner.routes)))
        else:
            flat.append(route)
    return flat


def test_every_route_is_in_the_role_matrix(app) -> None:
    seen: set[tuple[str, str]] = set()
    for route in _flat_routes(list(app.routes)):
        if isinstance(route, APIRoute):
            if route.path in FRONTEND:
                continue
            for method in route.methods:
                key = (method, route.path)
                assert key in EXPECTED, f"route {key} has no entry in the role matrix"
                assert _declared_roles(route) == EXPECTED[key], f"{key} roles differ"
                seen.add(key)
        elif isinstance(route, APIWebSocketRoute):
            assert route.path in EXPECTED_WS, f"websocket {route.path} missing from the matrix"
        elif isinstance(route, Route):
            assert route.path in DOCS, f"unexpected plain route {route.path}"
        elif isinstance(route, Mount):
            assert route.path == "/assets", f"unexpected mount {route.path}"
    missing = set(EXPECTED) - seen
    assert not missing, f"matrix lists routes the app does not have: {sorted(missing)}"


async def test_roles_are_enforced_on_real_requests(client, users) -> None:
    r = await client.put(
        "/api/v1/vessels/247000001",
        json={"max_persons": 50},
        headers=users["auditor"]["headers"],
    )
    assert r.status_code == 403
    assert r.json()["error"] == "role_forbidden"
    r = await client.get("/api/v1/vessels/latest", headers=users["master"]["headers"])
    assert r.status_code == 403
    r = await client.get("/api/v1/users", headers=users["rcc"]["headers"])
    assert r.status_code == 403
