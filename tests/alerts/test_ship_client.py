"""The ship client CLI against a real server: prints alerts, remembers its seq, answers once."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.alerts.conftest import REPO_ROOT
from tests.alerts.factories import make_case, make_ship
from tests.alerts.wsclient import issue


async def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from alerts.live.ship_client import app; app()", *args]
    return await asyncio.to_thread(
        subprocess.run, cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )


async def test_listen_resumes_from_disk_and_answers_are_idempotent(
    server: Any, committed: Any, tmp_path: Path
) -> None:
    async with committed() as s:
        case = await make_case(s)
        ship = await make_ship(s)
    ids = [await issue(committed, case.id, [ship.mmsi], f"msg {i}") for i in range(2)]
    state = tmp_path / "seq.json"
    common = ["--url", server.ship_url(), "--token", ship.token, "--state-file", str(state)]
    out = await _cli("listen", *common, "--exit-after", "2")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert [f"alert {i}" in line for i, line in zip(ids, lines, strict=True)] == [True, True]
    assert lines[0].startswith("[seq 1]") and lines[1].startswith("[seq 2]")
    assert json.loads(state.read_text())["last_seq"] == 2
    third = await issue(committed, case.id, [ship.mmsi], "msg 2")
    out = await _cli("listen", *common, "--exit-after", "1", "--json")
    frame = json.loads(out.stdout.strip())
    assert (frame["seq"], frame["data"]["alert_id"]) == (3, third)
    answer = [
        "accept",
        str(third),
        "--api",
        server.http_url,
        "--token",
        ship.token,
        "--eta-min",
        "45",
        "--client-msg-id",
        "bridge-1",
    ]
    first, again = await _cli(*answer), await _cli(*answer)
    assert first.returncode == again.returncode == 0, first.stderr
    assert json.loads(first.stdout)["id"] == json.loads(again.stdout)["id"]
    assert json.loads(again.stdout)["duplicate"] is True
    refused = await _cli(
        "decline",
        str(ids[0]),
        "--api",
        server.http_url,
        "--token",
        "sar_bad",
        "--reason",
        "too_far",
    )
    assert refused.returncode == 1
