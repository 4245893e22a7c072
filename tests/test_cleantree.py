"""The clean-tree check itself: a changed, rewritten or new file is seen, an ignored one is not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cleantree import tree_changes, tree_state


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_tree_state_sees_changes_but_not_ignored_files(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("artifacts/\n")
    (tmp_path / "shot.png").write_bytes(b"one")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "init")
    clean = tree_state(tmp_path)
    assert clean == {}

    (tmp_path / "artifacts").mkdir()
    (tmp_path / "artifacts" / "run.png").write_bytes(b"x")
    assert tree_state(tmp_path) == {}

    (tmp_path / "shot.png").write_bytes(b"two")
    modified = tree_state(tmp_path)
    assert modified is not None and tree_changes(clean, modified) == ["shot.png"]

    (tmp_path / "shot.png").write_bytes(b"three")  # rewritten while already modified
    (tmp_path / "new.txt").write_text("n")
    again = tree_state(tmp_path)
    assert again is not None and tree_changes(modified, again) == ["new.txt", "shot.png"]


def test_tree_state_outside_git_is_none(tmp_path: Path) -> None:
    assert tree_state(tmp_path / "missing") is None
