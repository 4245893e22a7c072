"""Transparency log on real PostgreSQL: append, checkpoints, proofs, append-only enforcement."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit import merkle
from sar_coord.audit import service as log
from sar_coord.audit.checkpoint import NoteSigner, open_checkpoint
from sar_coord.audit.entry import decode_entry


async def test_seed_designations_are_logged(session: AsyncSession) -> None:
    rows = (
        await session.execute(
            text("SELECT leaf_index, kind, entry FROM transparency_log WHERE leaf_index < 2")
        )
    ).all()
    assert [r.kind for r in rows] == ["designation", "designation"]
    cites = [decode_entry(r.entry)["payload"]["citation"] for r in rows]
    assert "UNHCR" in cites[0] and "Lethal Disregard" in cites[1]


async def test_append_assigns_contiguous_indices_and_signs(
    session: AsyncSession, log_signer: NoteSigner
) -> None:
    start = await log.tree_size(session)
    idx = [
        await log.append_entry(
            session, kind="test", payload={"n": i}, case_id=None, vessel_mmsis=[247000000 + i]
        )
        for i in range(5)
    ]
    assert idx == list(range(start, start + 5))
    cp = await log.latest_checkpoint(session)
    assert cp is not None  # first append with no checkpoint yet signs one
    opened = open_checkpoint(cp.note, [log_signer.verifier()])
    hashes = await log.leaf_hashes(session, opened.size)
    assert merkle.root_from_leaf_hashes(hashes) == opened.root_hash
    cp2 = await log.sign_checkpoint(session)
    assert cp2 is not None and cp2.tree_size == start + 5

    proof = await log.get_inclusion_proof(session, leaf_index=idx[2])
    merkle.verify_inclusion(idx[2], proof.tree_size, proof.leaf_hash, proof.path, cp2.root_hash)
    _r1, _r2, cproof = await log.get_consistency_proof(
        session, first=opened.size, second=cp2.tree_size
    )
    merkle.verify_consistency(opened.size, cp2.tree_size, cproof, opened.root_hash, cp2.root_hash)


@pytest.mark.parametrize(
    "stmt",
    [
        "UPDATE transparency_log SET kind = 'x' WHERE leaf_index = 0",
        "DELETE FROM transparency_log WHERE leaf_index = 0",
        "TRUNCATE transparency_log",
        "UPDATE log_checkpoint SET note = ''",
        "DELETE FROM place_designation",
    ],
)
async def test_log_rows_cannot_be_changed(session: AsyncSession, stmt: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(stmt))


async def test_concurrent_writers_get_contiguous_indices(engine, log_signer) -> None:
    """Several writers, each in its own transaction; rolled-back ones leave no gap."""
    import asyncio

    from sar_coord.core.db import make_sessionmaker, unit_of_work

    maker = make_sessionmaker(engine)
    got: list[int] = []

    async def writer(w: int) -> None:
        for i in range(8):
            try:
                async with unit_of_work(maker) as s:
                    index = await log.append_entry(s, kind="concurrency", payload={"w": w, "i": i})
                    if i % 4 == 3:
                        raise RuntimeError("roll this one back")
                got.append(index)
            except RuntimeError:
                pass

    await asyncio.gather(*(writer(w) for w in range(4)))
    async with maker() as s:
        indices = list(
            (await s.scalars(text("SELECT leaf_index FROM transparency_log ORDER BY 1"))).all()
        )
        cp = await log.sign_checkpoint(s)
        await s.commit()
        assert cp is not None
        hashes = await log.leaf_hashes(s)
    assert indices == list(range(len(indices)))
    assert sorted(got) == sorted(set(got)) and len(got) == 4 * 6
    assert set(got) <= set(indices)
    assert merkle.root_from_leaf_hashes(hashes[: cp.tree_size]) == cp.root_hash


async def test_checkpoint_every_n_entries_or_t_minutes(session, log_signer) -> None:
    """A checkpoint is signed every N entries, or once the latest is older than T minutes."""
    from datetime import timedelta

    from sar_coord.audit.config import get_audit_settings
    from sar_coord.core.time import clock, utcnow

    n = get_audit_settings().checkpoint_every_entries
    t_min = get_audit_settings().checkpoint_every_min
    now = utcnow()
    clock.follow(now)
    try:
        await log.append_entry(session, kind="cadence", payload={"i": -1})
        first = await log.latest_checkpoint(session)
        assert first is not None
        size = await log.tree_size(session)
        # fill up to the next multiple of N: exactly one more checkpoint, at that size
        target = (size // n + 1) * n
        for i in range(target - size):
            await log.append_entry(session, kind="cadence", payload={"i": i})
        cp = await log.latest_checkpoint(session)
        assert cp is not None and cp.tree_size == target
        await log.append_entry(session, kind="cadence", payload={"i": "late"})
        assert await log.checkpoint_if_due(session) is None  # not yet T minutes old
        clock.follow(now + timedelta(minutes=t_min + 1))
        late = await log.checkpoint_if_due(session)
        assert late is not None and late.tree_size == target + 1
        assert await log.checkpoint_if_due(session) is None  # nothing new since
    finally:
        clock.follow(None)
