"""A minimal app for the alerts tests: the alerts routers and runtime, run by real uvicorn."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from alerts import router as alerts_router
from alerts.runtime import alerts_runtime
from sar_coord.core.db import make_engine, make_sessionmaker
from sar_coord.core.events import Listener
from sar_coord.main import install_error_handlers


def build_app(database_url: str) -> FastAPI:
    """The alerts routes and runtime on their own (until create_app mounts them)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(database_url)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        listener = Listener(database_url)
        await listener.start()
        await listener.connected.wait()
        async with alerts_runtime(engine, listener) as runtime:
            app.state.alerts = runtime
            yield
        await listener.stop()
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)
    install_error_handlers(app)

    @app.get("/healthz")
    async def _health() -> dict[str, str]:
        return {"status": "ok"}

    alerts_router.include(app)
    return app


def main() -> None:
    """Run under uvicorn: --url URL --port HTTP_PORT (ship port from ALERTS_SHIP_WS_PORT)."""
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
