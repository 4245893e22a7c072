"""Canonical bytes of a transparency-log entry and the JSON export document (pure)."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Any

ENTRY_VERSION = 1
EXPORT_FORMAT = "sar-coord-transparency-log/v1"


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, bytes):
        return obj.hex()
    if isinstance(obj, set | frozenset | tuple):
        return sorted(obj) if isinstance(obj, set | frozenset) else list(obj)
    raise TypeError(f"cannot log a {type(obj).__name__} value")


def canonical_json(doc: Any) -> bytes:
    """Return compact, key-sorted UTF-8 JSON: the same document always gives the same bytes."""
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    ).encode()


def encode_entry(
    index: int,
    kind: str,
    logged_at: datetime,
    payload: dict[str, Any],
    refs: dict[str, Any] | None = None,
) -> bytes:
    """Return the entry bytes for leaf `index`; the index is inside so rows cannot be swapped.

    `refs` (case_id, vessel_mmsis, port_locode, outcome) are the filter columns, covered too.
    """
    if logged_at.tzinfo is None:
        raise ValueError("logged_at must be timezone-aware UTC")
    return canonical_json(
        {
            "v": ENTRY_VERSION,
            "i": index,
            "kind": kind,
            "at": logged_at.isoformat(),
            "refs": refs or {},
            "payload": payload,
        }
    )


def decode_entry(raw: bytes) -> dict[str, Any]:
    """Parse entry bytes back into a dict (raises ValueError on malformed JSON)."""
    doc = json.loads(raw.decode())
    if not isinstance(doc, dict):
        raise ValueError("entry is not a JSON object")
    return doc


def b64(raw: bytes) -> str:
    """Return standard base64 text."""
    return base64.b64encode(raw).decode()
