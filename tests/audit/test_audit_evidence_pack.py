"""Evidence pack: a checkpoint signed at export gives every entry a proof; tampering is caught."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sar_coord.audit.checkpoint import NoteSigner
from sar_coord.audit.cli import app as audit_cli
from sar_coord.audit.config import get_audit_settings
from sar_coord.audit.entry import canonical_json
from sar_coord.audit.service import append_entry, latest_checkpoint
from sar_coord.audit.verify_pack import verify_evidence_pack
from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work
from tests.audit.apphelpers import make_case
from tests.disembarkation.test_designation_history import ASSO28_AT, asso28_body


@pytest.fixture(autouse=True)
def _no_automatic_checkpoints(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the export signs: entries appended in these tests stay after the last checkpoint."""
    monkeypatch.setenv("SAR_AUDIT_CHECKPOINT_EVERY_ENTRIES", "1000000")
    monkeypatch.setenv("SAR_AUDIT_CHECKPOINT_EVERY_MIN", "100000")
    get_audit_settings.cache_clear()
    yield
    get_audit_settings.cache_clear()


async def _pack(fclient, users, db_url: str) -> bytes:  # type: ignore[no-untyped-def]
    """A case with a disembarkation, then one more entry after the latest checkpoint."""
    case_id = await make_case(db_url, lon=13.2, lat=33.6, at=ASSO28_AT)
    r = await fclient.post(
        "/api/v1/disembarkations", json=asso28_body(case_id), headers=users["rcc"]["headers"]
    )
    assert r.status_code == 201, r.text
    engine = make_engine(db_url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as s:
            late = await append_entry(
                s, kind="ship_answer", payload={"answer": "on_scene"}, case_id=case_id
            )
            cp = await latest_checkpoint(s)
            assert cp is not None and cp.tree_size <= late  # not yet signed
    finally:
        await engine.dispose()
    r = await fclient.get(
        f"/api/v1/audit/cases/{case_id}/evidence.zip", headers=users["auditor"]["headers"]
    )
    assert r.status_code == 200
    return r.content


def _verify(tmp: Path, data: bytes, key: str) -> Any:
    path = tmp / "pack.zip"
    path.write_bytes(data)
    return CliRunner().invoke(audit_cli, ["verify", str(path), "--verifier-key", key])


async def test_every_entry_has_a_verifying_proof(
    fclient, users, db_url, log_signer: NoteSigner, tmp_path: Path
) -> None:
    data = await _pack(fclient, users, db_url)
    zf = zipfile.ZipFile(io.BytesIO(data))
    entries = json.loads(zf.read("log_entries.json"))
    proofs = json.loads(zf.read("inclusion_proofs.json"))
    kinds = [e["kind"] for e in entries]
    # The case's entries and the designations its evaluation applied (the cited sources).
    assert kinds.count("disembarkation") == 1 and kinds.count("ship_answer") == 1
    assert "designation" in kinds
    assert len(proofs) == len(entries) and not any("pending_checkpoint" in p for p in proofs)
    assert {p["tree_size"] for p in proofs} == {
        json.loads(zf.read("manifest.json"))["checkpoint"]["tree_size"]
    }

    report = verify_evidence_pack(data, verifier_key=log_signer.verifier_key())
    assert report.ok, report.problems
    assert report.proofs_verified == report.entries == len(entries)
    res = _verify(tmp_path, data, log_signer.verifier_key())
    assert res.exit_code == 0, res.output
    assert f"{len(entries)} of {len(entries)} inclusion proofs verified" in res.output


def _rewrite(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    zf = zipfile.ZipFile(io.BytesIO(data))
    files = {n: zf.read(n) for n in zf.namelist()}
    change(files)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name, raw in files.items():
            out.writestr(name, raw)
    return buf.getvalue()


def _edit_json(name: str, fn: Callable[[Any], None]) -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        doc = json.loads(files[name])
        fn(doc)
        files[name] = json.dumps(doc).encode()

    return change


def _rewrite_an_entry(entries: list[dict[str, Any]]) -> None:
    """Change what an entry says, bytes and readable copy alike (the stored hash is kept)."""
    e = next(e for e in entries if e["kind"] == "compliance_evaluation")
    e["entry"]["payload"]["outcome"] = "pass"
    e["entry_hex"] = canonical_json(e["entry"]).hex()


def _change_readable_outcome(entries: list[dict[str, Any]]) -> None:
    for e in entries:
        if e["kind"] == "compliance_evaluation":
            e["entry"]["payload"]["outcome"] = "pass"


def _drop_a_proof(proofs: list[dict[str, Any]]) -> None:
    proofs.pop()


def _bend_a_path(proofs: list[dict[str, Any]]) -> None:
    path = proofs[0]["path"]
    path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]


def _drop_an_entry(entries: list[dict[str, Any]]) -> None:
    entries.pop(0)


def _rehash_manifest(files: dict[str, bytes]) -> None:
    import hashlib

    forged = b'[{"mmsi": 247000028, "note": "was never there"}]'
    files["tracks.json"] = forged
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["tracks.json"] = hashlib.sha256(forged).hexdigest()
    files["manifest.json"] = (json.dumps(manifest, indent=2) + "\n").encode()


def _forge_checkpoint(files: dict[str, bytes]) -> None:
    note = files["checkpoint.note"].decode()
    lines = note.split("\n")
    lines[2] = "A" * 43 + "="  # another root hash, signature kept
    files["checkpoint.note"] = "\n".join(lines).encode()


DRILLS: dict[str, tuple[Callable[[dict[str, bytes]], None], str]] = {
    "entry rewritten": (
        _edit_json("log_entries.json", _rewrite_an_entry),
        "leaf hash is not SHA-256",
    ),
    "readable copy altered": (
        _edit_json("log_entries.json", _change_readable_outcome),
        "readable copy differs",
    ),
    "proof removed": (_edit_json("inclusion_proofs.json", _drop_a_proof), "no inclusion proof"),
    "proof path bent": (_edit_json("inclusion_proofs.json", _bend_a_path), "inclusion proof fails"),
    "entry removed": (_edit_json("log_entries.json", _drop_an_entry), "differs from the manifest"),
    "file replaced, manifest rehashed": (_rehash_manifest, "differs from the signed manifest"),
    "checkpoint root forged": (_forge_checkpoint, "checkpoint.note"),
    "manifest signature removed": (
        lambda files: files.pop("manifest.note"),
        "manifest.note missing",
    ),
}


@pytest.mark.parametrize("drill", sorted(DRILLS))
async def test_pack_tamper_drill(
    drill: str, fclient, users, db_url, log_signer: NoteSigner, tmp_path: Path
) -> None:
    data = await _pack(fclient, users, db_url)
    change, expected = DRILLS[drill]
    res = _verify(tmp_path, _rewrite(data, change), log_signer.verifier_key())
    assert res.exit_code == 1, res.output
    assert expected in res.output, res.output


async def test_pack_signed_by_another_key_is_refused(
    fclient, users, db_url, log_signer: NoteSigner, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = await _pack(fclient, users, db_url)
    other = NoteSigner(log_signer.name, Ed25519PrivateKey.generate())
    res = _verify(tmp_path, data, other.verifier_key())
    assert res.exit_code == 1
    assert "no signature from a trusted key" in res.output
