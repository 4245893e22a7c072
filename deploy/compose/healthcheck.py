#!/usr/bin/env python3
"""Container health checks: `api` (GET /health is 200) or `ingest` (database reachable, feed alive).

Exit 0 when healthy, 1 otherwise; one line on stdout says why. Times in seconds, UTC.
"""

from __future__ import annotations

import asyncio
import os
import sys
import urllib.request


def check_api() -> tuple[bool, str]:
    """The API answers /health with 200 (database reachable and migrated)."""
    port = os.environ.get("SAR_PORT", "8000")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=4) as resp:
            return resp.status == 200, f"/health {resp.status}"
    except OSError as exc:
        return False, f"/health unreachable: {exc}"


async def _newest_position_age_s(url: str) -> float | None:
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(url, timeout=4)
    try:
        age = await conn.fetchval(
            "SELECT extract(epoch FROM now() - max(reported_at)) FROM vessel_latest"
        )
        return None if age is None else float(age)
    finally:
        await conn.close()


def check_ingest() -> tuple[bool, str]:
    """The database answers; with SAR_INGEST_MAX_SILENCE_S, some vessel reported within it."""
    url = os.environ.get("SAR_DATABASE_URL", "").replace("postgresql+asyncpg://", "postgresql://")
    if not url:
        return False, "SAR_DATABASE_URL not set"
    try:
        age = asyncio.run(_newest_position_age_s(url))
    except Exception as exc:
        return False, f"database: {exc}"
    limit = os.environ.get("SAR_INGEST_MAX_SILENCE_S")
    if limit and (age is None or age > float(limit)):
        return False, f"no vessel report for {age} s (limit {limit} s)"
    return True, f"database ok, newest report {age} s old"


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "api"
    ok, why = check_api() if mode == "api" else check_ingest()
    print(why)
    sys.exit(0 if ok else 1)
