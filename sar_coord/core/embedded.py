"""Embedded PostgreSQL: a private cluster under SAR_HOME on a unix socket only (no TCP port)."""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "sar"
_SOCKET_PATH_LIMIT = 90


class EmbeddedError(RuntimeError):
    """The embedded cluster could not be prepared, started or stopped."""


def pg_bindir() -> Path:
    """Directory holding initdb/pg_ctl of the newest installed PostgreSQL server."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise EmbeddedError("PostgreSQL server binaries (initdb, pg_ctl) not found: run deploy/run.sh")


def _run_as_owner() -> list[str]:
    """Command prefix that runs a tool as the cluster owner (postgres when we are root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise EmbeddedError("running as root needs the 'postgres' system user") from exc
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--"]
    return ["su", "postgres", "-s", "/bin/sh", "-c"]  # pragma: no cover - runuser is standard


def _owner_can_reach(path: Path) -> bool:
    if os.geteuid() != 0:
        return True
    probe = [*_run_as_owner(), "test", "-x", str(path)]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


@dataclass(frozen=True)
class ClusterPaths:
    """Where the embedded cluster keeps its data, socket and log."""

    data_dir: Path
    socket_dir: Path
    log_file: Path


def cluster_paths(home: Path) -> ClusterPaths:
    """Paths for a cluster under `home`; falls back to /var/tmp when postgres cannot reach it."""
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    base = home / "pg"
    if not _owner_can_reach(home):
        digest = hashlib.sha256(str(home).encode()).hexdigest()[:10]
        base = Path("/var/tmp") / f"sar-coord-{digest}"  # noqa: S108 - postgres-owned fallback
        log.info("postgres cannot reach %s; keeping the cluster in %s", home, base)
    socket_dir = base / "run"
    if len(str(socket_dir)) > _SOCKET_PATH_LIMIT:
        digest = hashlib.sha256(str(base).encode()).hexdigest()[:10]
        socket_dir = Path("/tmp") / f"sar-{digest}"  # noqa: S108 - unix socket path length limit
    return ClusterPaths(
        data_dir=base / "data", socket_dir=socket_dir, log_file=base / "postgres.log"
    )


class EmbeddedCluster:
    """A private PostgreSQL cluster: init once, start, stop; reused across runs."""

    def __init__(self, home: Path) -> None:
        self.paths = cluster_paths(home)
        self.bindir = pg_bindir()
        self._prefix = _run_as_owner()
        self.started_here = False

    @property
    def database_url(self) -> str:
        """SQLAlchemy URL of the cluster's `sar` database over the unix socket."""
        return f"postgresql+asyncpg://postgres@/{DB_NAME}?host={self.paths.socket_dir}"

    def admin_url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of another database in the cluster."""
        return f"postgresql+asyncpg://postgres@/{database}?host={self.paths.socket_dir}"

    def _tool(self, name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [*self._prefix, str(self.bindir / name), *args]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise EmbeddedError(f"{name} failed ({result.returncode}): {result.stderr.strip()}")
        return result

    def _own(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def init(self) -> None:
        """Create the cluster on first use (trust auth on the socket only)."""
        self._own(self.paths.data_dir.parent)
        self._own(self.paths.socket_dir)
        if (self.paths.data_dir / "PG_VERSION").exists():
            return
        self._own(self.paths.data_dir)
        self._tool(
            "initdb",
            "-D", str(self.paths.data_dir),
            "-U", "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip

    def _clear_stale_pid(self) -> None:
        pid_file = self.paths.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (ValueError, IndexError, OSError):
            pid = -1
        cmdline = Path(f"/proc/{pid}/cmdline")
        alive = pid > 0 and cmdline.exists() and b"postgres" in cmdline.read_bytes()
        if not alive:
            log.warning("removing stale postmaster.pid (pid %s is not a postgres process)", pid)
            pid_file.unlink()

    def is_running(self) -> bool:
        """True when this cluster's postmaster is up."""
        return (
            self._tool("pg_ctl", "-D", str(self.paths.data_dir), "status", check=False).returncode
            == 0
        )

    def start(self) -> None:
        """Start the cluster on its unix socket (no TCP) unless it already runs."""
        self.init()
        self._own(self.paths.socket_dir)
        if self.is_running():
            return
        self._clear_stale_pid()
        opts = f"-c listen_addresses='' -c unix_socket_directories='{self.paths.socket_dir}'"
        self._tool(
            "pg_ctl",
            "-D", str(self.paths.data_dir),
            "-l", str(self.paths.log_file),
            "-o", opts,
            "-w", "-t", "60",
            "start",
        )  # fmt: skip
        self.started_here = True

    def stop(self) -> None:
        """Stop the cluster (fast shutdown) if it runs."""
        if not (self.paths.data_dir / "PG_VERSION").exists() or not self.is_running():
            return
        self._tool("pg_ctl", "-D", str(self.paths.data_dir), "-m", "fast", "-w", "-t", "60", "stop")


def main(argv: list[str]) -> int:
    """`python -m sar_coord.core.embedded start|stop DIR`: a throwaway cluster for test runs."""
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print("usage: python -m sar_coord.core.embedded start|stop DIR")
        return 2
    cluster = EmbeddedCluster(Path(argv[2]))
    if argv[1] == "start":
        cluster.start()
        print(cluster.admin_url())
    else:
        cluster.stop()
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv))
