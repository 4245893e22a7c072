"""Build the JSON export document from log rows and checkpoints (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sar_coord.audit.checkpoint import Checkpoint, NoteSigner
from sar_coord.audit.entry import EXPORT_FORMAT, b64, encode_entry
from sar_coord.audit.merkle import CompactRange, leaf_hash


@dataclass(frozen=True)
class LogRow:
    """One stored log entry: leaf index, kind, entry bytes, stored leaf hash, time (UTC), and
    the stored filter columns (which must equal the entry's refs)."""

    index: int
    kind: str
    entry: bytes
    leaf_hash: bytes
    logged_at: datetime
    refs: dict[str, Any] | None = None


def build_export(
    *,
    origin: str,
    verifier_key: str,
    rows: Iterable[LogRow],
    checkpoint_notes: Iterable[str],
) -> dict[str, Any]:
    """Return the export document read by `sar-coord audit verify`."""
    return {
        "format": EXPORT_FORMAT,
        "origin": origin,
        "verifier_key": verifier_key,
        "entries": [
            {
                "index": r.index,
                "kind": r.kind,
                "logged_at": r.logged_at.isoformat(),
                "entry": b64(r.entry),
                "leaf_hash": r.leaf_hash.hex(),
                **({"refs": r.refs} if r.refs is not None else {}),
            }
            for r in rows
        ],
        "checkpoints": [{"note": n} for n in checkpoint_notes],
    }


def demo_log(
    signer: NoteSigner, origin: str, payloads: list[dict[str, Any]], at: datetime, every: int
) -> tuple[list[LogRow], list[str]]:
    """Build rows and a signed checkpoint every `every` entries (used by tests and demos)."""
    rows: list[LogRow] = []
    notes: list[str] = []
    acc = CompactRange()
    for i, payload in enumerate(payloads):
        raw = encode_entry(i, "test", at, payload)
        lh = leaf_hash(raw)
        rows.append(LogRow(i, "test", raw, lh, at))
        acc.append(lh)
        if acc.size % every == 0 or i == len(payloads) - 1:
            notes.append(signer.sign(Checkpoint(origin, acc.size, acc.root()).body()))
    return rows, notes
