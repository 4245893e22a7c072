"""A small test-side ship client over the websockets library."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from alerts.lifecycle import service
from alerts.schemas import AlertCreate

RCC = service.Actor("rcc-test")


async def open_ship(url: str, token: str, **kw: Any) -> ClientConnection:
    """Connect to /ws/ship with the token; returns once the welcome frame arrived."""
    ws = await connect(url, additional_headers={"Authorization": f"Bearer {token}"}, **kw)
    welcome = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert welcome["type"] == "welcome", welcome
    return ws


async def next_frames(
    ws: ClientConnection, n: int, timeout_s: float = 10.0
) -> list[dict[str, Any]]:
    """The next `n` sequenced frames (control frames skipped)."""
    out: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout_s):
        while len(out) < n:
            frame = json.loads(await ws.recv())
            if frame.get("seq") is not None:
                out.append(frame)
    return out


async def next_control(ws: ClientConnection, type_: str, timeout_s: float = 10.0) -> dict[str, Any]:
    """The next frame of the given control type (sequenced frames skipped)."""
    async with asyncio.timeout(timeout_s):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == type_:
                return frame  # type: ignore[no-any-return]


async def issue(committed: Any, case_id: int, mmsis: list[int], message: str = "alert") -> int:
    """Issue and commit a targeted alert; returns its id."""
    async with committed() as session:
        alert = await service.issue_alert(
            session,
            AlertCreate(case_id=case_id, kind="targeted", mmsis=mmsis, message=message),
            actor=RCC,
        )
    return alert.id
