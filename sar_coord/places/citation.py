"""A designation's source: issuing body, title, date (day, month or year), reference (pure)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# YYYY, YYYY-MM or YYYY-MM-DD: a source is dated only as precisely as it is known.
CITATION_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
_DATE = re.compile(CITATION_DATE)


def known_from(citation_date: str) -> datetime:
    """Return the first UTC instant the source was certainly public: its day, or the day after
    the month or year it is dated to (a month-dated report may have appeared on the 30th)."""
    if not _DATE.match(citation_date):
        raise ValueError(f"citation date {citation_date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in citation_date.split("-")]
    if len(parts) == 3:
        return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)
    if len(parts) == 2:
        year, month = parts
        return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return datetime(parts[0] + 1, 1, 1, tzinfo=UTC)


def citation_text(
    issuing_body: str,
    title: str,
    citation_date: str,
    reference: str | None = None,
    url: str | None = None,
) -> str:
    """Return the one-line citation: body, title, date[, reference][, URL]."""
    parts = [issuing_body, title, citation_date]
    parts += [p for p in (reference, url) if p]
    return ", ".join(parts)
