"""`sar-coord audit ...`: verify an export offline; export, checkpoint and key from the DB."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from sar_coord.audit.verify import verify_export
from sar_coord.audit.verify_pack import is_evidence_pack, verify_evidence_pack

app = typer.Typer(help="Transparency log: verify, export, checkpoint.", no_args_is_help=True)


@app.callback()
def _main() -> None:
    """Transparency-log auditor tools."""


@app.command("verify")
def verify(
    export: Annotated[
        Path,
        typer.Argument(help="JSON export of the log (GET /api/v1/audit/export) or evidence pack"),
    ],
    trusted_checkpoint: Annotated[
        Path | None,
        typer.Option("--trusted-checkpoint", help="signed checkpoint note you trusted earlier"),
    ] = None,
    verifier_key: Annotated[
        str | None,
        typer.Option(
            "--verifier-key", help="pinned log key 'name+keyid+base64' (or a file containing it)"
        ),
    ] = None,
) -> None:
    """Recompute the Merkle tree, check every signature and consistency; exit 1 on any mismatch.

    Given an evidence pack (.zip) instead, check its signed manifest and files, its signed
    checkpoint, and every log entry with its inclusion proof.
    """
    if verifier_key and Path(verifier_key).is_file():
        verifier_key = Path(verifier_key).read_text().strip()
    try:
        data = export.read_bytes()
    except OSError as exc:
        typer.echo(f"FAIL: cannot read {export}: {exc}", err=True)
        raise typer.Exit(2) from exc
    if is_evidence_pack(data):
        _verify_pack(export, data, verifier_key, trusted_checkpoint)
        return
    try:
        doc = json.loads(data)
    except ValueError as exc:
        typer.echo(f"FAIL: cannot read export {export}: {exc}", err=True)
        raise typer.Exit(2) from exc
    trusted = trusted_checkpoint.read_text() if trusted_checkpoint else None
    report = verify_export(doc, trusted_note=trusted, verifier_key=verifier_key)
    for note in report.notes:
        typer.echo(f"note: {note}")
    if not report.ok:
        for problem in report.problems:
            typer.echo(f"FAIL: {problem}", err=True)
        typer.echo(f"FAIL: {len(report.problems)} problem(s) in {export}", err=True)
        raise typer.Exit(1)
    latest = report.latest_checkpoint
    typer.echo(
        f"OK: {report.entries} entries, root {report.root_hash.hex()},"
        f" {report.checkpoints_verified} signed checkpoint(s) verified"
        + (f", latest at size {latest.size}" if latest else "")
    )


def _verify_pack(path: Path, data: bytes, verifier_key: str | None, trusted: Path | None) -> None:
    report = verify_evidence_pack(data, verifier_key=verifier_key)
    if trusted is not None:
        report.notes.append(
            "--trusted-checkpoint is not used for a pack (it holds only the case's entries):"
            " verify a full export against it"
        )
    for note in report.notes:
        typer.echo(f"note: {note}")
    if not report.ok:
        for problem in report.problems:
            typer.echo(f"FAIL: {problem}", err=True)
        typer.echo(f"FAIL: {len(report.problems)} problem(s) in {path}", err=True)
        raise typer.Exit(1)
    cp = report.checkpoint
    typer.echo(
        f"OK: evidence pack, {report.entries} entries, {report.proofs_verified} of"
        f" {report.entries} inclusion proofs verified against the signed checkpoint"
        + (f" at size {cp.size}, root {cp.root_hash.hex()}" if cp else "")
    )


@app.command("verify-report")
def verify_report_cmd(
    report: Annotated[Path, typer.Argument(help="transparency-report.csv")],
    statement: Annotated[Path, typer.Argument(help="transparency-report.note (signed)")],
    export: Annotated[Path, typer.Argument(help="JSON export of the log")],
    verifier_key: Annotated[
        str | None, typer.Option("--verifier-key", help="pinned log key (or a file with it)")
    ] = None,
) -> None:
    """Recompute a transparency report from a log export and check its signed statement."""
    from sar_coord.audit.verify_pack import verify_report

    if verifier_key and Path(verifier_key).is_file():
        verifier_key = Path(verifier_key).read_text().strip()
    try:
        problems = verify_report(
            report.read_bytes(),
            statement.read_text(),
            json.loads(export.read_text()),
            verifier_key=verifier_key,
        )
    except (OSError, ValueError) as exc:
        typer.echo(f"FAIL: cannot read the report, statement or export: {exc}", err=True)
        raise typer.Exit(2) from exc
    for problem in problems:
        typer.echo(f"FAIL: {problem}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("OK: the report is signed by the log key and recomputes from the log export")


@contextlib.contextmanager
def _database_url() -> Iterator[str]:
    """SAR_DATABASE_URL, or the embedded cluster under SAR_HOME (started for the command)."""
    from sar_coord.core.config import get_settings
    from sar_coord.core.database import database

    with database(get_settings(), migrate_schema=False) as url:
        yield url


@app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="file to write the JSON export to")],
) -> None:
    """Write the whole log and its checkpoints from the database (SAR_DATABASE_URL) to OUT."""
    with _database_url() as url:
        doc = asyncio.run(_export(url))
    out.write_text(json.dumps(doc))
    typer.echo(f"wrote {len(doc['entries'])} entries, {len(doc['checkpoints'])} checkpoints")


async def _export(url: str) -> dict[str, Any]:
    from sar_coord.audit import repository, service
    from sar_coord.audit.config import get_audit_settings
    from sar_coord.audit.export import build_export
    from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work

    engine = make_engine(url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as session:
            return build_export(
                origin=get_audit_settings().origin,
                verifier_key=service.get_signer().verifier_key(),
                rows=await repository.all_rows(session),
                checkpoint_notes=await repository.checkpoint_notes(session),
            )
    finally:
        await engine.dispose()


@app.command("checkpoint")
def checkpoint() -> None:
    """Sign a checkpoint for the current tree size now and print it."""
    with _database_url() as url:
        typer.echo(asyncio.run(_checkpoint(url)), nl=False)


async def _checkpoint(url: str) -> str:
    from sar_coord.audit import service
    from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work

    engine = make_engine(url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as session:
            cp = await service.sign_checkpoint(session)
            return cp.note if cp else "log is empty\n"
    finally:
        await engine.dispose()


@app.command("verifier-key")
def verifier_key_cmd() -> None:
    """Print the public verifier key of the configured signing key (creating the key if new)."""
    from sar_coord.audit import service

    typer.echo(service.get_signer().verifier_key())


@app.command("bench")
def bench(
    entries: Annotated[int, typer.Option(help="leaves in the tree")] = 100_000,
    proofs: Annotated[int, typer.Option(help="inclusion proofs to generate and verify")] = 1000,
) -> None:
    """Time tree building, inclusion and consistency proofs in memory; print one JSON line."""
    import random
    import time

    from sar_coord.audit import merkle

    hashes = [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(entries)]
    t0 = time.perf_counter()
    tree = merkle.MerkleTree(hashes)
    root = tree.root()
    t1 = time.perf_counter()
    rng = random.Random(1)
    for _ in range(proofs):
        i = rng.randrange(entries)
        merkle.verify_inclusion(i, entries, hashes[i], tree.inclusion_proof(i, entries), root)
    t2 = time.perf_counter()
    for _ in range(proofs):
        m = rng.randrange(1, entries)
        merkle.verify_consistency(
            m, entries, tree.consistency_proof(m, entries), tree.root(m), root
        )
    t3 = time.perf_counter()
    typer.echo(
        json.dumps(
            {
                "entries": entries,
                "tree_build_s": round(t1 - t0, 4),
                "inclusion_prove_verify_us": round((t2 - t1) / proofs * 1e6, 1),
                "consistency_prove_verify_us": round((t3 - t2) / proofs * 1e6, 1),
            }
        )
    )


@app.command("check-records")
def check_records_cmd() -> None:
    """Compare designation, disembarkation and evaluation rows with their log entries."""
    with _database_url() as url:
        problems = asyncio.run(_check_records(url))
    for p in problems:
        typer.echo(f"FAIL: {p}", err=True)
    if problems:
        typer.echo(f"FAIL: {len(problems)} record(s) differ from the transparency log", err=True)
        raise typer.Exit(1)
    typer.echo("OK: every record matches its log entry")


async def _check_records(url: str) -> list[str]:
    from sar_coord.audit.records import check_records
    from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work

    engine = make_engine(url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as session:
            return await check_records(session)
    finally:
        await engine.dispose()
