"""Health route: the database answers and the schema is at the migration heads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from sar_coord.auth.deps import public
from sar_coord.core import migrate

router = APIRouter(tags=["health"])


@router.get("/health", dependencies=[Depends(public())])
async def health(request: Request) -> JSONResponse:
    """200 with {"status": "ok"} when the database is reachable and migrated to heads, else 503."""
    body: dict[str, Any] = {"status": "ok", "database": "ok", "migrations": "ok"}
    url: str = request.app.state.database_url
    try:
        async with request.app.state.sessionmaker() as session:
            await session.execute(text("SELECT 1"))
        current = await migrate.current_heads(url)
        expected = migrate.script_heads(url)
        if current != expected:
            body.update(
                status="degraded",
                migrations=f"at {sorted(current)}, code expects {sorted(expected)}",
            )
    except Exception as exc:  # health reports every failure instead of raising
        body.update(status="down", database=f"unreachable: {type(exc).__name__}")
    return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)
