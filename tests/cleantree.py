"""The working tree as git sees it, to prove that a test run changed no file of the repository."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


def tree_state(root: Path) -> dict[str, str] | None:
    """Path -> status and content digest of every changed or untracked file (None outside git).

    Ignored files (.gitignore) are left out; a file already modified before the run is still
    compared by content, so rewriting it again is caught too.
    """
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    state: dict[str, str] = {}
    items = out.split(b"\0")
    i = 0
    while i < len(items):
        item = items[i]
        i += 1
        if not item:
            continue
        status, path = item[:2].decode(), item[3:].decode()
        if status[0] in "RC":
            i += 1  # the rename's source path follows
        file = root / path
        digest = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else "-"
        state[path] = f"{status} {digest}"
    return state


def tree_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Paths whose status or content differ between two states, sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
