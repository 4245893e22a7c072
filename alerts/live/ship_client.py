"""Bridge client for ship masters: `listen` on /ws/ship and answer alerts (typer sub-app)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus, WebSocketException

app = typer.Typer(help="Ship master client: receive alerts and answer them.", no_args_is_help=True)

TokenOpt = Annotated[str, typer.Option(envvar="SAR_SHIP_TOKEN", help="Vessel API token.")]
ApiOpt = Annotated[
    str, typer.Option(envvar="SAR_API_URL", help="HTTP base URL of the API, e.g. http://host:8000")
]
MmsiOpt = Annotated[int | None, typer.Option(help="Vessel MMSI (if bound to several).")]
MsgIdOpt = Annotated[
    str | None, typer.Option(help="Idempotency key; reuse it when retrying the same answer.")
]


def default_state_file(token: str) -> Path:
    """Where `listen` keeps its last processed seq (per token, under ~/.sar-ship)."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    return Path.home() / ".sar-ship" / f"{digest}.json"


def load_seq(path: Path) -> int:
    """The last processed seq recorded on disk (0 when none)."""
    try:
        return int(json.loads(path.read_text())["last_seq"])
    except (FileNotFoundError, KeyError, ValueError, json.JSONDecodeError):
        return 0


def save_seq(path: Path, seq: int) -> None:
    """Record the last processed seq atomically (write, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as fh:
        json.dump({"last_seq": seq, "saved_at": datetime.now(UTC).isoformat()}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def describe(frame: dict[str, Any]) -> str:
    """One human line for a delivery frame."""
    d = frame.get("data", {})
    head = f"[seq {frame.get('seq')}] {frame.get('type', '?').upper()} alert {d.get('alert_id')}"
    if frame.get("type") == "cancel":
        return f"{head}: cancelled ({d.get('reason')})"
    if frame.get("type") == "stand_down":
        still = ", ".join(d.get("still_accepted") or ())
        return (
            f"[seq {frame.get('seq')}] STAND DOWN alert {d.get('alert_id')} case"
            f" {d.get('case_reference')}: {d.get('reason')}; you may still report: {still}"
        )
    datum = d.get("datum") or {}
    return (
        f"{head} case {d.get('case_reference')} at {datum.get('lat')}, {datum.get('lon')}"
        f" POB {d.get('persons_on_board')} radius {d.get('radius_nm')} nm: {d.get('message')}"
    )


async def _listen(
    url: str, token: str, mmsi: int | None, state: Path, as_json: bool, exit_after: int | None
) -> int:
    last = load_seq(state)
    received = 0
    delay_s = 0.5
    while True:
        sep = "&" if "?" in url else "?"
        full = f"{url}{sep}resume_from={last}" + (f"&mmsi={mmsi}" if mmsi else "")
        try:
            async with connect(
                full, additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=10
            ) as ws:
                delay_s = 0.5
                async for raw in ws:
                    frame = json.loads(raw)
                    seq = frame.get("seq")
                    if seq is None:
                        if frame.get("type") == "error":
                            typer.echo(f"server error: {frame.get('data')}", err=True)
                        continue
                    if seq <= last:
                        continue  # a duplicate after resuming
                    typer.echo(json.dumps(frame) if as_json else describe(frame))
                    last = seq
                    save_seq(state, last)
                    await ws.send(json.dumps({"type": "ack", "data": {"seq": last}}))
                    received += 1
                    if exit_after is not None and received >= exit_after:
                        return received
        except InvalidStatus as exc:
            if exc.response.status_code in (401, 403):
                typer.echo(f"refused: HTTP {exc.response.status_code}", err=True)
                raise typer.Exit(2) from exc
        except (OSError, WebSocketException, TimeoutError) as exc:
            typer.echo(f"disconnected ({exc.__class__.__name__}); resuming from {last}", err=True)
        await asyncio.sleep(delay_s + random.random() * delay_s)
        delay_s = min(delay_s * 2, 30.0)


@app.command()
def listen(
    url: Annotated[str, typer.Option(help="Ship channel URL, e.g. ws://host:8765/ws/ship")],
    token: TokenOpt,
    mmsi: MmsiOpt = None,
    state_file: Annotated[Path | None, typer.Option(help="Where the last seq is kept.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print raw frames.")] = False,
    exit_after: Annotated[int | None, typer.Option(help="Stop after this many alerts.")] = None,
) -> None:
    """Print alerts as they come, remember the last seq on disk, ack, and resume after drops."""
    state = state_file or default_state_file(token)
    asyncio.run(_listen(url, token, mmsi, state, as_json, exit_after))


def _post_answer(
    api: str, token: str, alert_id: int, mmsi: int | None, body: dict[str, Any]
) -> None:
    body.setdefault("client_msg_id", None)
    if body["client_msg_id"] is None:
        body["client_msg_id"] = uuid.uuid4().hex
    params = {"mmsi": mmsi} if mmsi else None
    last_error: Exception | None = None
    for attempt in range(4):  # same client_msg_id on every retry: the server records it once
        try:
            r = httpx.post(
                f"{api.rstrip('/')}/api/v1/alerts/{alert_id}/answers",
                json=body,
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
        except httpx.TransportError as exc:
            last_error = exc
            typer.echo(f"network error ({exc}); retry {attempt + 1}", err=True)
            continue
        if r.status_code >= 400:
            typer.echo(f"refused: HTTP {r.status_code} {r.text}", err=True)
            raise typer.Exit(1)
        typer.echo(r.text)
        return
    typer.echo(f"giving up: {last_error}", err=True)
    raise typer.Exit(1)


@app.command()
def accept(
    alert_id: int,
    api: ApiOpt,
    token: TokenOpt,
    eta_min: Annotated[int, typer.Option(help="Minutes until on scene.")] = 60,
    mmsi: MmsiOpt = None,
    client_msg_id: MsgIdOpt = None,
) -> None:
    """Accept: proceeding, on scene in ETA_MIN minutes."""
    eta = (datetime.now(UTC) + timedelta(minutes=eta_min)).isoformat()
    body = {"kind": "accept", "eta": eta, "client_msg_id": client_msg_id}
    _post_answer(api, token, alert_id, mmsi, body)


@app.command()
def decline(
    alert_id: int,
    api: ApiOpt,
    token: TokenOpt,
    reason: Annotated[str, typer.Option(help="too_far | not_capable | own_safety | other")],
    note: str | None = None,
    mmsi: MmsiOpt = None,
    client_msg_id: MsgIdOpt = None,
) -> None:
    """Decline, with a reason."""
    body = {"kind": "decline", "reason": reason, "note": note, "client_msg_id": client_msg_id}
    _post_answer(api, token, alert_id, mmsi, body)


@app.command("on-scene")
def on_scene(
    alert_id: int,
    api: ApiOpt,
    token: TokenOpt,
    mmsi: MmsiOpt = None,
    client_msg_id: MsgIdOpt = None,
) -> None:
    """Report arrival on scene (now, UTC)."""
    body = {"kind": "on_scene", "at": datetime.now(UTC).isoformat(), "client_msg_id": client_msg_id}
    _post_answer(api, token, alert_id, mmsi, body)


@app.command()
def rescued(
    alert_id: int,
    api: ApiOpt,
    token: TokenOpt,
    adults: int = 0,
    minors: int = 0,
    unaccompanied_minors: int = 0,
    medical_cases: int = 0,
    deceased: int = 0,
    mmsi: MmsiOpt = None,
    client_msg_id: MsgIdOpt = None,
) -> None:
    """People taken on board, counts by category (no names)."""
    counts = {
        "adults": adults,
        "minors": minors,
        "unaccompanied_minors": unaccompanied_minors,
        "medical_cases": medical_cases,
        "deceased": deceased,
    }
    body = {"kind": "rescued", "counts": counts, "client_msg_id": client_msg_id}
    _post_answer(api, token, alert_id, mmsi, body)


@app.command("request-pos")
def request_pos(
    alert_id: int,
    api: ApiOpt,
    token: TokenOpt,
    note: str | None = None,
    mmsi: MmsiOpt = None,
    client_msg_id: MsgIdOpt = None,
) -> None:
    """Ask the RCC to assign a place of safety."""
    body = {"kind": "request_pos", "note": note, "client_msg_id": client_msg_id}
    _post_answer(api, token, alert_id, mmsi, body)


@app.command()
def message(
    alert_id: int,
    text: str,
    api: ApiOpt,
    token: TokenOpt,
    mmsi: MmsiOpt = None,
    client_msg_id: MsgIdOpt = None,
) -> None:
    """Free text to the RCC about this alert."""
    body = {"kind": "message", "text": text, "client_msg_id": client_msg_id}
    _post_answer(api, token, alert_id, mmsi, body)
