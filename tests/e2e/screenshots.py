"""Refresh frontend/docs/screenshots/ by running the browser tests with SAR_DOC_SCREENSHOTS=1."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.e2e.conftest import DOC_SCREENSHOTS, DOC_SCREENSHOTS_DIR, REPO_ROOT


def main(argv: list[str]) -> int:
    """Run tests/e2e (extra pytest arguments pass through); the screenshots land in the docs."""
    env = dict(os.environ, SAR_DOC_SCREENSHOTS="1")
    command = [sys.executable, "-m", "pytest", "tests/e2e", "-m", "e2e", "-q", *argv]
    status = subprocess.call(command, cwd=REPO_ROOT, env=env)
    rel = DOC_SCREENSHOTS_DIR.relative_to(REPO_ROOT)
    print(f"documentation screenshots ({len(DOC_SCREENSHOTS)}) refreshed in {rel}/")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
