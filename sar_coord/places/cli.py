"""`sar-coord places ...`: search ports and add designation versions from the command line."""

from __future__ import annotations

import asyncio
from datetime import datetime
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
    citation: Annotated[str, typer.Option("--citation", help="source citation")],
    effective_from: Annotated[
        datetime, typer.Option("--from", help="effective from (UTC if no offset)")
    ],
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
                    f" {d.effective_from.isoformat()} until {until}: {d.citation}"
                )
    finally:
        await engine.dispose()
