"""Tamper drills on the real test database: each kind of tampering is caught by `audit verify`.

A superuser bypasses the append-only triggers with session_replication_role = replica (what an
attacker with database admin rights would do); everything happens in the test's transaction and
is rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from sar_coord.audit import merkle
from sar_coord.audit import repository as repo
from sar_coord.audit import service as log
from sar_coord.audit.checkpoint import Checkpoint, NoteSigner
from sar_coord.audit.cli import app as audit_cli
from sar_coord.audit.config import get_audit_settings
from sar_coord.audit.export import build_export


async def _export(session: AsyncSession, signer: NoteSigner) -> dict[str, Any]:
    return build_export(
        origin=get_audit_settings().origin,
        verifier_key=signer.verifier_key(),
        rows=await repo.all_rows(session),
        checkpoint_notes=await repo.checkpoint_notes(session),
    )


def _verify(tmp: Path, doc: dict[str, Any], signer: NoteSigner, trusted: str | None = None):  # type: ignore[no-untyped-def]
    path = tmp / "export.json"
    path.write_text(json.dumps(doc))
    args = ["verify", str(path), "--verifier-key", signer.verifier_key()]
    if trusted is not None:
        (tmp / "trusted.note").write_text(trusted)
        args += ["--trusted-checkpoint", str(tmp / "trusted.note")]
    return CliRunner().invoke(audit_cli, args)


async def _bypass(session: AsyncSession, sql: str, **params: Any) -> None:
    await session.execute(text("SET LOCAL session_replication_role = replica"))
    await session.execute(text(sql), params)
    await session.execute(text("SET LOCAL session_replication_role = origin"))


@pytest.fixture
async def filled(session: AsyncSession, log_signer: NoteSigner) -> tuple[int, str]:
    """At least 20 entries with checkpoints; returns (size, a trusted checkpoint note)."""
    for i in range(20):
        await log.append_entry(
            session,
            kind="drill",
            payload={"n": i, "text": "abcdefgh"},
            case_id=None,
            outcome="violation" if i % 5 == 0 else "pass",
        )
    cp = await log.sign_checkpoint(session)
    assert cp is not None
    return cp.tree_size, cp.note


async def _flip_byte(s: AsyncSession, size: int) -> None:
    # Change one byte in the middle of an entry; keep the stored leaf hash.
    await _bypass(
        s,
        "UPDATE transparency_log SET entry = overlay(entry placing"
        " decode(CASE WHEN get_byte(entry, 20) = 97 THEN '62' ELSE '61' END, 'hex')"
        " from 21 for 1) WHERE leaf_index = :i",
        i=size - 7,
    )


async def _flip_byte_and_hash(s: AsyncSession, size: int) -> None:
    # A careful attacker also recomputes the leaf hash.
    i = size - 7
    await _flip_byte(s, size)
    raw = await s.scalar(text("SELECT entry FROM transparency_log WHERE leaf_index = :i"), {"i": i})
    await _bypass(
        s,
        "UPDATE transparency_log SET leaf_hash = :h WHERE leaf_index = :i",
        h=merkle.leaf_hash(bytes(raw)),
        i=i,
    )


async def _delete_row(s: AsyncSession, size: int) -> None:
    await _bypass(s, "DELETE FROM transparency_log WHERE leaf_index = :i", i=size - 5)


async def _swap_rows(s: AsyncSession, size: int) -> None:
    a, b = size - 9, size - 4
    await _bypass(
        s,
        "UPDATE transparency_log SET leaf_index = CASE leaf_index WHEN :a THEN -1 ELSE leaf_index"
        " END WHERE leaf_index = :a",
        a=a,
    )
    await _bypass(s, "UPDATE transparency_log SET leaf_index = :a WHERE leaf_index = :b", a=a, b=b)
    await _bypass(s, "UPDATE transparency_log SET leaf_index = :b WHERE leaf_index = -1", b=b)


async def _truncate_tail(s: AsyncSession, size: int) -> None:
    await _bypass(s, "DELETE FROM transparency_log WHERE leaf_index >= :i", i=size - 3)


async def _truncate_tail_and_checkpoints(s: AsyncSession, size: int) -> None:
    # Also remove the checkpoints that cover the removed tail: only a trusted checkpoint helps.
    await _truncate_tail(s, size)
    await _bypass(s, "DELETE FROM log_checkpoint WHERE tree_size > :n", n=size - 3)


async def _hide_violation(s: AsyncSession, size: int) -> None:
    # Leave the entry alone but relabel its filter column, hiding it from `outcome=violation`.
    await _bypass(
        s,
        "UPDATE transparency_log SET outcome = 'pass' WHERE leaf_index ="
        " (SELECT max(leaf_index) FROM transparency_log WHERE outcome = 'violation')",
    )


DRILLS: list[tuple[str, Callable[[AsyncSession, int], Awaitable[None]], bool, str]] = [
    ("change one byte", _flip_byte, False, "altered"),
    ("change one byte and its leaf hash", _flip_byte_and_hash, False, "differs from the signed"),
    ("delete a row", _delete_row, False, "missing"),
    ("swap two rows", _swap_rows, False, "swapped"),
    ("truncate the tail", _truncate_tail, False, "removed from the tail"),
    ("truncate tail and its checkpoints", _truncate_tail_and_checkpoints, True, "truncated"),
    ("relabel a violation as pass", _hide_violation, False, "filter columns were altered"),
]


@pytest.mark.parametrize(
    ("tamper", "use_trusted", "expect"), [d[1:] for d in DRILLS], ids=[d[0] for d in DRILLS]
)
async def test_tamper_drill(
    session: AsyncSession,
    log_signer: NoteSigner,
    filled: tuple[int, str],
    tmp_path: Path,
    tamper: Callable[[AsyncSession, int], Awaitable[None]],
    use_trusted: bool,
    expect: str,
) -> None:
    size, trusted = filled
    clean = _verify(tmp_path, await _export(session, log_signer), log_signer, trusted)
    assert clean.exit_code == 0, clean.output

    await tamper(session, size)
    res = _verify(
        tmp_path, await _export(session, log_signer), log_signer, trusted if use_trusted else None
    )
    assert res.exit_code == 1, res.output
    assert expect in res.output, res.output


async def test_two_checkpoints_of_the_same_size(
    session: AsyncSession, log_signer: NoteSigner, filled: tuple[int, str], tmp_path: Path
) -> None:
    size, _ = filled
    doc = await _export(session, log_signer)
    # A second, validly signed head for the same size over different content (a split view).
    hashes = await log.leaf_hashes(session, size)
    forked = [*hashes[:-1], merkle.leaf_hash(b"a different last entry")]
    fork_note = log_signer.sign(
        Checkpoint(get_audit_settings().origin, size, merkle.root_from_leaf_hashes(forked)).body()
    )
    doc["checkpoints"].append({"note": fork_note})
    res = _verify(tmp_path, doc, log_signer)
    assert res.exit_code == 1
    assert "split view" in res.output
    # Presenting the forked head as the trusted one is caught as well.
    clean = await _export(session, log_signer)
    res = _verify(tmp_path, clean, log_signer, trusted=fork_note)
    assert res.exit_code == 1
    assert "not consistent with the trusted checkpoint" in res.output
