"""The whole app for browser tests: create_app() plus any feature router it does not mount yet.

Until sar_coord.main mounts every router and the alerts runtime, this adds the missing ones, so
the dashboard can be driven end to end; once main mounts them, nothing is added here.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI

from sar_coord.main import create_app

# (module, attribute) of routers the dashboard uses; alerts' `include` also adds /ws/rcc.
_ROUTERS = [
    ("sar_coord.cases.router", "router"),
    ("sar_coord.cases.router", "regions_router"),
    ("alerts.candidates_router", "router"),
    ("sar_coord.audit.router", "router"),
    ("sar_coord.disembarkation.router", "router"),
    ("sar_coord.places.router", "router"),
]


def _paths(app: FastAPI) -> set[str]:
    return {getattr(r, "path", "") for r in app.router.routes}


def build_app(database_url: str) -> FastAPI:
    """create_app() with the missing routers and, if absent, the alerts runtime in its lifespan."""
    app = create_app(database_url=database_url)
    have = _paths(app)
    # The SPA catch-all must stay last: pull it out, add routers, put it back.
    spa = [r for r in app.router.routes if getattr(r, "path", "") == "/{path:path}"]
    for r in spa:
        app.router.routes.remove(r)
    for module, attr in _ROUTERS:
        try:
            router = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            continue  # moved or merged: main.py is expected to mount it
        if not {getattr(r, "path", "") for r in router.routes} <= have:
            app.include_router(router)
    alerts_mod: Any = importlib.import_module("alerts.router")
    need_alerts = "/ws/rcc" not in have
    if need_alerts:
        alerts_mod.include(app)
    app.router.routes.extend(spa)

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(inner(a))
            if not hasattr(a.state, "alerts"):
                from alerts.runtime import alerts_runtime

                await a.state.listener.connected.wait()
                a.state.alerts = await stack.enter_async_context(
                    alerts_runtime(a.state.engine, a.state.listener)
                )
            yield

    app.router.lifespan_context = lifespan
    return app


def main() -> None:
    """Run under uvicorn: --url DATABASE_URL --port HTTP_PORT (ship port: ALERTS_SHIP_WS_PORT)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        build_app(args.url),
        host="127.0.0.1",
        port=args.port,
        ws_per_message_deflate=False,
        log_level="warning",
        lifespan="on",
    )


if __name__ == "__main__":
    main()
