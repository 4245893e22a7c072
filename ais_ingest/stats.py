"""Ingest counters: every received line is persisted, rejected (by reason) or buffered."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


@dataclass
class IngestStats:
    """Line-level accounting; `buffered_*` are maintained by the assembler and the persister."""

    received: int = 0
    meta_lines: int = 0
    persisted: int = 0
    messages: int = 0
    messages_persisted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    buffered_fragments: int = 0
    buffered_pending: int = 0
    distress_signals: int = 0
    suspect_positions: int = 0
    flagged: Counter[str] = field(default_factory=Counter)  # stored positions, by flag
    out_of_range: Counter[str] = field(default_factory=Counter)  # raw values, by field
    udp_kernel_drops: int = 0  # datagrams the kernel dropped (receive buffer full)
    udp_queue_drops: int = 0  # datagrams dropped because the pipeline's queue was full
    bad_tag_blocks: int = 0
    dead_letter_errors: int = 0
    dead_letter: IO[bytes] | None = None

    def reject(self, reason: str, raw: bytes, nlines: int = 1) -> None:
        """Count `nlines` input lines as rejected for `reason`, and dead-letter the raw text."""
        self.rejected[reason] += nlines
        if self.dead_letter is not None:
            try:
                self.dead_letter.write(reason.encode() + b"\t" + raw.replace(b"\n", b"\t") + b"\n")
            except (OSError, ValueError):
                self.dead_letter_errors += 1  # the line is still counted as rejected above

    @property
    def rejected_total(self) -> int:
        """Sum of rejected lines over all reasons."""
        return sum(self.rejected.values())

    @property
    def buffered(self) -> int:
        """Lines accepted but not yet persisted (multipart buffer + persistence buffer)."""
        return self.buffered_fragments + self.buffered_pending

    def balanced(self) -> bool:
        """True when received = persisted + rejected + buffered."""
        return self.received == self.persisted + self.rejected_total + self.buffered

    def open_dead_letter(self, path: Path) -> None:
        """Append rejected lines (reason TAB raw) to the file at `path`."""
        self.dead_letter = path.open("ab")

    def snapshot(self) -> dict[str, object]:
        """A JSON-ready copy of the counters."""
        return {
            "received": self.received,
            "persisted": self.persisted,
            "buffered": self.buffered,
            "rejected": dict(sorted(self.rejected.items())),
            "rejected_total": self.rejected_total,
            "messages": self.messages,
            "messages_persisted": self.messages_persisted,
            "meta_lines": self.meta_lines,
            "distress_signals": self.distress_signals,
            "suspect_positions": self.suspect_positions,
            "flagged": dict(sorted(self.flagged.items())),
            "out_of_range": dict(sorted(self.out_of_range.items())),
            "udp_kernel_drops": self.udp_kernel_drops,
            "udp_queue_drops": self.udp_queue_drops,
            "balanced": self.balanced(),
        }
