"""Auditor API: entries, proofs, checkpoint, exports verified offline, evidence, rescue record."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from sar_coord.audit import merkle
from sar_coord.audit.checkpoint import NoteVerifier, open_checkpoint, split_note
from sar_coord.audit.cli import app as audit_cli
from sar_coord.audit.service import append_entry
from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work
from tests.audit.apphelpers import make_case

T0 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


async def _log_for_case(db_url: str, case_id: int) -> list[int]:
    engine = make_engine(db_url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as s:
            return [
                await append_entry(
                    s,
                    kind="alert_issued",
                    payload={"alert_id": 1, "text": "proceed to datum"},
                    record_id=1,
                    case_id=case_id,
                    vessel_mmsis=[247000001, 247000002],
                ),
                await append_entry(
                    s,
                    kind="ship_answer",
                    payload={"answer": "accept", "eta_min": 95},
                    record_id=7,
                    case_id=case_id,
                    vessel_mmsis=[247000001],
                ),
            ]
    finally:
        await engine.dispose()


async def test_proofs_checkpoint_and_offline_verify(
    fclient, users, db_url, log_signer, tmp_path: Path
) -> None:
    case_id = await make_case(db_url, lon=12.5, lat=35.0, at=T0)
    idx = await _log_for_case(db_url, case_id)
    h = users["auditor"]["headers"]

    r = await fclient.get("/api/v1/audit/checkpoint", headers=h)
    assert r.status_code == 200
    cp = r.json()
    v = NoteVerifier.from_key_string(cp["verifier_key"])
    head = open_checkpoint(cp["note"], [v])
    assert head.size == cp["tree_size"] and head.root_hash.hex() == cp["root_hash"]

    entries = (await fclient.get(f"/api/v1/audit/entries?case_id={case_id}", headers=h)).json()
    assert [e["leaf_index"] for e in entries] == idx
    for e in entries:
        if e["leaf_index"] >= head.size:
            continue
        p = (
            await fclient.get(f"/api/v1/audit/entries/{e['leaf_index']}/inclusion", headers=h)
        ).json()
        leaf = merkle.leaf_hash(base64.b64decode(e["entry_b64"]))
        assert leaf.hex() == e["leaf_hash"] == p["leaf_hash"]
        merkle.verify_inclusion(
            e["leaf_index"],
            p["tree_size"],
            leaf,
            [bytes.fromhex(x) for x in p["path"]],
            head.root_hash,
        )
    r = await fclient.get(f"/api/v1/audit/consistency?first=2&second={head.size}", headers=h)
    c = r.json()
    merkle.verify_consistency(
        2, head.size, [bytes.fromhex(x) for x in c["path"]],
        bytes.fromhex(c["first_root"]), head.root_hash,
    )  # fmt: skip
    r = await fclient.get(f"/api/v1/audit/consistency?first=5&second={10**9}", headers=h)
    assert r.status_code == 400

    trusted = (await fclient.get("/api/v1/audit/checkpoint.note", headers=h)).text
    (tmp_path / "trusted.note").write_text(trusted)
    r = await fclient.get("/api/v1/audit/export.json", headers=h)
    assert r.status_code == 200
    (tmp_path / "export.json").write_text(r.text)
    res = CliRunner().invoke(
        audit_cli,
        ["verify", str(tmp_path / "export.json"), "--trusted-checkpoint",
         str(tmp_path / "trusted.note"), "--verifier-key", cp["verifier_key"]],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "OK:" in res.output

    r = await fclient.get(f"/api/v1/audit/export.csv?case_id={case_id}", headers=h)
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(x["leaf_index"]) for x in rows] == idx
    assert json.loads(rows[0]["entry"])["kind"] == "alert_issued"

    for who in ("rcc", "master"):
        r = await fclient.get("/api/v1/audit/export.json", headers=users[who]["headers"])
        assert r.status_code == 403
    r = await fclient.get("/api/v1/audit/entries", headers=users["master"]["headers"])
    assert r.status_code == 403


async def test_evidence_pack(fclient, users, db_url, log_signer) -> None:
    case_id = await make_case(db_url, lon=12.6, lat=35.1, at=T0)
    await _log_for_case(db_url, case_id)
    await _alert_rows(db_url, case_id)
    await _positions(db_url)
    r = await fclient.get(
        f"/api/v1/audit/cases/{case_id}/evidence.zip", headers=users["auditor"]["headers"]
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(zf.namelist())
    expected = {"manifest.json", "case.json", "timeline.json", "tracks.json", "log_entries.json",
                "disembarkations.json", "inclusion_proofs.json", "verifier_key.txt"}  # fmt: skip
    assert expected <= names
    manifest = json.loads(zf.read("manifest.json"))
    import hashlib

    for name, digest in manifest["files"].items():
        assert hashlib.sha256(zf.read(name)).hexdigest() == digest
    entries = json.loads(zf.read("log_entries.json"))
    assert [e["kind"] for e in entries] == ["alert_issued", "ship_answer"]
    aa = json.loads(zf.read("alerts_and_answers.json"))
    assert [a["message"] for a in aa["alerts"]] == ["Rubber boat 60 POB, proceed to datum"]
    assert len(aa["recipients"]) == 2 and aa["answers"][0]["kind"] == "accept"
    tracks = [t for t in json.loads(zf.read("tracks.json")) if t["mmsi"] in TRACK_MMSIS]
    # Only the ship 10 nm from the datum within the window; not the one 120 nm away, nor the
    # report from 7 h before the datum.
    assert [(t["mmsi"], t["lat"], t["lon"]) for t in tracks] == [(TRACK_MMSIS[0], 35.25, 12.6)]
    r = await fclient.get(
        "/api/v1/audit/cases/999999999/evidence.zip", headers=users["auditor"]["headers"]
    )
    assert r.status_code == 404


TRACK_MMSIS = (247_900_001, 247_900_002, 247_900_003)


async def _positions(db_url: str) -> None:
    """Positions as ingest writes them: one near the datum, one far, one too early."""
    engine = make_engine(db_url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as s:
            for mmsi, lon, lat, hours in (
                (TRACK_MMSIS[0], 12.6, 35.25, 1),
                (TRACK_MMSIS[1], 12.6, 37.1, 1),
                (TRACK_MMSIS[2], 12.6, 35.25, -7),
            ):
                await s.execute(
                    text(
                        "INSERT INTO vessel_position (mmsi, received_at, position, sog_kn)"
                        " VALUES (:m, :at, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography,"
                        " 10.0)"
                    ),
                    {"m": mmsi, "at": T0 + timedelta(hours=hours), "lon": lon, "lat": lat},
                )
    finally:
        await engine.dispose()


async def _alert_rows(db_url: str, case_id: int) -> None:
    """An alert to two ships and one answer, as the alerts feature stores them (plain SQL)."""
    engine = make_engine(db_url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as s:
            alert_id = await s.scalar(
                text(
                    "INSERT INTO alert (case_id, kind, message, status, issued_by, issued_at,"
                    " updated_at) VALUES (:c, 'targeted', 'Rubber boat 60 POB, proceed to datum',"
                    " 'active', 'MRCC Rome', :t, :t) RETURNING id"
                ),
                {"c": case_id, "t": T0},
            )
            for mmsi in (247000001, 247000002):
                await s.execute(
                    text(
                        "INSERT INTO alert_recipient (alert_id, mmsi, reachable, resolved_at)"
                        " VALUES (:a, :m, true, :t)"
                    ),
                    {"a": alert_id, "m": mmsi, "t": T0},
                )
            await s.execute(
                text(
                    "INSERT INTO ship_answer (alert_id, case_id, mmsi, client_msg_id, kind, data,"
                    " received_at) VALUES (:a, :c, 247000001, :cm, 'accept',"
                    " CAST('{\"eta_min\": 95}' AS jsonb), :t)"
                ),
                {"a": alert_id, "c": case_id, "cm": f"m-{case_id}", "t": T0},
            )
    finally:
        await engine.dispose()


async def test_rescue_record_signed_for_master(fclient, users, db_url, log_signer) -> None:
    case_id = await make_case(db_url, lon=12.7, lat=35.2, at=T0)
    idx = await _log_for_case(db_url, case_id)
    await _alert_rows(db_url, case_id)
    r = await fclient.post(
        "/api/v1/audit/rescue-records",
        json={"case_id": case_id, "mmsi": 247000001},
        headers=users["master"]["headers"],
    )
    assert r.status_code == 201, r.text
    rec = r.json()
    statement, sigs = split_note(rec["note"])
    v = NoteVerifier.from_key_string(rec["verifier_key"])
    assert v.verify(statement, sigs[0][1][4:])
    assert (
        f"leaf {idx[0]}" in statement and "alert_issued" in statement and "ship_answer" in statement
    )
    assert "MMSI 247000001" in statement
    assert "Rubber boat 60 POB, proceed to datum" in statement and "issued" in statement
    assert "accept to alert" in statement and "eta_min" in statement
    assert not v.verify(statement.replace("accept", "decline"), sigs[0][1][4:])
    # a master may only ask for their own vessel; auditors cannot issue records
    r = await fclient.post(
        "/api/v1/audit/rescue-records",
        json={"case_id": case_id, "mmsi": 247000002},
        headers=users["master"]["headers"],
    )
    assert r.status_code == 403
    r = await fclient.post(
        "/api/v1/audit/rescue-records",
        json={"case_id": case_id, "mmsi": 247000002},
        headers=users["auditor"]["headers"],
    )
    assert r.status_code == 403
    entries = (
        await fclient.get(
            f"/api/v1/audit/entries?case_id={case_id}&kind=rescue_record",
            headers=users["rcc"]["headers"],
        )
    ).json()
    assert [e["leaf_index"] for e in entries] == [rec["leaf_index"]]
