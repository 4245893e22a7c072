"""A minimal app for the alerts tests: the alerts routers and runtime, run by real uvicorn."""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from alerts.lifecycle.router import router as alerts_router
from alerts.live.rcc_router import router as rcc_router
from alerts.live.runtime import alerts_runtime
from alerts.live.ship_router import router as ship_router
from sar_coord.core.db import make_engine, make_sessionmaker
from sar_coord.core.errors import AppError
from sar_coord.core.events import Listener
from sar_coord.main import server_options


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

    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "detail": exc.detail}, status_code=exc.status_code)

    @app.get("/healthz")
    async def _health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(alerts_router)
    app.include_router(ship_router)
    app.include_router(rcc_router)
    return app


def _exit_with_parent() -> None:
    """Die with the test run that started us, even when it is killed (no stray servers)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main() -> None:
    """Run under uvicorn: --url URL --port HTTP_PORT (ship port from ALERTS_SHIP_WS_PORT)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--real", action="store_true", help="the composition root's create_app")
    args = parser.parse_args()
    _exit_with_parent()
    if args.real:
        from sar_coord.main import create_app

        app = create_app(database_url=args.url)
    else:
        app = build_app(args.url)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        **server_options(),
        log_level="warning",
        lifespan="on",
    )


if __name__ == "__main__":
    main()
