"""Transparency log: append entries under one lock, sign checkpoints, read entries and proofs."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sar_coord.audit import merkle
from sar_coord.audit.checkpoint import Checkpoint, NoteSigner, load_or_create_signer
from sar_coord.audit.config import AuditSettings, get_audit_settings
from sar_coord.audit.entry import encode_entry
from sar_coord.audit.exceptions import LogEmpty, TreeSizeOutOfRange
from sar_coord.audit.models import LogCheckpoint, TransparencyLogEntry
from sar_coord.core.config import get_settings
from sar_coord.core.db import unit_of_work
from sar_coord.core.time import utcnow

log = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the single log writer ("SARLOG" in ASCII, fits in a bigint).
LOG_LOCK_KEY = 0x5341524C4F47


@functools.lru_cache(maxsize=1)
def _default_signer() -> NoteSigner:
    return load_or_create_signer(get_settings().signing_key_path, get_audit_settings().origin)


def get_signer() -> NoteSigner:
    """Return the checkpoint signer: key file at SAR_LOG_SIGNING_KEY_PATH, created on first use."""
    return _default_signer()


async def _lock(session: AsyncSession) -> None:
    """Take the log writer lock until the end of the current transaction."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOG_LOCK_KEY})


async def tree_size(session: AsyncSession) -> int:
    """Return the number of entries in the log."""
    last = await session.scalar(select(func.max(TransparencyLogEntry.leaf_index)))
    return 0 if last is None else int(last) + 1


async def append_entry(
    session: AsyncSession,
    *,
    kind: str,
    payload: dict[str, Any],
    record_id: int | None = None,
    case_id: int | None = None,
    vessel_mmsis: Iterable[int] = (),
    port_locode: str | None = None,
    outcome: str | None = None,
) -> int:
    """Append one entry in the caller's transaction and return its leaf index.

    `record_id` is the id of the row the entry is about in its kind's table (alert id, answer
    id, case id...); case_id, vessel_mmsis, port_locode and outcome let auditors filter.

    The index is max+1 read under pg_advisory_xact_lock, so leaf order is commit order of one
    writer at a time; nothing is visible to readers until the caller commits. Payloads must be
    JSON-serialisable (datetimes become ISO 8601) and must never hold personal data of rescued
    people. May also sign a checkpoint (every N entries or T minutes).
    """
    await _lock(session)
    index = int(
        await session.scalar(
            select(func.coalesce(func.max(TransparencyLogEntry.leaf_index) + 1, 0))
        )
        or 0
    )
    mmsis = sorted({int(m) for m in vessel_mmsis})
    refs = {
        "record_id": record_id,
        "case_id": case_id,
        "vessel_mmsis": mmsis,
        "port_locode": port_locode,
        "outcome": outcome,
    }
    now = utcnow()
    raw = encode_entry(index, kind, now, payload, refs)
    session.add(
        TransparencyLogEntry(
            leaf_index=index,
            kind=kind,
            record_id=record_id,
            case_id=case_id,
            vessel_mmsis=mmsis,
            port_locode=port_locode,
            outcome=outcome,
            logged_at=now,
            entry=raw,
            leaf_hash=merkle.leaf_hash(raw),
        )
    )
    await session.flush()
    await _maybe_checkpoint(session, index + 1, now)
    return index


async def leaf_indices(
    session: AsyncSession, records: dict[str, list[int]]
) -> dict[tuple[str, int], int]:
    """Map (kind, record id) to the leaf index of its log entry, for these records of each kind."""
    wanted = [
        (TransparencyLogEntry.kind == kind) & TransparencyLogEntry.record_id.in_(ids)
        for kind, ids in records.items()
    ]
    if not wanted:
        return {}
    rows = (
        await session.execute(
            select(
                TransparencyLogEntry.kind,
                TransparencyLogEntry.record_id,
                TransparencyLogEntry.leaf_index,
            ).where(or_(*wanted))
        )
    ).all()
    return {(k, int(r)): int(i) for k, r, i in rows if r is not None}


async def _maybe_checkpoint(session: AsyncSession, size: int, now: datetime) -> None:
    settings = get_audit_settings()
    latest = await latest_checkpoint(session)
    due_by_age = latest is None or now - latest.signed_at >= timedelta(
        minutes=settings.checkpoint_every_min
    )
    if size % settings.checkpoint_every_entries == 0 or due_by_age:
        await sign_checkpoint(session)


async def leaf_hashes(session: AsyncSession, size: int | None = None) -> list[bytes]:
    """Return leaf hashes in index order (the first `size` of them)."""
    q = select(TransparencyLogEntry.leaf_hash).order_by(TransparencyLogEntry.leaf_index)
    if size is not None:
        q = q.limit(size)
    return list((await session.scalars(q)).all())


async def sign_checkpoint(
    session: AsyncSession, *, settings: AuditSettings | None = None
) -> LogCheckpoint | None:
    """Sign and store a checkpoint for the current tree size (None for an empty log).

    Resumes from the latest checkpoint's compact range, so only new entries are hashed.
    """
    settings = settings or get_audit_settings()
    await _lock(session)
    latest = await latest_checkpoint(session)
    start = latest.tree_size if latest is not None else 0
    acc = (
        merkle.CompactRange.from_state(latest.tree_size, latest.compact_range)
        if latest is not None
        else merkle.CompactRange()
    )
    new = await session.scalars(
        select(TransparencyLogEntry.leaf_hash)
        .where(TransparencyLogEntry.leaf_index >= start)
        .order_by(TransparencyLogEntry.leaf_index)
    )
    for h in new:
        acc.append(h)
    if acc.size == 0:
        return None
    if latest is not None and acc.size == latest.tree_size:
        return latest
    root = acc.root()
    note = get_signer().sign(Checkpoint(settings.origin, acc.size, root).body())
    cp = LogCheckpoint(
        tree_size=acc.size,
        root_hash=root,
        note=note,
        compact_range=acc.state(),
        signed_at=utcnow(),
    )
    session.add(cp)
    await session.flush()
    return cp


async def checkpoint_if_due(session: AsyncSession) -> LogCheckpoint | None:
    """Sign a checkpoint when entries arrived since the last one and it is older than T min."""
    settings = get_audit_settings()
    latest = await latest_checkpoint(session)
    size = await tree_size(session)
    if size == 0 or (latest is not None and latest.tree_size == size):
        return None
    if latest is not None and utcnow() - latest.signed_at < timedelta(
        minutes=settings.checkpoint_every_min
    ):
        return None
    return await sign_checkpoint(session, settings=settings)


async def latest_checkpoint(session: AsyncSession) -> LogCheckpoint | None:
    """Return the checkpoint with the largest tree size."""
    return await session.scalar(
        select(LogCheckpoint).order_by(LogCheckpoint.tree_size.desc()).limit(1)
    )


@dataclass(frozen=True)
class InclusionProof:
    """Audit path for one leaf against a tree size and its root."""

    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    root_hash: bytes
    path: list[bytes]


async def get_inclusion_proof(
    session: AsyncSession, *, leaf_index: int, size: int | None = None
) -> InclusionProof:
    """Return the inclusion proof of a leaf in the tree of `size` (default: latest checkpoint)."""
    if size is None:
        cp = await latest_checkpoint(session)
        if cp is None:
            raise LogEmpty("no checkpoint has been signed yet")
        size = cp.tree_size
    hashes = await leaf_hashes(session, size)
    if size > len(hashes) or not 0 <= leaf_index < size:
        raise TreeSizeOutOfRange(f"leaf {leaf_index} / tree size {size}, log has {len(hashes)}")
    tree = merkle.MerkleTree(hashes)
    return InclusionProof(
        leaf_index,
        size,
        hashes[leaf_index],
        tree.root(size),
        tree.inclusion_proof(leaf_index, size),
    )


async def get_consistency_proof(
    session: AsyncSession, *, first: int, second: int
) -> tuple[bytes, bytes, list[bytes]]:
    """Return (root1, root2, proof) showing tree `second` extends tree `first`."""
    hashes = await leaf_hashes(session, second)
    if not 0 <= first <= second <= len(hashes):
        raise TreeSizeOutOfRange(f"sizes {first} -> {second}, log has {len(hashes)}")
    tree = merkle.MerkleTree(hashes)
    return tree.root(first), tree.root(second), tree.consistency_proof(first, second)


async def run_checkpointer(
    sessionmaker: async_sessionmaker[AsyncSession], *, interval_s: float = 60.0
) -> None:
    """Background job: every interval, sign a checkpoint if one is due (T minutes rule).

    Safe with several processes: signing takes the log lock and a checkpoint per tree size is
    unique. Runs until cancelled.
    """
    get_signer()  # create the key file on first start, before any request needs it
    while True:
        try:
            async with unit_of_work(sessionmaker) as session:
                await checkpoint_if_due(session)
        except Exception:
            log.exception("checkpoint job failed; retrying in %.0f s", interval_s)
        await asyncio.sleep(interval_s)
