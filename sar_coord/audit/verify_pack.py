"""Offline check of an evidence pack: every entry, its inclusion proof, the signatures (pure)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from sar_coord.audit import merkle
from sar_coord.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    NoteVerifier,
    open_checkpoint,
    split_note,
)
from sar_coord.audit.entry import decode_entry

MANIFEST = "manifest.json"
MANIFEST_NOTE = "manifest.note"


@dataclass
class PackReport:
    """Outcome of verifying one evidence pack."""

    entries: int = 0
    proofs_verified: int = 0
    checkpoint: Checkpoint | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether no problem was found."""
        return not self.problems


def is_evidence_pack(data: bytes) -> bool:
    """Return whether `data` is a zip archive (an evidence pack, not a JSON export)."""
    return data[:4] == b"PK\x03\x04"


def _verifier(zf: zipfile.ZipFile, pinned: str | None, report: PackReport) -> NoteVerifier | None:
    key = pinned
    if key is None:
        try:
            key = zf.read("verifier_key.txt").decode().strip()
        except KeyError:
            report.problems.append("no verifier key: pass --verifier-key")
            return None
        report.notes.append(
            "verifier key taken from the pack itself; pin the RCC's published key with"
            " --verifier-key, or anyone could have built this pack"
        )
    try:
        return NoteVerifier.from_key_string(key)
    except CheckpointError as exc:
        report.problems.append(f"verifier key: {exc}")
        return None


def _check_manifest(
    zf: zipfile.ZipFile, verifier: NoteVerifier | None, report: PackReport
) -> dict[str, Any]:
    try:
        raw = zf.read(MANIFEST)
        manifest = json.loads(raw)
    except (KeyError, ValueError) as exc:
        report.problems.append(f"{MANIFEST}: missing or unreadable ({exc})")
        return {}
    try:
        note = zf.read(MANIFEST_NOTE).decode()
    except KeyError:
        report.problems.append(f"{MANIFEST_NOTE} missing: the manifest is not signed")
        note = None
    if note is not None and verifier is not None:
        try:
            text, sigs = split_note(note)
            signed = any(
                name == verifier.name
                and sig[:4] == verifier.key_id
                and verifier.verify(text, sig[4:])
                for name, sig in sigs
            )
            if not signed:
                report.problems.append(f"{MANIFEST_NOTE}: no valid signature from the pinned key")
            elif text.encode() != raw:
                report.problems.append(f"{MANIFEST}: differs from the signed manifest")
        except CheckpointError as exc:
            report.problems.append(f"{MANIFEST_NOTE}: {exc}")
    names = set(zf.namelist()) - {MANIFEST, MANIFEST_NOTE}
    listed = manifest.get("files") or {}
    for name in sorted(names - set(listed)):
        report.problems.append(f"{name}: not listed in the manifest")
    for name, digest in sorted(listed.items()):
        if name not in names:
            report.problems.append(f"{name}: listed in the manifest but missing")
        elif hashlib.sha256(zf.read(name)).hexdigest() != digest:
            report.problems.append(f"{name}: SHA-256 differs from the manifest: file altered")
    return dict(manifest)


def _json(zf: zipfile.ZipFile, name: str, report: PackReport) -> Any:
    try:
        return json.loads(zf.read(name))
    except (KeyError, ValueError) as exc:
        report.problems.append(f"{name}: missing or unreadable ({exc})")
        return None


def _check_entry(e: Any, report: PackReport) -> tuple[int, bytes] | None:
    if not isinstance(e, dict) or not isinstance(e.get("leaf_index"), int):
        report.problems.append(f"log entry {e!r:.60}: no leaf index")
        return None
    idx = e["leaf_index"]
    try:
        raw = bytes.fromhex(str(e.get("entry_hex", "")))
        inner = decode_entry(raw)
    except (ValueError, binascii.Error) as exc:
        report.problems.append(f"entry {idx}: unreadable entry bytes ({exc})")
        return None
    leaf = merkle.leaf_hash(raw)
    if e.get("leaf_hash") != leaf.hex():
        report.problems.append(f"entry {idx}: leaf hash is not SHA-256(0x00||entry): altered")
    if inner.get("i") != idx:
        report.problems.append(f"entry {idx}: the entry says it is leaf {inner.get('i')}")
    if e.get("entry") != inner:
        report.problems.append(f"entry {idx}: the readable copy differs from the entry bytes")
    return idx, leaf


def _check_proof(
    idx: int, leaf: bytes, proof: Any, cp: Checkpoint | None, report: PackReport
) -> None:
    if not isinstance(proof, dict) or "path" not in proof:
        report.problems.append(f"entry {idx}: no inclusion proof")
        return
    if cp is None:
        return
    if proof.get("tree_size") != cp.size:
        report.problems.append(
            f"entry {idx}: proof is for tree size {proof.get('tree_size')}, the signed"
            f" checkpoint has {cp.size}"
        )
        return
    try:
        path = [bytes.fromhex(p) for p in proof["path"]]
        merkle.verify_inclusion(idx, cp.size, leaf, path, cp.root_hash)
    except (ValueError, TypeError, merkle.ProofError) as exc:
        report.problems.append(f"entry {idx}: inclusion proof fails against the signed root: {exc}")
        return
    report.proofs_verified += 1


def verify_evidence_pack(data: bytes, *, verifier_key: str | None = None) -> PackReport:
    """Check an evidence pack offline: signed manifest and file hashes, the signed checkpoint,
    every log entry's bytes and its inclusion proof against that checkpoint's root."""
    report = PackReport()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        report.problems.append(f"not a zip archive: {exc}")
        return report
    with zf:
        verifier = _verifier(zf, verifier_key, report)
        _check_manifest(zf, verifier, report)
        try:
            note = zf.read("checkpoint.note").decode()
        except KeyError:
            note = None
            report.problems.append("checkpoint.note missing: nothing to prove entries against")
        if note is not None and verifier is not None:
            try:
                report.checkpoint = open_checkpoint(note, [verifier])
            except CheckpointError as exc:
                report.problems.append(f"checkpoint.note: {exc}")
        entries = _json(zf, "log_entries.json", report) or []
        proofs = _json(zf, "inclusion_proofs.json", report) or []
    by_index = {p.get("leaf_index"): p for p in proofs if isinstance(p, dict)}
    report.entries = len(entries)
    for e in entries:
        checked = _check_entry(e, report)
        if checked is not None:
            _check_proof(*checked, by_index.get(checked[0]), report.checkpoint, report)
    return report


def verify_report(
    csv_bytes: bytes, note: str, export: dict[str, Any], *, verifier_key: str | None
) -> list[str]:
    """Check a transparency report offline against a log export; return problems (none: OK).

    The statement must be signed by the log key; its tree size and root must be those of the
    export's first entries; recomputing the report from those entries must give the CSV.
    """
    from sar_coord.audit.transparency import report_csv, report_rows
    from sar_coord.audit.verify import verify_export

    problems: list[str] = []
    checked = verify_export(export, verifier_key=verifier_key)
    problems += [f"export: {p}" for p in checked.problems]
    key = verifier_key or export.get("verifier_key")
    try:
        verifier = NoteVerifier.from_key_string(str(key))
        text, sigs = split_note(note)
    except CheckpointError as exc:
        return [*problems, f"statement: {exc}"]
    if not any(
        name == verifier.name and sig[:4] == verifier.key_id and verifier.verify(text, sig[4:])
        for name, sig in sigs
    ):
        return [*problems, "statement: no valid signature from the log key"]
    fields = dict(line.split(": ", 1) for line in text.splitlines()[1:] if ": " in line)
    try:
        size = int(fields["tree size"])
        root = bytes.fromhex(fields["root"])
    except (KeyError, ValueError) as exc:
        return [*problems, f"statement: unreadable ({exc})"]
    rows = export.get("entries") or []
    if size > len(rows):
        return [*problems, f"statement is for {size} entries, the export has {len(rows)}"]
    raws = [base64.b64decode(r["entry"]) for r in rows[:size]]
    if merkle.root_from_leaf_hashes([merkle.leaf_hash(r) for r in raws]) != root:
        problems.append(f"statement root differs from the export's root at size {size}")
    if hashlib.sha256(csv_bytes).hexdigest() != fields.get("csv sha256"):
        problems.append("report CSV differs from the signed statement (sha256)")
    if report_csv(report_rows(decode_entry(r) for r in raws)) != csv_bytes:
        problems.append("report CSV differs from the counts recomputed from the log")
    return problems
