"""Corpus helpers for tests: assembled messages of every capture file."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from ais_ingest.framing import Framer, Message
from ais_ingest.stats import IngestStats

SKIP = ("README.md", "manifest.json")


def manifest(corpus: Path) -> dict[str, Any]:
    """manifest.json as a dict keyed by file name."""
    data = json.loads((corpus / "manifest.json").read_text())
    return {f["file"]: f for f in data["files"]}


def files(corpus: Path) -> list[Path]:
    """Capture files of the corpus."""
    return sorted(p for p in corpus.iterdir() if p.name not in SKIP)


@functools.lru_cache(maxsize=4)
def messages(corpus: Path) -> list[Message]:
    """Every assembled message of the corpus (framed per file)."""
    out: list[Message] = []
    for path in files(corpus):
        framer = Framer(IngestStats(), out.append)
        framer.feed_lines(path.read_bytes().splitlines(), 1_700_000_000.0)
        framer.close()
    return out
