"""`sar-coord up` on the embedded default: health within 60 s, reuse, stale pid, clean stop."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sar_coord.core.embedded import cluster_paths

pytestmark = pytest.mark.skipif(shutil.which("runuser") is None, reason="needs runuser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_pids(data_dir: Path) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"postgres" in cmd and str(data_dir).encode() in cmd:
            pids.append(int(proc.name))
    return pids


def _start(home: Path, port: int) -> subprocess.Popen[bytes]:
    home.mkdir(parents=True, exist_ok=True)
    log = (home / "up.log").open("ab")
    env = dict(os.environ, SAR_HOME=str(home), SAR_ENV="development")
    env.pop("SAR_DATABASE_URL", None)
    env.pop("SAR_JWT_SECRET", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sar_coord.cli", "up", "--no-demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    return proc


def _wait_healthy(
    port: int, proc: subprocess.Popen[bytes], home: Path, limit_s: float = 60
) -> float:
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        if proc.poll() is not None:
            out = (home / "up.log").read_text(errors="replace")
            raise AssertionError(f"sar-coord up exited early ({proc.returncode}):\n{out}")
        try:
            r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            if r.status_code == 200 and r.json()["status"] == "ok":
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"/health not ok within {limit_s} s")


def _stop(proc: subprocess.Popen[bytes], sig: int) -> None:
    proc.send_signal(sig)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


@pytest.fixture
def sar_home():
    home = Path("/var/tmp") / f"sar-test-home-{os.getpid()}-{time.monotonic_ns()}"
    yield home
    paths = cluster_paths(home)
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(paths.data_dir.parent, ignore_errors=True)


def test_up_serves_health_and_stops_postgres_on_ctrl_c_and_sigterm(sar_home: Path) -> None:
    port = _free_port()
    proc = _start(sar_home, port)
    try:
        elapsed = _wait_healthy(port, proc, sar_home)
        assert elapsed < 60
        data_dir = cluster_paths(sar_home).data_dir
        assert _postgres_pids(data_dir), "the embedded cluster should be running"
        # Unix socket only: the cluster listens on no TCP port.
        conf = subprocess.run(
            ["runuser", "-u", "postgres", "--", "cat", str(data_dir / "postmaster.pid")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        assert conf[5] == "", f"listen address should be empty, got {conf[5]!r}"
    finally:
        _stop(proc, signal.SIGINT)
    assert proc.returncode == 0
    assert _postgres_pids(data_dir) == []

    # A second `up` reuses the data; a stale postmaster.pid (crash) is handled; SIGTERM stops it.
    pid_file = data_dir / "postmaster.pid"
    pid_file.write_text("999999\n" + str(data_dir) + "\n")
    proc = _start(sar_home, port)
    try:
        _wait_healthy(port, proc, sar_home)
    finally:
        _stop(proc, signal.SIGTERM)
    assert _postgres_pids(data_dir) == []
