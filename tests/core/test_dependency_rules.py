"""Rules import-linter cannot express: who may import pyais."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# decode.py is the reference decoder; simulator/runner.py encodes the simulator's NMEA with pyais.
PYAIS_ALLOWED = {"ais_ingest/decode.py", "ais_ingest/simulator/runner.py"}


def _imports_pyais(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "pyais" for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "pyais":
            return True
    return False


def test_only_decode_and_simulator_import_pyais() -> None:
    offenders = []
    for package in ("sar_coord", "ais_ingest", "alerts"):
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel not in PYAIS_ALLOWED and _imports_pyais(path):
                offenders.append(rel)
    assert offenders == [], f"pyais imported outside {sorted(PYAIS_ALLOWED)}: {offenders}"
    assert _imports_pyais(REPO / "ais_ingest/decode.py")
