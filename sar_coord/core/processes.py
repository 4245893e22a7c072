"""Children of `sar-coord up`: one process group, dying with their parent, and the state file
that lets the next `up` clean up after a SIGKILL (orphans and a stale cluster)."""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: SIGTERM when `up` dies, even by SIGKILL (Linux prctl)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


@dataclass
class ChildGroup:
    """The children of one `up`, in one process group of their own."""

    pgid: int = 0
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def spawn(self, cmd: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        """Start a child in the group (the first child leads it)."""
        proc = subprocess.Popen(cmd, process_group=self.pgid, preexec_fn=_die_with_parent, **kwargs)
        if not self.pgid:
            self.pgid = proc.pid
        self.procs.append(proc)
        return proc

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM every child (the whole group, grandchildren too), SIGKILL after the timeout."""
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
        stop_group(self.pgid, timeout_s)
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, timeout_s))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(pgid: int, timeout_s: float = 10.0) -> None:
    """SIGTERM a process group, then SIGKILL whatever is left after `timeout_s`."""
    if pgid <= 1:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _group_alive(pgid):
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def state_path(home: Path) -> Path:
    """Where a running `up` records its pid and its children's group."""
    return home / "up.json"


def write_state(home: Path, *, children_pgid: int, cluster_started: bool) -> None:
    """Record this `up` (pid), its children's process group and whether it started the cluster."""
    home.mkdir(parents=True, exist_ok=True)
    state = {"pid": os.getpid(), "children_pgid": children_pgid, "cluster": cluster_started}
    state_path(home).write_text(json.dumps(state))


def clear_state(home: Path) -> None:
    """Forget the state on a clean exit."""
    with contextlib.suppress(FileNotFoundError):
        state_path(home).unlink()


class AlreadyRunning(RuntimeError):
    """Another `sar-coord up` runs on this SAR_HOME."""


def reap_stale(home: Path) -> bool:
    """After an `up` died without cleaning up (SIGKILL): stop its children's group.

    Returns True when a dead `up` left state behind (its cluster must be stopped by this one).
    Raises AlreadyRunning when the recorded `up` is still alive.
    """
    try:
        state = json.loads(state_path(home).read_text())
    except (FileNotFoundError, ValueError):
        return False
    pid = int(state.get("pid", 0))
    if pid > 0 and pid != os.getpid() and _alive(pid) and _is_up(pid):
        raise AlreadyRunning(f"sar-coord up already runs on {home} (pid {pid})")
    pgid = int(state.get("children_pgid", 0))
    if pgid > 1 and _group_alive(pgid):
        log.warning("stopping the orphans of a previous sar-coord up (process group %s)", pgid)
        stop_group(pgid)
    clear_state(home)
    return True


def _is_up(pid: int) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"up" in cmd.split(b"\0") and b"sar" in cmd
