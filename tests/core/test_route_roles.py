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
    # vessels: the live picture and the registry are for RCCs (and auditors, read-only)
    ("GET", "/api/v1/vessels/area"): {A, D, R},
    ("GET", "/api/v1/vessels/latest"): {A, D, R},
    ("GET", "/api/v1/vessels"): {A, D, R},
    ("GET", "/api/v1/vessels/{mmsi}"): {A, D, R},
    ("GET", "/api/v1/vessels/{mmsi}/track"): {A, D, R},
    ("PUT", "/api/v1/vessels/{mmsi}"): {D, R},
    ("DELETE", "/api/v1/vessels/{mmsi}"): {D, R},
    # cases and matching
    ("POST", "/api/v1/cases"): {D, R},
    ("POST", "/api/v1/cases/partner-report"): {D, R},
    ("GET", "/api/v1/cases"): {A, D, R},
    ("GET", "/api/v1/cases/{case_id}"): {A, D, R},
    ("PATCH", "/api/v1/cases/{case_id}"): {D, R},
    ("POST", "/api/v1/cases/{case_id}/status"): {D, R},
    ("POST", "/api/v1/cases/{case_id}/rcc"): {D, R},
    ("GET", "/api/v1/cases/{case_id}/coordination"): {A, D, R},
    ("POST", "/api/v1/cases/{case_id}/coordination"): {D, R},
    ("POST", "/api/v1/cases/{case_id}/osc"): {D, R},
    ("GET", "/api/v1/cases/{case_id}/events"): {A, D, R},
    ("POST", "/api/v1/cases/{case_id}/search-plans"): {D, R},
    ("GET", "/api/v1/cases/{case_id}/search-plans"): {A, D, R},
    ("GET", "/api/v1/cases/{case_id}/ais-gaps"): {A, D, R},
    ("GET", "/api/v1/cases/{case_id}/search-plans/{plan_no}"): {A, D, R},
    ("GET", "/api/v1/cases/{case_id}/search-plans/{plan_no}/sub-areas/{index}.{kind}"): {
        A,
        D,
        R,
        S,
    },
    ("GET", "/api/v1/cases/{case_id}/candidates"): {D, R},
    ("GET", "/api/v1/cases/{case_id}/surpic"): {D, R},
    ("GET", "/api/v1/cases/{case_id}/sitrep"): {D, R},
    ("POST", "/api/v1/cases/{case_id}/sitrep"): {D, R},
    ("GET", "/api/v1/cases/{case_id}/mayday-relay"): {D, R},
    ("GET", "/api/v1/sar-regions"): {A, D, R},
    ("PUT", "/api/v1/sar-regions"): {D},
    ("DELETE", "/api/v1/sar-regions/{rcc_name}"): {D},
    # alerts; ship masters only answer and read their own deliveries
    ("POST", "/api/v1/alerts"): {D, R},
    ("GET", "/api/v1/alerts"): {A, D, R},
    ("GET", "/api/v1/alerts/{alert_id}"): {A, D, R},
    ("PATCH", "/api/v1/alerts/{alert_id}"): {D, R},
    ("POST", "/api/v1/alerts/{alert_id}/cancel"): {D, R},
    ("POST", "/api/v1/alerts/{alert_id}/answers"): {S},
    ("GET", "/api/v1/ship/deliveries"): {S},
    # places of safety: everyone reads the registry, only admins designate
    ("GET", "/api/v1/places/ports"): ALL,
    ("GET", "/api/v1/places/ports/{locode}"): ALL,
    ("GET", "/api/v1/places/designations"): ALL,
    ("POST", "/api/v1/places/designations"): {D},
    # disembarkation and the transparency log
    ("POST", "/api/v1/disembarkations"): {D, R},
    ("GET", "/api/v1/disembarkations"): {A, D, R},
    ("GET", "/api/v1/disembarkations/{disembarkation_id}"): {A, D, R},
    ("GET", "/api/v1/disembarkations/chains/flagged"): {A, D, R},
    ("GET", "/api/v1/disembarkations/chains/{case_id}"): {A, D, R},
    ("POST", "/api/v1/disembarkations/chains/{case_id}/steps"): {D, R},
    ("POST", "/api/v1/disembarkations/{disembarkation_id}/reevaluations"): {A, D},
    ("GET", "/api/v1/audit/entries"): {A, D, R},
    ("GET", "/api/v1/audit/entries/{leaf_index}/inclusion"): {A, D, R},
    ("GET", "/api/v1/audit/consistency"): {A, D, R},
    ("GET", "/api/v1/audit/checkpoint"): {A, D, R},
    ("GET", "/api/v1/audit/checkpoint.note"): {A, D, R},
    ("GET", "/api/v1/audit/verifier-key"): ALL,
    ("GET", "/api/v1/audit/export.json"): {A, D},
    ("GET", "/api/v1/audit/transparency-report.csv"): {A, D},
    ("GET", "/api/v1/audit/transparency-report.note"): {A, D},
    ("GET", "/api/v1/audit/transparency-report.html"): {A, D},
    ("GET", "/api/v1/audit/export.csv"): {A, D},
    ("GET", "/api/v1/audit/cases/{case_id}/evidence.zip"): {A, D, R},
    ("POST", "/api/v1/audit/rescue-records"): {D, R, S},
}
# Websocket endpoints authenticate inside the handler (token query parameter or first frame).
EXPECTED_WS: dict[str, set[str]] = {"/ws/rcc": {R, D}}
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
