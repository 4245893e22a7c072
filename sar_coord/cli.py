"""The `sar-coord` command: up, db, user, token, version (and the feature sub-commands)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from ais_ingest import cli as ingest_cli
from ais_ingest.simulator import runner as simulate_cli
from alerts.live import bench as bench_broadcast
from alerts.live import ship_client
from alerts.matching import bench as bench_match
from sar_coord import __version__
from sar_coord.audit import cli as audit_cli
from sar_coord.auth import bench as bench_login
from sar_coord.core import migrate
from sar_coord.core.config import get_settings
from sar_coord.core.database import database
from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work
from sar_coord.core.processes import (
    AlreadyRunning,
    ChildGroup,
    clear_state,
    reap_stale,
    write_state,
)
from sar_coord.core.secrets import ensure_jwt_secret
from sar_coord.places import cli as places_cli
from sar_coord.search_planning.bench import bench_search
from sar_coord.vessels import bench as vessels_bench

app = typer.Typer(help="sar-coord: maritime search-and-rescue coordination.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema: upgrade and status.", no_args_is_help=True)
user_app = typer.Typer(help="Users and roles.", no_args_is_help=True)
token_app = typer.Typer(
    help="Long-lived API tokens for ship clients and integrations.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
bench_app = typer.Typer(
    help="Benchmarks: each prints one JSON line of figures.", no_args_is_help=True
)
bench_app.command("ingest")(ingest_cli.bench_ingest)
bench_app.command("match")(bench_match.bench_match)
bench_app.command("broadcast")(bench_broadcast.bench_broadcast)
bench_app.command("search")(bench_search)
bench_app.command("login")(bench_login.bench_login)
bench_app.command("track")(vessels_bench.bench_track)
app.add_typer(bench_app, name="bench")
app.command("ingest")(ingest_cli.ingest)
app.add_typer(simulate_cli.app, name="simulate")
app.add_typer(ship_client.app, name="ship")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(places_cli.app, name="places")
console = Console(stderr=True, soft_wrap=True)


@app.callback()
def _wire() -> None:
    """sar-coord: maritime search-and-rescue coordination."""
    # The CLI is a composition root too: commands such as `audit check-records` need the wiring.
    from sar_coord.main import wire_features

    wire_features()


def _sigterm_to_exit() -> None:
    def handler(_signum: int, _frame: object) -> NoReturn:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, handler)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


DEMO_VESSELS = 40
DEMO_SEED = 1


def _self() -> list[str]:
    return [sys.executable, "-m", "sar_coord.cli"]


def _start_demo(url: str, home: Path, speed: float, group: ChildGroup) -> None:
    """Demo users and fleet registry, then simulator | ingest and the scenario director."""
    from ais_ingest.simulator.scenario import SimConfig, Simulation
    from sar_coord.demo import DemoVessel, seed_demo

    sim = Simulation(SimConfig(vessels=DEMO_VESSELS, seed=DEMO_SEED))
    fleet = [DemoVessel(v.mmsi, v.name, v.kind) for v in sim.vessels]
    users = asyncio.run(_with_session(url, lambda s: seed_demo(s, fleet=fleet, home=home)))
    console.print(f"[bold]demo users[/] (passwords kept in {home / 'demo-users.json'}):")
    for u in users:
        ship = f"  master of {u.vessel_name} (MMSI {u.mmsi})" if u.mmsi else ""
        console.print(f"  {u.username:<15} {u.password:<14} {u.role}{ship}")
    scenario = home / "demo" / "scenario.jsonl"
    scenario.parent.mkdir(parents=True, exist_ok=True)
    scenario.write_text("")
    simulator = group.spawn(
        [
            *_self(), "simulate", "--vessels", str(DEMO_VESSELS), "--seed", str(DEMO_SEED),
            "--out", "-", "--scenario-out", str(scenario), "--speed", str(speed),
        ],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    group.spawn([*_self(), "ingest", "--no-progress", "-"], stdin=simulator.stdout)
    if simulator.stdout is not None:
        simulator.stdout.close()  # the ingest process owns the pipe now
    group.spawn([*_self(), "demo-director", str(scenario)])
    minutes = [f"{m / speed:g}" for m in (2, 5, 10)]
    console.print(
        "demo: simulated central-Mediterranean traffic; a hotline reports a rubber boat in "
        f"{minutes[0]} min, a fishing vessel loses its engine in {minutes[1]} min, "
        f"an AIS-SART activates in {minutes[2]} min"
    )


@app.command("demo-director", hidden=True)
def demo_director(scenario: Annotated[Path, typer.Argument(help="Scenario JSON lines.")]) -> None:
    """Open cases from the simulator's scenario events (demo mode)."""
    from sar_coord.demo import run_director

    settings = get_settings()
    logging.basicConfig(level=settings.log_level)
    if not settings.database_url:
        raise typer.BadParameter("SAR_DATABASE_URL must be set (run through `sar-coord up`)")

    async def main(url: str) -> None:
        engine = make_engine(url, pool_size=2, max_overflow=0)
        try:
            await run_director(make_sessionmaker(engine), scenario)
        finally:
            await engine.dispose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(settings.database_url))


@app.command()
def up(
    host: Annotated[str | None, typer.Option(help="Listen address (SAR_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (SAR_PORT).")] = None,
    workers: Annotated[int | None, typer.Option(help="API worker processes (SAR_WORKERS).")] = None,
    no_demo: Annotated[
        bool, typer.Option("--no-demo", help="No simulator, no demo users.")
    ] = False,
) -> None:
    """Run everything: database (embedded unless SAR_DATABASE_URL), migrations, ingest, API."""
    import uvicorn

    from sar_coord.auth.bootstrap import ensure_admin
    from sar_coord.main import server_options

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    _sigterm_to_exit()
    if not settings.jwt_secret:
        # First start: a random signing secret kept under SAR_HOME (0600), read by every worker.
        console.print(f"login token signing secret: {ensure_jwt_secret(settings.home)}")
        get_settings.cache_clear()
        settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    workers = workers or settings.workers
    children = ChildGroup()
    try:
        stale = reap_stale(settings.home)
    except AlreadyRunning as exc:
        console.print(f"[bold red]{exc}[/]")
        raise typer.Exit(1) from exc
    with contextlib.ExitStack() as stack:
        stack.callback(clear_state, settings.home)
        url = stack.enter_context(database(settings, adopt=stale))
        # The state lets the next `up` clean up if this one is killed (SIGKILL runs no code).
        write_state(settings.home, children_pgid=0, cluster_started=True)
        os.environ["SAR_DATABASE_URL"] = url  # the worker processes read it
        # The ship channel listens where the API does unless told otherwise.
        os.environ.setdefault("ALERTS_SHIP_WS_HOST", host)
        get_settings.cache_clear()
        try:
            admin, pw_file = asyncio.run(
                _with_session(url, lambda s: ensure_admin(s, home=settings.home))
            )
            if pw_file is not None:
                console.print(f"administrator: [bold]{admin}[/], password in {pw_file}")
            sources = [s.strip() for s in settings.ais_sources.split(",") if s.strip()]
            if sources:
                children.spawn([*_self(), "ingest", "--no-progress", *sources])
            elif settings.demo and not no_demo:
                _start_demo(url, settings.home, settings.demo_speed, children)
            write_state(settings.home, children_pgid=children.pgid, cluster_started=True)
            ship_port = os.environ.get("ALERTS_SHIP_WS_PORT", "8765")
            console.print(
                f"[bold green]sar-coord[/] dashboard: http://{host}:{port}/  "
                f"API docs: http://{host}:{port}/docs  "
                f"ship channel: ws://{os.environ['ALERTS_SHIP_WS_HOST']}:{ship_port}/ws/ship"
            )
            uvicorn.run(
                "sar_coord.main:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                **server_options(),
                log_level=settings.log_level.lower(),
                timeout_graceful_shutdown=5,
            )
        finally:
            children.stop()
    console.print("sar-coord stopped")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database if needed and migrate it to the latest schema."""
    with database(get_settings()) as url:
        console.print(f"database {migrate.describe(url)} at {sorted(migrate.script_heads(url))}")


@db_app.command("status")
def db_status() -> None:
    """Show the schema revision of the database and what the code expects."""
    with database(get_settings(), migrate_schema=False) as url:
        current = asyncio.run(migrate.current_heads(url))
        expected = migrate.script_heads(url)
        state = "up to date" if current == expected else "NEEDS UPGRADE (sar-coord db upgrade)"
        typer.echo(f"database: {migrate.describe(url)}")
        typer.echo(f"current:  {', '.join(sorted(current)) or '(empty)'}")
        typer.echo(f"expected: {', '.join(sorted(expected))}")
        typer.echo(f"status:   {state}")
        if current != expected:
            raise typer.Exit(1)


async def _with_session(url: str, fn):  # type: ignore[no-untyped-def]
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as session:
            return await fn(session)
    finally:
        await engine.dispose()


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="rcc_operator, ship_master, auditor or admin.")],
    vessel: Annotated[
        list[int] | None, typer.Option(help="MMSI a ship master acts for (repeatable).")
    ] = None,
    org: Annotated[str | None, typer.Option(help="Organisation name (created if new).")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password (prompted when omitted; '-' for none).")
    ] = None,
) -> None:
    """Add a user with a role; ship masters are bound to vessels by MMSI."""
    from sar_coord.auth import service
    from sar_coord.core.errors import AppError

    if role not in ("rcc_operator", "ship_master", "auditor", "admin"):
        raise typer.BadParameter("role must be rcc_operator, ship_master, auditor or admin")
    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    secret = None if password == "-" else password
    with database(get_settings()) as url:
        try:
            user = asyncio.run(
                _with_session(
                    url,
                    lambda s: service.create_user(
                        s,
                        username=name,
                        role=role,
                        password=secret,
                        organisation=org,
                        vessel_mmsis=list(vessel or []),
                    ),
                )
            )
        except AppError as exc:
            console.print(f"[red]error:[/] {exc.detail}")
            raise typer.Exit(1) from exc
    typer.echo(f"user {user.username} ({role}) created, id {user.id}")


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Argument(help="Username the token acts as.")],
    name: Annotated[str, typer.Option(help="A label for the token.")] = "",
    days: Annotated[int | None, typer.Option(help="Expire after this many days.")] = None,
) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    from sar_coord.auth import service
    from sar_coord.core.errors import AppError

    with database(get_settings()) as url:
        try:
            _row, plain = asyncio.run(
                _with_session(
                    url,
                    lambda s: service.create_api_token(
                        s, username=user, name=name, expires_in_days=days
                    ),
                )
            )
        except AppError as exc:
            console.print(f"[red]error:[/] {exc.detail}")
            raise typer.Exit(1) from exc
    typer.echo(plain)


if __name__ == "__main__":
    app()
