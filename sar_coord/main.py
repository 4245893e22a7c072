"""Composition root: create_app() assembles every router, the lifespan and error rendering."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException as StarletteHTTPException

from alerts import evidence as alert_evidence
from alerts.config import get_alerts_settings
from alerts.lifecycle import service as alert_service
from alerts.lifecycle.router import router as alerts_router
from alerts.live.rcc_router import router as rcc_ws_router
from alerts.live.runtime import alerts_runtime
from alerts.live.ship_router import router as ship_router
from alerts.matching.router import router as candidates_router
from alerts.matching.ship_routes import routes_for_alert
from sar_coord import __version__
from sar_coord.audit import sources as audit_sources
from sar_coord.audit.router import router as audit_router
from sar_coord.audit.service import append_entry, run_checkpointer
from sar_coord.auth.router import router as auth_router
from sar_coord.auth.throttle import LockoutNotice, LoginThrottle
from sar_coord.cases import evidence as case_evidence
from sar_coord.cases.beacons import run_distress_consumer
from sar_coord.cases.router import regions_router
from sar_coord.cases.router import router as cases_router
from sar_coord.core.config import Settings, get_settings
from sar_coord.core.db import make_engine, make_sessionmaker
from sar_coord.core.errors import AppError
from sar_coord.core.events import Listener
from sar_coord.core.middleware import GuardMiddleware
from sar_coord.core.redact import install_redaction
from sar_coord.core.schemas import ErrorBody
from sar_coord.core.serving import IdleTimeoutHttpTools
from sar_coord.disembarkation import service as disembarkation_service
from sar_coord.disembarkation.router import router as disembarkation_router
from sar_coord.health import router as health_router
from sar_coord.places import service as places_service
from sar_coord.places.router import router as places_router
from sar_coord.search_planning.router import gaps_router as ais_gaps_router
from sar_coord.search_planning.router import router as search_plans_router
from sar_coord.vessels import positions
from sar_coord.vessels.retention import run_housekeeper
from sar_coord.vessels.router import router as vessels_router

log = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parents[1]


def _error(
    status: int, code: str, detail: object, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def wire_features() -> None:
    """Point the interfaces features declare for each other at their implementations."""

    async def tracks(session: AsyncSession, w: audit_sources.TrackWindow) -> list[dict[str, Any]]:
        return await positions.positions_near(
            session,
            lon=w.lon,
            lat=w.lat,
            start_at=w.start_at,
            end_at=w.end_at,
            radius_m=w.radius_m,
            limit=w.limit,
        )

    audit_sources.wire(
        audit_sources.AuditSources(
            case=case_evidence.case_facts,
            timeline=case_evidence.case_timeline,
            tracks=tracks,
            alerts_and_answers=alert_evidence.alerts_and_answers,
            disembarkations=disembarkation_service.case_documents,
            logged_records=(places_service.logged_records, disembarkation_service.logged_records),
        )
    )


def install_error_handlers(app: FastAPI) -> None:
    """Render every error once, as {"error": code, "detail": ...}."""

    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return _error(exc.status_code, exc.code, exc.detail, exc.headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        return _error(422, "validation_error", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, exc.detail)


_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_ERROR_CONTENT = {"application/json": {"schema": _ERROR_REF}}


def install_openapi(app: FastAPI) -> None:
    """Document the error envelope: 422 and every other failure status answer ErrorBody."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorBody"] = ErrorBody.model_json_schema()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                responses["422"] = {"description": "Invalid input", "content": _ERROR_CONTENT}
                responses.setdefault(
                    "default",
                    {
                        "description": "Any failure (401, 403, 404, 409, 429, 500, 503...)",
                        "content": _ERROR_CONTENT,
                    },
                )
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def mount_frontend(app: FastAPI, dist: Path) -> None:
    """Serve the built dashboard at / (single-page app: unknown paths get index.html)."""
    index = dist / "index.html"
    if not index.exists():
        log.warning("dashboard not built (%s missing): only the API is served", index)
        return
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    # Top-level files of the build (favicon, manifest...), listed once at start-up.
    files = {p.resolve() for p in dist.iterdir() if p.is_file()}

    @app.get("/", include_in_schema=False)
    async def _index() -> FileResponse:
        return FileResponse(index)

    @app.get("/{path:path}", include_in_schema=False)
    async def _spa(path: str) -> FileResponse:
        if path.startswith(("api/", "ws/")):
            raise StarletteHTTPException(404)
        candidate = (dist / path).resolve()
        if candidate in files:
            return FileResponse(candidate)
        return FileResponse(index)


IDLE_KEEP_ALIVE_S = 5


async def _log_lockout(app: FastAPI, notice: LockoutNotice) -> None:
    """Append a login lockout notice to the transparency log (its own transaction)."""
    async with app.state.sessionmaker() as session:
        await append_entry(
            session,
            kind="login_lockout",
            payload={
                "scope": notice.scope,
                "subject": notice.subject,
                "failures": notice.failures,
                "retry_after_s": notice.retry_after_s,
            },
        )
        await session.commit()


def server_options() -> dict[str, Any]:
    """uvicorn options every server of this app uses (`up`, tests): bounded frames and idling."""
    return {
        "ws_per_message_deflate": False,
        # Websocket frames above the limit are refused from their header, before being read.
        "ws_max_size": get_alerts_settings().max_message_bytes,
        "timeout_keep_alive": IDLE_KEEP_ALIVE_S,
        # Connections that never send a request time out too (not only idle keep-alives).
        "http": IdleTimeoutHttpTools,
    }


def create_app(settings: Settings | None = None, database_url: str | None = None) -> FastAPI:
    """The ASGI app; uses SAR_DATABASE_URL (set by `sar-coord up` for embedded mode)."""
    settings = settings or get_settings()
    wire_features()
    url = database_url or settings.database_url
    if not url:
        raise RuntimeError("SAR_DATABASE_URL is not set: start with `sar-coord up`")
    # Each alerted ship is told its own course and distance over water (matching wing).
    alert_service.use_ship_routes(routes_for_alert)
    if not settings.jwt_secret:
        raise RuntimeError(
            "no JWT signing secret: set SAR_JWT_SECRET, or start with `sar-coord up` "
            "(it generates one under SAR_HOME/keys)"
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(url)
        sessionmaker = make_sessionmaker(engine)
        app.state.engine = engine
        app.state.sessionmaker = sessionmaker
        app.state.database_url = url
        listener = Listener(url)
        app.state.listener = listener
        await listener.start()
        tasks = [
            asyncio.create_task(run_distress_consumer(sessionmaker, listener), name="distress"),
            asyncio.create_task(run_checkpointer(sessionmaker), name="checkpointer"),
            asyncio.create_task(
                run_housekeeper(sessionmaker, retention_days=settings.position_retention_days),
                name="partitions",
            ),
        ]
        try:
            async with alerts_runtime(engine, listener, freeze_gc=False) as runtime:
                app.state.alerts = runtime
                # Start-up objects live forever: keep them out of full collections (p99 pauses).
                gc.collect()
                gc.freeze()
                yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await listener.stop()
            await engine.dispose()

    app = FastAPI(
        title="sar-coord",
        version=__version__,
        summary="Maritime search-and-rescue coordination API",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.login_throttle = LoginThrottle(
        account_free=settings.login_account_free_failures,
        address_free=settings.login_address_free_failures,
        on_lockout=lambda n: _log_lockout(app, n),
    )
    install_redaction()
    install_error_handlers(app)
    # Inputs checked before routing; any unhandled failure rendered as the error envelope.
    app.add_middleware(GuardMiddleware)
    install_openapi(app)
    app.include_router(health_router)
    app.include_router(auth_router)
    app.include_router(candidates_router)
    app.include_router(vessels_router)
    app.include_router(cases_router)
    app.include_router(regions_router)
    app.include_router(alerts_router)
    app.include_router(ship_router)
    app.include_router(rcc_ws_router)
    app.include_router(places_router)
    app.include_router(search_plans_router)
    app.include_router(ais_gaps_router)
    app.include_router(disembarkation_router)
    app.include_router(audit_router)
    mount_frontend(app, settings.frontend_dist or REPO_ROOT / "frontend" / "dist")
    return app
