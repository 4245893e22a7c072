"""Evidence pack (zip) for one case, and signed rescue records for masters."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit import merkle, service
from sar_coord.audit.entry import canonical_json, decode_entry
from sar_coord.audit.models import TransparencyLogEntry
from sar_coord.audit.repository import EntryFilter, list_entries
from sar_coord.audit.sources import TrackWindow, sources
from sar_coord.core.geo import nm_to_m
from sar_coord.core.time import utcnow

TRACK_RADIUS_NM = 50.0
TRACK_BEFORE_H = 6
TRACK_AFTER_H = 72
TRACK_LIMIT = 200_000


async def _tracks(session: AsyncSession, case: dict[str, Any]) -> list[dict[str, Any]]:
    """Positions within TRACK_RADIUS_NM of the datum, from 6 h before to 72 h after it."""
    start = case["datum_at"] - timedelta(hours=TRACK_BEFORE_H)
    end = (case["closed_at"] or case["datum_at"] + timedelta(hours=TRACK_AFTER_H)) + timedelta(
        hours=1
    )
    window = TrackWindow(
        lon=case["lon"],
        lat=case["lat"],
        start_at=start,
        end_at=end,
        radius_m=nm_to_m(TRACK_RADIUS_NM),
        limit=TRACK_LIMIT,
    )
    return await sources().tracks(session, window)


def _entry_doc(e: TransparencyLogEntry) -> dict[str, Any]:
    return {
        "leaf_index": e.leaf_index,
        "kind": e.kind,
        "logged_at": e.logged_at,
        "leaf_hash": e.leaf_hash.hex(),
        "entry": decode_entry(e.entry),
        "entry_hex": e.entry.hex(),
    }


async def _proofs(
    session: AsyncSession, entries: list[TransparencyLogEntry]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    cp = await service.latest_checkpoint(session)
    if cp is None:
        return None, []
    tree = merkle.MerkleTree(await service.leaf_hashes(session, cp.tree_size))

    proofs: list[dict[str, Any]] = []
    for e in entries:
        if e.leaf_index >= cp.tree_size:
            proofs.append({"leaf_index": e.leaf_index, "pending_checkpoint": True})
            continue
        path = tree.inclusion_proof(e.leaf_index, cp.tree_size)
        proofs.append(
            {
                "leaf_index": e.leaf_index,
                "tree_size": cp.tree_size,
                "leaf_hash": e.leaf_hash.hex(),
                "path": [p.hex() for p in path],
            }
        )
    head = {"tree_size": cp.tree_size, "root_hash": cp.root_hash.hex(), "note": cp.note}
    return head, proofs


async def _cited_designations(
    session: AsyncSession, disembarkations: list[dict[str, Any]]
) -> list[TransparencyLogEntry]:
    """Log entries of the designations the case's evaluations applied (the cited sources)."""
    ids = {
        int(d["id"])
        for rec in disembarkations
        for ev in rec["evaluations"]
        for d in ev.get("designations") or []
    }
    if not ids:
        return []
    rows = await session.scalars(
        select(TransparencyLogEntry).where(
            TransparencyLogEntry.kind == "designation",
            TransparencyLogEntry.record_id.in_(ids),
        )
    )
    return list(rows.all())


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, indent=2, default=str, ensure_ascii=False).encode()


async def build_evidence_pack(session: AsyncSession, case_id: int) -> bytes:
    """Return a zip: case, timeline, tracks, logged alerts/answers, disembarkations, proofs."""
    src = sources()
    case = await src.case(session, case_id)
    # A fresh checkpoint at export, so every entry in the pack has an inclusion proof; signing
    # takes the log lock until this transaction ends, so no entry can land after it unseen.
    await service.sign_checkpoint(session)
    disembarkations = await src.disembarkations(session, case_id)
    entries = await list_entries(session, EntryFilter(case_id=case_id), limit=None)
    entries += await _cited_designations(session, disembarkations)
    entries.sort(key=lambda e: e.leaf_index)
    head, proofs = await _proofs(session, entries)
    files: dict[str, bytes] = {
        "case.json": _dump(case),
        "timeline.json": _dump(await src.timeline(session, case_id)),
        "tracks.json": _dump(await _tracks(session, case)),
        "log_entries.json": _dump([_entry_doc(e) for e in entries]),
        "alerts_and_answers.json": _dump(await src.alerts_and_answers(session, case_id, None)),
        "disembarkations.json": _dump(disembarkations),
        "inclusion_proofs.json": _dump(proofs),
    }
    if head is not None:
        files["checkpoint.note"] = head["note"].encode()
    files["verifier_key.txt"] = (service.get_signer().verifier_key() + "\n").encode()
    manifest = {
        "case_id": case_id,
        "case_reference": case["reference"],
        "generated_at": utcnow().isoformat(),
        "checkpoint": {k: v for k, v in (head or {}).items() if k != "note"},
        "track_window": {
            "radius_nm": TRACK_RADIUS_NM,
            "before_h": TRACK_BEFORE_H,
            "after_h_if_open": TRACK_AFTER_H,
        },
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        "how_to_verify": "sar-coord audit verify PACK.zip --verifier-key KEY: each log"
        " entry's leaf_hash is SHA-256(0x00||entry bytes); each inclusion proof leads to the"
        " checkpoint root (RFC 9162), signed at export so every entry has one; the checkpoint"
        " note and manifest.note are signed by the log key (C2SP signed note); every file's"
        " SHA-256 is in this manifest. Only log entries are covered by the log itself: case,"
        " timeline, tracks and alert rows are as the database held them at export.",
    }
    manifest_raw = _dump(manifest) + b"\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", manifest_raw)
        zf.writestr("manifest.note", service.get_signer().sign(manifest_raw.decode()))
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _line(value: Any, limit: int = 400) -> str:
    raw = canonical_json(value).decode()
    raw = "".join(c if c >= " " else " " for c in raw)
    return raw if len(raw) <= limit else raw[: limit - 3] + "..."


async def issue_rescue_record(
    session: AsyncSession, *, case_id: int, mmsi: int, issued_by: str
) -> tuple[str, int]:
    """Sign a statement of what the RCC asked this vessel and what it did; log it.

    Returns (signed note, leaf index). The statement lists every transparency-log entry for the
    case that names the vessel (alerts, answers, disembarkations, evaluations), with leaf
    indices, and the alert and answer records for the vessel.
    """
    src = sources()
    case = await src.case(session, case_id)
    entries = await list_entries(session, EntryFilter(case_id=case_id, mmsi=mmsi), limit=None)
    now = utcnow()
    lines = [
        "sar-coord rescue record",
        f"case: {case['reference']} (id {case_id})",
        f"vessel: MMSI {mmsi}",
        f"issued at: {now.isoformat()}",
        f"issued by: {issued_by}",
        f"responsible RCC: {case['responsible_rcc'] or 'not recorded'}",
        "",
        f"Logged requests and actions naming this vessel ({len(entries)}):",
    ]
    for e in entries:
        doc = decode_entry(e.entry)
        lines.append(f"- leaf {e.leaf_index} {e.logged_at.isoformat()} {e.kind}")
        lines.append(f"  {_line(doc.get('payload'))}")
    if not entries:
        lines.append("- none: the log holds no request to or action by this vessel for this case")
    db = await src.alerts_and_answers(session, case_id, mmsi)
    lines.append("")
    lines.append("RCC alerts received by this vessel (alert records):")
    for a in db["alerts"]:
        lines.append(
            f"- alert {a.get('id')} issued {a.get('issued_at')} by {a.get('issued_by')}:"
            f" {_line(a.get('message'), 300)}"
        )
    if not db["alerts"]:
        lines.append("- none recorded")
    lines.append("Answers from this vessel:")
    for ans in db["answers"]:
        lines.append(
            f"- {ans.get('received_at')} {ans.get('kind')} to alert {ans.get('alert_id')}:"
            f" {_line(ans.get('data'), 300)}"
        )
    if not db["answers"]:
        lines.append("- none recorded")
    lines.append("")
    text_ = "\n".join(lines) + "\n"
    digest = hashlib.sha256(text_.encode()).hexdigest()
    index = await service.append_entry(
        session,
        kind="rescue_record",
        payload={
            "case_id": case_id,
            "mmsi": mmsi,
            "statement_sha256": digest,
            "entries": [e.leaf_index for e in entries],
            "issued_by": issued_by,
        },
        case_id=case_id,
        vessel_mmsis=[mmsi],
    )
    statement = text_ + f"logged as leaf {index} (statement sha256 {digest})\n"
    return service.get_signer().sign(statement), index
