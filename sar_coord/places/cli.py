"""`sar-coord places ...`: search ports and add designation versions from the command line."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from sar_coord.places.schemas import DesignationCreate

app = typer.Typer(help="Place-of-safety registry.", no_args_is_help=True)


def _url() -> str:
    from sar_coord.core.config import get_settings

    url = get_settings().database_url
    if not url:
        typer.echo("SAR_DATABASE_URL is not set", err=True)
        raise typer.Exit(2)
    return url


@app.command("designate")
def designate(
    country: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-2 country code")],
    status: Annotated[str, typer.Argument(help="designated | not_safe | unassessed")],
    legal_basis: Annotated[str, typer.Option("--legal-basis", help="legal basis")],
    body: Annotated[str, typer.Option("--body", help="issuing body of the source")],
    title: Annotated[str, typer.Option("--title", help="title of the source")],
    date: Annotated[str, typer.Option("--date", help="source date: YYYY-MM-DD, YYYY-MM or YYYY")],
    effective_from: Annotated[
        datetime, typer.Option("--from", help="effective from (UTC if no offset)")
    ],
    reference: Annotated[
        str | None, typer.Option("--reference", help="application, document or case number")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="URL of the source")] = None,
    citation: Annotated[
        str | None, typer.Option("--citation", help="one-line citation (default: composed)")
    ] = None,
    effective_until: Annotated[
        datetime | None, typer.Option("--until", help="effective until (optional)")
    ] = None,
    locode: Annotated[
        str | None, typer.Option("--port", help="UN/LOCODE: designate one port only")
    ] = None,
    set_by: Annotated[str, typer.Option("--by", help="who sets it")] = "cli",
) -> None:
    """Add a designation version for a country or one port; it is logged."""
    from datetime import UTC

    def aware(d: datetime | None) -> datetime | None:
        return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d

    data = DesignationCreate.model_validate(
        {
            "country": country.upper(),
            "locode": locode.upper() if locode else None,
            "status": status,
            "legal_basis": legal_basis,
            "issuing_body": body,
            "citation_title": title,
            "citation_date": date,
            "citation_reference": reference,
            "citation_url": url,
            "citation": citation,
            "effective_from": aware(effective_from),
            "effective_until": aware(effective_until),
        }
    )
    row_id = asyncio.run(_designate(_url(), data, set_by))
    typer.echo(f"designation {row_id} stored and logged")


async def _designate(url: str, data: DesignationCreate, set_by: str) -> int:
    from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work
    from sar_coord.places import service

    engine = make_engine(url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as session:
            row = await service.designate(
                session, data=data, set_by=f"{set_by} (cli)", set_by_user_id=None
            )
            return row.id
    finally:
        await engine.dispose()


@app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="designations file (.json or .csv)")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="json | csv (default: from the file name)")
    ] = None,
    set_by: Annotated[str, typer.Option("--by", help="who imports them")] = "cli",
) -> None:
    """Import designations from JSON or CSV; all or nothing, duplicates skipped, each logged."""
    from sar_coord.places.importer import parse_designations

    try:
        text = path.read_text()
    except OSError as exc:
        typer.echo(f"FAIL: cannot read {path}: {exc}", err=True)
        raise typer.Exit(2) from exc
    parsed = parse_designations(text, fmt or path.suffix.lstrip(".").lower())
    if parsed.errors:
        for err in parsed.errors:
            typer.echo(f"FAIL: {path}: {err}", err=True)
        typer.echo(f"FAIL: {len(parsed.errors)} bad row(s); nothing imported from {path}", err=True)
        raise typer.Exit(1)
    from sar_coord.core.errors import AppError

    try:
        stored, skipped = asyncio.run(_import(_url(), parsed.designations, set_by))
    except AppError as exc:  # e.g. a port not in the gazetteer: the transaction rolled back
        typer.echo(f"FAIL: {path}: {exc.detail}; nothing imported", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"imported {len(stored)} designation(s), each logged"
        f" ({', '.join(f'#{i}' for i in stored) or 'none'}); {skipped} already recorded"
    )


async def _import(
    url: str, designations: list[DesignationCreate], set_by: str
) -> tuple[list[int], int]:
    from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work
    from sar_coord.places import service

    engine = make_engine(url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as session:
            rows, skipped = await service.import_designations(
                session, designations=designations, set_by=f"{set_by} (import)"
            )
            return [r.id for r in rows], skipped
    finally:
        await engine.dispose()


@app.command("show")
def show(locode: Annotated[str, typer.Argument(help="UN/LOCODE")]) -> None:
    """Print a port and its designation history."""
    asyncio.run(_show(_url(), locode))


async def _show(url: str, locode: str) -> None:
    from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work
    from sar_coord.places import service

    engine = make_engine(url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as session:
            port = await service.get_port(session, locode)
            typer.echo(f"{port.locode} {port.name} ({port.country}) {port.lat:.4f},{port.lon:.4f}")
            for d in await service.list_designations(session, locode=port.locode):
                until = d.effective_until.isoformat() if d.effective_until else "-"
                typer.echo(
                    f"  #{d.id} {d.locode or d.country} {d.status} from"
                    f" {d.effective_from.isoformat()} until {until}:"
                    f" {d.issuing_body or 'body not recorded'}: {d.citation}"
                )
    finally:
        await engine.dispose()
