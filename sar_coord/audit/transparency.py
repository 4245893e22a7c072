"""Transparency report (pure): landings by month, port, flag and rule outcome, from the log."""

from __future__ import annotations

import csv
import hashlib
import html
import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

REPORT_FORMAT = "sar-coord-transparency-report/v1"
COLUMNS = ("section", "month", "port", "flag_mid", "rule", "outcome", "landings", "persons")


def _flag_mid(mmsi: Any) -> str:
    """Maritime identification digits of a ship MMSI (the flag administration), else 'other'."""
    text = str(mmsi or "")
    return text[:3] if len(text) == 9 and text[0] in "234567" else "other"


def report_rows(entries: Iterable[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Aggregate decoded log entries (in leaf order) into report rows; counts only.

    Each landing counts once, with the evaluation made when it was recorded (re-evaluations,
    which name who asked for them, are not counted). No field of a row identifies a person.
    """
    landings: dict[int, dict[str, Any]] = {}
    evaluation: dict[int, dict[str, Any]] = {}
    for e in entries:
        payload = e.get("payload") or {}
        if e.get("kind") == "disembarkation" and isinstance(payload.get("id"), int):
            landings[payload["id"]] = payload
        elif e.get("kind") == "compliance_evaluation" and not payload.get("requested_by"):
            did = payload.get("disembarkation_id")
            if isinstance(did, int):
                evaluation.setdefault(did, payload)
    totals: Counter[tuple[str, ...]] = Counter()
    persons: Counter[tuple[str, ...]] = Counter()
    for did, d in landings.items():
        month = str(d.get("disembarked_at", ""))[:7]
        port = str(d.get("port_locode", ""))
        flag = _flag_mid(d.get("disembarking_mmsi"))
        total = int((d.get("persons") or {}).get("total", 0))
        ev = evaluation.get(did) or {}
        keys = [("outcome", month, port, flag, "", str(ev.get("outcome", "not evaluated")))]
        keys += [
            ("rule", month, port, flag, str(r.get("rule", "")), str(r.get("outcome", "")))
            for r in ev.get("results") or []
        ]
        for key in keys:
            totals[key] += 1
            persons[key] += total
    return [(*key, str(totals[key]), str(persons[key])) for key in sorted(totals)]


def report_csv(rows: list[tuple[str, ...]]) -> bytes:
    """Return the report as CSV (header row first, \\n line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buf.getvalue().encode()


def report_statement(csv_bytes: bytes, tree_size: int, root_hex: str, origin: str) -> str:
    """Return the text to sign: which log state the CSV was computed from, and its SHA-256."""
    return (
        f"{REPORT_FORMAT}\n"
        f"log: {origin}\n"
        f"tree size: {tree_size}\n"
        f"root: {root_hex}\n"
        f"csv sha256: {hashlib.sha256(csv_bytes).hexdigest()}\n"
    )


def report_html(rows: list[tuple[str, ...]], signed_note: str) -> str:
    """Return a printable HTML page of the report with its signed statement."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Transparency report</title><style>body{font:12px sans-serif;margin:2em}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
        "pre{white-space:pre-wrap}@media print{a{display:none}}</style></head><body>"
        "<h1>Disembarkations and compliance: transparency report</h1>"
        "<p>Counts of landings and of people landed, by month, port (UN/LOCODE), flag of the"
        " landing vessel (MID of its MMSI) and rule outcome, computed from the transparency"
        " log. No personal data. Verify offline with <code>sar-coord audit verify-report</code>"
        " against an export of the log.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
        f"<h2>Signed statement</h2><pre>{html.escape(signed_note)}</pre></body></html>\n"
    )
