"""Parse designation files (JSON or CSV) into validated designations, each bad row named (pure)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sar_coord.places.schemas import DesignationCreate

FORMATS = ("json", "csv")
# CSV columns: the DesignationCreate fields; empty cells are "not given".
CSV_COLUMNS = tuple(DesignationCreate.model_fields)


@dataclass
class ParsedFile:
    """Designations read from one file, and one message per row that could not be read."""

    designations: list[DesignationCreate] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _validate(where: str, raw: Any, out: ParsedFile) -> None:
    if not isinstance(raw, dict):
        out.errors.append(f"{where}: not an object")
        return
    try:
        out.designations.append(DesignationCreate.model_validate(raw))
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors()
        )
        out.errors.append(f"{where}: {reasons}")


def parse_designations(text: str, fmt: str) -> ParsedFile:
    """Return the designations in `text` (format json or csv) and an error per bad row.

    JSON: a list of objects or {"designations": [...]}. CSV: a header row naming the fields.
    Country and port codes are upper-cased; times need an offset (UTC: +00:00 or Z).
    """
    out = ParsedFile()
    if fmt == "json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            out.errors.append(f"not valid JSON: {exc}")
            return out
        rows = doc.get("designations") if isinstance(doc, dict) else doc
        if not isinstance(rows, list):
            out.errors.append('expected a list of designations or {"designations": [...]}')
            return out
        for i, raw in enumerate(rows, start=1):
            _validate(f"designation {i}", _normalise(raw), out)
    elif fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        unknown = sorted(set(reader.fieldnames or ()) - set(CSV_COLUMNS))
        if unknown:
            out.errors.append(f"unknown CSV column(s): {', '.join(unknown)}")
            return out
        for row in reader:
            cells = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
            _validate(f"line {reader.line_num}", _normalise(cells), out)
    else:
        out.errors.append(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return out


def _normalise(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    doc = dict(raw)
    for key in ("country", "locode"):
        if isinstance(doc.get(key), str):
            doc[key] = doc[key].strip().upper()
    return doc
