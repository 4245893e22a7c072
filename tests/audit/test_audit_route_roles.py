"""Every route of the places, disembarkation and audit routers declares its roles explicitly."""

from __future__ import annotations

from fastapi.routing import APIRoute

from sar_coord.audit.router import router as audit_router
from sar_coord.auth.deps import ROLE_ATTR
from sar_coord.disembarkation.router import router as disembarkation_router
from sar_coord.places.router import router as places_router

R, S, A, D = "rcc_operator", "ship_master", "auditor", "admin"
ALL = {R, S, A, D}
EXPECTED = {
    ("GET", "/api/v1/places/ports"): ALL,
    ("GET", "/api/v1/places/ports/{locode}"): ALL,
    ("GET", "/api/v1/places/designations"): ALL,
    ("POST", "/api/v1/places/designations"): {D},
    ("POST", "/api/v1/disembarkations"): {R, D},
    ("GET", "/api/v1/disembarkations"): {R, A, D},
    ("GET", "/api/v1/disembarkations/{disembarkation_id}"): {R, A, D},
    ("GET", "/api/v1/disembarkations/chains/flagged"): {R, A, D},
    ("GET", "/api/v1/disembarkations/chains/{case_id}"): {R, A, D},
    ("POST", "/api/v1/disembarkations/chains/{case_id}/steps"): {R, D},
    ("POST", "/api/v1/disembarkations/{disembarkation_id}/reevaluations"): {A, D},
    ("GET", "/api/v1/audit/entries"): {R, A, D},
    ("GET", "/api/v1/audit/entries/{leaf_index}/inclusion"): {R, A, D},
    ("GET", "/api/v1/audit/consistency"): {R, A, D},
    ("GET", "/api/v1/audit/checkpoint"): {R, A, D},
    ("GET", "/api/v1/audit/checkpoint.note"): {R, A, D},
    ("GET", "/api/v1/audit/verifier-key"): ALL,
    ("GET", "/api/v1/audit/export.json"): {A, D},
    ("GET", "/api/v1/audit/transparency-report.csv"): {A, D},
    ("GET", "/api/v1/audit/transparency-report.note"): {A, D},
    ("GET", "/api/v1/audit/transparency-report.html"): {A, D},
    ("GET", "/api/v1/audit/export.csv"): {A, D},
    ("GET", "/api/v1/audit/cases/{case_id}/evidence.zip"): {R, A, D},
    ("POST", "/api/v1/audit/rescue-records"): {R, S, D},
}


def _roles(route: APIRoute) -> set[str]:
    roles: set[str] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        roles |= set(getattr(dep.call, ROLE_ATTR, ()))
        stack.extend(dep.dependencies)
    return roles


def test_role_matrix() -> None:
    seen = {}
    for router in (places_router, disembarkation_router, audit_router):
        for route in router.routes:
            assert isinstance(route, APIRoute)
            for method in route.methods:
                seen[(method, route.path)] = _roles(route)
    assert seen == EXPECTED
