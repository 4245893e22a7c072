"""`sar-coord audit ...` commands: offline verification of a transparency-log export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sar_coord.audit.verify import verify_export

app = typer.Typer(help="Transparency log: verify exports offline.", no_args_is_help=True)


@app.callback()
def _main() -> None:
    """Transparency-log auditor tools."""


@app.command("verify")
def verify(
    export: Annotated[
        Path, typer.Argument(help="JSON export of the log (GET /api/v1/audit/export)")
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
    """Recompute the Merkle tree, check every signature and consistency; exit 1 on any mismatch."""
    try:
        doc = json.loads(export.read_text())
    except (OSError, ValueError) as exc:
        typer.echo(f"FAIL: cannot read export {export}: {exc}", err=True)
        raise typer.Exit(2) from exc
    if verifier_key and Path(verifier_key).is_file():
        verifier_key = Path(verifier_key).read_text().strip()
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
