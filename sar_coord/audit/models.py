"""Tables: transparency_log (append-only Merkle leaves) and log_checkpoint (signed tree heads)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, LargeBinary, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from sar_coord.core.db import Base


class TransparencyLogEntry(Base):
    """One leaf: index assigned under an advisory lock, canonical entry bytes, RFC 9162 leaf hash.

    record_id, case_id, vessel_mmsis, port_locode, outcome copy the entry's refs, for filtering.
    """

    __tablename__ = "transparency_log"
    __table_args__ = (
        Index("ix_transparency_log_vessel_mmsis", "vessel_mmsis", postgresql_using="gin"),
        Index("ix_transparency_log_kind_record_id", "kind", "record_id"),
    )

    leaf_index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    case_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    vessel_mmsis: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), server_default=text("'{}'::bigint[]")
    )
    port_locode: Mapped[str | None] = mapped_column(String(5), index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    logged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    entry: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogCheckpoint(Base):
    """A signed checkpoint (C2SP signed note) for one tree size."""

    __tablename__ = "log_checkpoint"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, unique=True)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    # Perfect-subtree hashes at tree_size (merkle.CompactRange.state): the next checkpoint only
    # hashes the entries added since this one.
    compact_range: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
