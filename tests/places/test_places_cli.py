"""`places designate`/`places show` and `audit export`/`audit verify` against the real database."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sar_coord.audit.cli import app as audit_cli
from sar_coord.core.config import get_settings
from sar_coord.places.cli import app as places_cli


@pytest.fixture
def cli_env(db_url: str, log_signer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SAR_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_designate_show_export_verify(cli_env: None, tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(
        places_cli,
        [
            "designate", "TN", "not_safe", "--port", "TNSFA",
            "--legal-basis", "non-refoulement", "--citation", "test citation (cli)",
            "--body", "test body", "--title", "test title", "--date", "2026-01",
            "--from", "2026-02-01T00:00:00+00:00", "--by", "tester",
        ],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "stored and logged" in r.output
    r = runner.invoke(places_cli, ["show", "TNSFA"])
    assert r.exit_code == 0, r.output
    assert "not_safe" in r.output and "test citation (cli)" in r.output

    r = runner.invoke(
        places_cli,
        ["designate", "TN", "maybe", "--legal-basis", "x" * 5, "--citation", "y" * 5,
         "--body", "b" * 3, "--title", "t" * 5, "--date", "2026", "--from", "2026-02-01"],
    )  # fmt: skip
    assert r.exit_code != 0

    out = tmp_path / "export.json"
    assert runner.invoke(audit_cli, ["checkpoint"]).exit_code == 0
    r = runner.invoke(audit_cli, ["export", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert any(
        json.loads(base64.b64decode(e["entry"]))["payload"].get("locode") == "TNSFA"
        for e in doc["entries"]
    )
    r = runner.invoke(audit_cli, ["verify", str(out), "--verifier-key", doc["verifier_key"]])
    assert r.exit_code == 0, r.output
