"""Transparency report: counts only, signed, recomputed offline from the log; changes caught."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from sar_coord.audit.cli import app as audit_cli
from sar_coord.audit.transparency import COLUMNS
from tests.audit.apphelpers import make_case
from tests.disembarkation.test_designation_history import ASSO28_AT, asso28_body


async def test_report_is_signed_counts_only_and_verifies_offline(
    fclient, users, db_url, log_signer, tmp_path: Path
) -> None:
    case_id = await make_case(db_url, lon=13.2, lat=33.6, at=ASSO28_AT)
    r = await fclient.post(
        "/api/v1/disembarkations", json=asso28_body(case_id), headers=users["rcc"]["headers"]
    )
    assert r.status_code == 201, r.text
    h = users["auditor"]["headers"]
    for who in ("rcc", "master"):
        r = await fclient.get(
            "/api/v1/audit/transparency-report.csv", headers=users[who]["headers"]
        )
        assert r.status_code == 403
    data = (await fclient.get("/api/v1/audit/transparency-report.csv", headers=h)).content
    note = (await fclient.get("/api/v1/audit/transparency-report.note", headers=h)).text
    page = (await fclient.get("/api/v1/audit/transparency-report.html", headers=h)).text
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert tuple(rows[0]) == COLUMNS
    july = [x for x in rows if x["month"] == "2018-07" and x["port"] == "LYTIP"]
    outcome = next(x for x in july if x["section"] == "outcome" and x["flag_mid"] == "642")
    assert outcome["outcome"] == "violation" and int(outcome["landings"]) >= 1
    assert int(outcome["persons"]) >= 101
    assert any(x["rule"] == "a_place_not_safe" and x["outcome"] == "violation" for x in july)
    assert "Amina" not in data.decode() and "tree size:" in note
    assert "<table>" in page and "sar-coord-transparency-report/v1" in page

    # The export is taken after the report: later entries do not matter, the statement names
    # the tree size it was computed from.
    export = (await fclient.get("/api/v1/audit/export.json", headers=h)).json()
    (tmp_path / "r.csv").write_bytes(data)
    (tmp_path / "r.note").write_text(note)
    (tmp_path / "export.json").write_text(json.dumps(export))
    args = ["verify-report", str(tmp_path / "r.csv"), str(tmp_path / "r.note"),
            str(tmp_path / "export.json"), "--verifier-key", log_signer.verifier_key()]  # fmt: skip
    res = CliRunner().invoke(audit_cli, args)
    assert res.exit_code == 0, res.output

    # A changed count is caught, even with a matching digest in a forged, unsigned statement.
    forged = data.replace(b",violation,", b",pass,", 1)
    (tmp_path / "r.csv").write_bytes(forged)
    res = CliRunner().invoke(audit_cli, args)
    assert res.exit_code == 1 and "differs from the signed statement" in res.output
    import hashlib

    old_digest = hashlib.sha256(data).hexdigest()
    (tmp_path / "r.note").write_text(note.replace(old_digest, hashlib.sha256(forged).hexdigest()))
    res = CliRunner().invoke(audit_cli, args)
    assert res.exit_code == 1 and "no valid signature" in res.output
