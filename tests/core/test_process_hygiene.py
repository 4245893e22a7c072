"""After SIGKILL of `sar-coord up` its children die with it and the next `up` stops the stale
cluster; `audit` commands find the embedded database; check-records compares instants."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sar_coord.audit.records import _diff
from sar_coord.core.embedded import cluster_paths
from sar_coord.core.processes import state_path
from tests.core.test_embedded import _free_port, _postgres_pids, _stop, _wait_healthy

needs_runuser = pytest.mark.skipif(shutil.which("runuser") is None, reason="needs runuser")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, SAR_HOME=str(home), SAR_ENV="development", SAR_DEMO_SPEED="1")
    env["ALERTS_SHIP_WS_PORT"] = str(_free_port())
    for key in ("SAR_DATABASE_URL", "SAR_JWT_SECRET", "SAR_AIS_SOURCES"):
        env.pop(key, None)
    return env


def _up(home: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    home.mkdir(parents=True, exist_ok=True)
    with (home / "up.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "sar_coord.cli", "up", "--port", str(port), *extra],
            env=_env(home),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_until(predicate, limit_s: float = 60) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()  # type: ignore[no-any-return]


@pytest.fixture
def home():  # type: ignore[no-untyped-def]
    path = Path("/var/tmp") / f"sar-hygiene-{os.getpid()}-{time.monotonic_ns()}"
    yield path
    data_dir = cluster_paths(path).data_dir
    if _postgres_pids(data_dir):
        pg_ctl = ["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl"]
        subprocess.run(
            [*pg_ctl, "-D", str(data_dir), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
    shutil.rmtree(data_dir.parent, ignore_errors=True)
    shutil.rmtree(path, ignore_errors=True)


@needs_runuser
def test_sigkill_of_up_leaves_no_orphans_and_next_up_stops_the_cluster(home: Path) -> None:
    port = _free_port()
    first = _up(home, port)
    try:
        _wait_healthy(port, first, home, limit_s=120)
        state = json.loads(state_path(home).read_text())
        pgid = state["children_pgid"]
        assert pgid > 1 and _group_alive(pgid)  # simulator, ingest and demo director
    finally:
        first.kill()
        first.wait()
    # The children die with their parent; the cluster (pg_ctl daemonised it) stays behind.
    assert _wait_until(lambda: not _group_alive(pgid)), "children outlived a SIGKILLed up"
    data_dir = cluster_paths(home).data_dir
    assert _postgres_pids(data_dir)
    # The next `up` adopts the stale cluster and stops it on exit.
    second = _up(home, port, "--no-demo")
    try:
        _wait_healthy(port, second, home, limit_s=120)
    finally:
        _stop(second, signal.SIGINT)
    assert _postgres_pids(data_dir) == []
    assert not state_path(home).exists()
    # `audit` commands find the embedded database like every other command.
    result = subprocess.run(
        [sys.executable, "-m", "sar_coord.cli", "audit", "check-records"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout
    assert _postgres_pids(data_dir) == []


def test_check_records_compares_times_as_instants() -> None:
    stored = {"effective_from": "2026-03-01T10:00:00+00:00", "port": "MTMAR"}
    assert _diff("d", stored, stored | {"effective_from": "2026-03-01T12:00:00+02:00"}) == []
    moved = stored | {"effective_from": "2026-03-01T12:00:00+00:00"}
    assert len(_diff("d", stored, moved)) == 1
    assert len(_diff("d", stored, stored | {"port": "ITPMO"})) == 1
