"""The demo stack end to end: `sar-coord up` with the simulator, then the rubber-boat case from
the hotline report to a verified disembarkation, all through the API and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from sar_coord.core.embedded import cluster_paths

pytestmark = pytest.mark.skipif(shutil.which("runuser") is None, reason="needs runuser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(what: str, fn, limit_s: float, proc: subprocess.Popen[bytes], log: Path):  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        if proc.poll() is not None:
            raise AssertionError(
                f"up exited ({proc.returncode}) waiting for {what}:\n{log.read_text()}"
            )
        try:
            value = fn()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")


@pytest.fixture
def demo_stack():  # type: ignore[no-untyped-def]
    home = Path("/var/tmp") / f"sar-demo-test-{os.getpid()}-{time.monotonic_ns()}"
    home.mkdir(parents=True)
    port = _free_port()
    log = home / "up.log"
    env = dict(
        os.environ,
        SAR_HOME=str(home),
        SAR_ENV="development",
        SAR_DEMO="true",
        SAR_DEMO_SPEED="20",
        ALERTS_SHIP_WS_PORT=str(_free_port()),
    )
    for key in ("SAR_DATABASE_URL", "SAR_JWT_SECRET", "SAR_AIS_SOURCES"):
        env.pop(key, None)
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sar_coord.cli", "up", "--port", str(port)],
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proc, port, home, env, log
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(cluster_paths(home).data_dir.parent, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


def test_demo_rubber_boat_from_hotline_report_to_verified_disembarkation(demo_stack) -> None:  # type: ignore[no-untyped-def]
    proc, port, home, env, log = demo_stack
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=30) as c:
        _walk(c, proc, home, env, log)


def _walk(c: httpx.Client, proc, home: Path, env: dict[str, str], log: Path) -> None:  # type: ignore[no-untyped-def]
    _wait("health", lambda: c.get("/health").status_code == 200, 120, proc, log)
    users = _wait(
        "demo users", lambda: json.loads((home / "demo-users.json").read_text()), 30, proc, log
    )

    def login(name: str) -> dict[str, str]:
        r = c.post("/api/v1/auth/login", json={"username": name, "password": users[name]})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    rcc, master, auditor = login("rcc"), login("master_ngo"), login("auditor")
    ngo_mmsi = c.get("/api/v1/auth/me", headers=master).json()["vessel_mmsis"][0]

    # Simulated vessels appear, moving, on water.
    vessels = _wait(
        "vessels",
        lambda: len(v := c.get("/api/v1/vessels/latest", headers=rcc).json()) >= 30 and v,
        120, proc, log,
    )  # fmt: skip
    assert {v["vessel_class"] for v in vessels} >= {"commercial", "ngo", "fishing"}

    # The hotline's rubber boat becomes a partner case with 80 people.
    def boat_case():  # type: ignore[no-untyped-def]
        cases = c.get("/api/v1/cases", headers=rcc).json()
        return next((k for k in cases if k["source"] == "partner"), None)

    case = _wait("hotline case", boat_case, 120, proc, log)
    assert case["persons_on_board"] == 80 and case["boat_type"] == "rubber"
    cid = case["id"]

    cands = c.get(f"/api/v1/cases/{cid}/candidates", headers=rcc).json()
    ranked = [k["mmsi"] for k in cands["candidates"]]
    assert ngo_mmsi in ranked or len(ranked) >= 5
    assert all(k["distance_nm"] >= 0 and k["eta_min"] > 0 for k in cands["candidates"])
    assert "SITREP" in c.get(f"/api/v1/cases/{cid}/sitrep", headers=rcc).text.upper()

    alert = c.post(
        "/api/v1/alerts",
        headers=rcc,
        json={"case_id": cid, "kind": "targeted", "mmsis": [ngo_mmsi],
              "message": "Rubber boat, about 80 persons, proceed and assist"},
    )  # fmt: skip
    assert alert.status_code == 201, alert.text
    aid = alert.json()["id"]
    deliveries = c.get("/api/v1/ship/deliveries", headers=master).json()
    assert any(json.dumps(d).find(str(aid)) >= 0 for d in deliveries), deliveries

    eta = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    for body in (
        {"kind": "accept", "client_msg_id": str(uuid.uuid4()), "eta": eta},
        {"kind": "on_scene", "client_msg_id": str(uuid.uuid4())},
        {"kind": "rescued", "client_msg_id": str(uuid.uuid4()),
         "counts": {"adults": 68, "minors": 12, "unaccompanied_minors": 4, "medical_cases": 3}},
        {"kind": "request_pos", "client_msg_id": str(uuid.uuid4())},
    ):  # fmt: skip
        r = c.post(f"/api/v1/alerts/{aid}/answers", headers=master, json=body)
        assert r.status_code == 200, r.text

    status = c.get(f"/api/v1/cases/{cid}", headers=rcc).json()["status"]
    for nxt in ("assisting", "rescued"):
        if status != nxt:
            r = c.post(f"/api/v1/cases/{cid}/status", headers=rcc, json={"status": nxt})
            assert r.status_code == 200, r.text
            status = nxt

    now = datetime.now(UTC)
    rescued_at = (now - timedelta(hours=20)).isoformat()
    assigned_at = (now - timedelta(hours=10)).isoformat()
    record = c.post(
        "/api/v1/disembarkations",
        headers=rcc,
        json={
            "case_id": cid, "rescuing_mmsi": ngo_mmsi, "rescued_at": rescued_at,
            "persons_rescued": 80, "port_locode": "ITPZL", "disembarked_at": now.isoformat(),
            "persons": {"total": 80, "minors": 12, "unaccompanied_minors": 4, "medical_cases": 3},
            "persons_seeking_asylum": 70, "departure_country": "LY",
            "assignment": {"assigned_by": "Demo RCC", "assigned_at": assigned_at,
                           "reference": "POS-DEMO-1"},
            "protection_asked": "asked", "asylum_procedure_access": "yes",
            "medical_screening": "yes",
        },
    )  # fmt: skip
    assert record.status_code == 201, record.text
    evaluation = record.json()["evaluations"][-1]
    assert evaluation["outcome"] == "pass", evaluation
    assert len(evaluation["results"]) == 9
    r = c.post(f"/api/v1/cases/{cid}/status", headers=rcc, json={"status": "disembarked"})
    assert r.status_code == 200, r.text

    # The auditor sees it, and the exported log verifies offline against a signed checkpoint.
    listed = c.get("/api/v1/disembarkations", headers=auditor).json()
    assert any(d["case_id"] == cid for d in listed)
    db_url = f"postgresql+asyncpg://postgres@/sar?host={cluster_paths(home).socket_dir}"
    cli_env = dict(env, SAR_DATABASE_URL=db_url)
    sign = subprocess.run(
        [sys.executable, "-m", "sar_coord.cli", "audit", "checkpoint"],
        env=cli_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert sign.returncode == 0, sign.stderr
    export = c.get("/api/v1/audit/export.json", headers=auditor)
    assert export.status_code == 200
    path = home / "export.json"
    path.write_bytes(export.content)
    verify = subprocess.run(
        [sys.executable, "-m", "sar_coord.cli", "audit", "verify", str(path)],
        env=cli_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr
    tampered = json.loads(export.content)
    text = json.dumps(tampered)
    assert "ITPZL" in text
    path.write_text(text.replace("ITPZL", "LYTIP", 1))
    bad = subprocess.run(
        [sys.executable, "-m", "sar_coord.cli", "audit", "verify", str(path)],
        env=cli_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode != 0, "a changed port must fail verification"
