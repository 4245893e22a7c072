"""Offline verification of a transparency-log export: tree, signatures, consistency (pure)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from sar_coord.audit import merkle
from sar_coord.audit.checkpoint import Checkpoint, CheckpointError, NoteVerifier, open_checkpoint
from sar_coord.audit.entry import EXPORT_FORMAT, decode_entry


@dataclass
class VerifyReport:
    """Outcome of verifying one export: problems found and facts established."""

    entries: int = 0
    checkpoints_verified: int = 0
    root_hash: bytes = b""
    latest_checkpoint: Checkpoint | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether no problem was found."""
        return not self.problems


def _load_entries(doc: dict[str, Any], report: VerifyReport) -> list[bytes]:
    hashes: list[bytes] = []
    rows = doc.get("entries")
    if not isinstance(rows, list):
        report.problems.append("export has no 'entries' list")
        return hashes
    for pos, row in enumerate(rows):
        if not isinstance(row, dict):
            report.problems.append(f"entry at position {pos} is not an object")
            hashes.append(merkle.leaf_hash(b""))
            continue
        idx = row.get("index")
        if idx != pos:
            report.problems.append(
                f"entry at position {pos} has leaf index {idx}: rows missing, duplicated or"
                " reordered"
            )
        try:
            raw = base64.b64decode(row["entry"], validate=True)
        except (KeyError, binascii.Error, TypeError) as exc:
            report.problems.append(f"entry {idx}: unreadable entry bytes ({exc})")
            raw = b""
        leaf = merkle.leaf_hash(raw)
        stored = row.get("leaf_hash")
        if stored is not None and stored != leaf.hex():
            report.problems.append(
                f"entry {idx}: stored leaf hash {str(stored)[:16]}... does not match"
                f" SHA-256(0x00||entry) {leaf.hex()[:16]}...: entry bytes were altered"
            )
        try:
            inner = decode_entry(raw)
            if inner.get("i") != idx:
                report.problems.append(
                    f"entry {idx}: entry says it is leaf {inner.get('i')}: rows were swapped"
                    " or moved"
                )
            _check_columns(idx, row, inner, report)
        except ValueError as exc:
            report.problems.append(f"entry {idx}: entry is not valid JSON ({exc})")
        hashes.append(leaf)
    return hashes


def _check_columns(
    idx: object, row: dict[str, Any], inner: dict[str, Any], report: VerifyReport
) -> None:
    """The stored kind and filter columns must say what the signed entry says."""
    if "kind" in row and row["kind"] != inner.get("kind"):
        report.problems.append(
            f"entry {idx}: stored kind {row['kind']!r} differs from the entry's"
            f" {inner.get('kind')!r}"
        )
    refs = row.get("refs")
    if isinstance(refs, dict):
        logged = inner.get("refs") or {}
        for key, value in refs.items():
            if logged.get(key) != value:
                report.problems.append(
                    f"entry {idx}: stored {key} {value!r} differs from the entry's"
                    f" {logged.get(key)!r}: filter columns were altered"
                )


def _verifiers(
    doc: dict[str, Any], pinned_key: str | None, report: VerifyReport
) -> list[NoteVerifier]:
    key = pinned_key or doc.get("verifier_key")
    if not key:
        report.problems.append("no verifier key: pass --verifier-key or include one in the export")
        return []
    if not pinned_key:
        report.notes.append(
            "verifier key taken from the export itself; pin it with --verifier-key or rely on"
            " --trusted-checkpoint to detect a replaced key"
        )
    try:
        return [NoteVerifier.from_key_string(key)]
    except CheckpointError as exc:
        report.problems.append(f"verifier key: {exc}")
        return []


def verify_export(
    doc: dict[str, Any],
    *,
    trusted_note: str | None = None,
    verifier_key: str | None = None,
) -> VerifyReport:
    """Recompute the tree from `doc`, check every checkpoint and consistency with a trusted one."""
    report = VerifyReport()
    if doc.get("format") != EXPORT_FORMAT:
        report.problems.append(f"unknown export format {doc.get('format')!r}")
        return report
    hashes = _load_entries(doc, report)
    n = report.entries = len(hashes)
    verifiers = _verifiers(doc, verifier_key, report)
    origin = doc.get("origin")

    roots: dict[int, bytes] = {}
    acc = merkle.CompactRange()
    roots[0] = acc.root()
    for h in hashes:
        acc.append(h)
        roots[acc.size] = acc.root()
    report.root_hash = roots[n]

    seen: dict[int, bytes] = {}
    for i, item in enumerate(doc.get("checkpoints") or []):
        note = item.get("note", "") if isinstance(item, dict) else ""
        try:
            cp = open_checkpoint(note, verifiers)
        except CheckpointError as exc:
            report.problems.append(f"checkpoint #{i}: signature check failed: {exc}")
            continue
        report.checkpoints_verified += 1
        if origin and cp.origin != origin:
            report.problems.append(f"checkpoint #{i}: origin {cp.origin!r}, expected {origin!r}")
        if cp.size in seen and seen[cp.size] != cp.root_hash:
            report.problems.append(
                f"two validly signed checkpoints for tree size {cp.size} with different roots:"
                " the log presented a split view (equivocation)"
            )
        seen.setdefault(cp.size, cp.root_hash)
        if cp.size > n:
            report.problems.append(
                f"checkpoint #{i} commits to {cp.size} entries but the export has {n}:"
                " entries were removed from the tail"
            )
        elif roots[cp.size] != cp.root_hash:
            report.problems.append(
                f"checkpoint #{i} (size {cp.size}): recomputed root"
                f" {roots[cp.size].hex()[:16]}... differs from the signed root"
                f" {cp.root_hash.hex()[:16]}...: logged entries were changed"
            )
        if report.latest_checkpoint is None or cp.size >= report.latest_checkpoint.size:
            report.latest_checkpoint = cp

    if trusted_note is not None:
        _check_trusted(trusted_note, verifiers, hashes, roots, report)
    return report


def _check_trusted(
    note: str,
    verifiers: list[NoteVerifier],
    hashes: list[bytes],
    roots: dict[int, bytes],
    report: VerifyReport,
) -> None:
    try:
        trusted = open_checkpoint(note, verifiers)
    except CheckpointError as exc:
        report.problems.append(f"trusted checkpoint: {exc}")
        return
    n = len(hashes)
    if trusted.size > n:
        report.problems.append(
            f"trusted checkpoint has {trusted.size} entries but the export only {n}:"
            " the log was truncated or rolled back"
        )
        return
    latest = report.latest_checkpoint
    size2, root2 = (latest.size, latest.root_hash) if latest else (n, roots[n])
    if size2 < trusted.size:
        size2, root2 = n, roots[n]
    proof = merkle.consistency_proof(hashes, trusted.size, size2)
    try:
        merkle.verify_consistency(trusted.size, size2, proof, trusted.root_hash, root2)
    except merkle.ProofError as exc:
        report.problems.append(
            f"export is not consistent with the trusted checkpoint (size {trusted.size}): {exc};"
            " history was rewritten"
        )
        return
    report.notes.append(f"consistent with trusted checkpoint at size {trusted.size} -> {size2}")
