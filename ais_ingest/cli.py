"""Command line: `ingest SOURCE...` and `bench-ingest --corpus DIR` (typer sub-app)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from ais_ingest.config import get_ingest_settings
from ais_ingest.metrics import serve_metrics
from ais_ingest.sources import SourceError, parse_source
from ais_ingest.stats import IngestStats

app = typer.Typer(help="AIS ingest: feeds in, vessel picture out.", no_args_is_help=True)
err = Console(stderr=True)


@contextlib.contextmanager
def _database(database_url: str | None) -> Iterator[str]:
    """The given URL, SAR_DATABASE_URL (migrated by `up` / `db upgrade`), or the embedded
    cluster (started and migrated here); refuses a database without the ingest tables."""
    from sar_coord.core.config import get_settings
    from sar_coord.core.database import database

    if database_url:
        _require_schema(database_url)
        yield database_url
        return
    settings = get_settings()
    with database(settings, migrate_schema=not settings.database_url) as url:
        _require_schema(url)
        yield url


def _require_schema(url: str) -> None:
    import asyncpg

    from sar_coord.core.db import asyncpg_dsn

    async def check() -> bool:
        conn = await asyncpg.connect(**asyncpg_dsn(url), timeout=10)
        try:
            return bool(await conn.fetchval("SELECT to_regclass('vessel_position') IS NOT NULL"))
        finally:
            await conn.close()

    try:
        ok = asyncio.run(check())
    except (OSError, asyncpg.PostgresError) as exc:
        raise typer.BadParameter(f"cannot reach the database: {exc}") from exc
    if not ok:
        raise typer.BadParameter("the database has no vessel tables: run `sar-coord db upgrade`")


def _print_stats(stats: IngestStats) -> None:
    print(json.dumps(stats.snapshot(), separators=(",", ":")), file=sys.stderr, flush=True)


@app.command("ingest")
def ingest(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="tcp://host:port, tcp-listen://:port, udp://:port, file:PATH?speed=N, -"
        ),
    ],
    stats: Annotated[bool, typer.Option("--stats", help="Print counters every 5 s.")] = False,
    dead_letter: Annotated[
        Path | None, typer.Option("--dead-letter", help="Append rejected lines (reason TAB line).")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: SAR_DATABASE_URL / embedded.")
    ] = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Progress bar for file replay.")
    ] = True,
    metrics_port: Annotated[
        int | None, typer.Option("--metrics-port", help="Serve Prometheus /metrics on this port.")
    ] = None,
) -> None:
    """Ingest AIS from one or more sources into the database until they end or Ctrl-C."""
    from ais_ingest.pipeline import Pipeline, run_pipeline

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        specs = [parse_source(s) for s in sources]
    except SourceError as exc:
        raise typer.BadParameter(str(exc)) from exc
    show_bar = progress and err.is_terminal and any(s.kind == "file" for s in specs)
    cfg = get_ingest_settings()
    port = metrics_port or cfg.metrics_port
    if port:
        serve_metrics(port, cfg.metrics_host)
    with _database(database_url) as url:
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=not show_bar,
        )
        tasks: dict[str, object] = {}

        def on_progress(label: str, done: int, total: int) -> None:
            task = tasks.get(label)
            if task is None:
                task = tasks[label] = bar.add_task(label, total=total)
            bar.update(task, completed=done)  # type: ignore[arg-type]

        async def main() -> IngestStats:
            pipe = Pipeline(url, dead_letter=dead_letter)
            task = asyncio.ensure_future(
                run_pipeline(
                    sources,
                    url,
                    pipeline=pipe,
                    stats_every_s=5.0 if stats else None,
                    report=_print_stats if stats else None,
                    progress=on_progress if show_bar else None,
                )
            )
            # SIGTERM (from `sar-coord up`) and Ctrl-C stop the sources and flush the buffer.
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(sig, task.cancel)
            with contextlib.suppress(asyncio.CancelledError):
                await task
            return pipe.stats

        with bar:
            final = asyncio.run(main())
    if not stats:
        _print_stats(final)
    if not final.balanced():
        sys.exit(2)


@app.command("bench-ingest")
def bench_ingest(
    corpus: Annotated[Path, typer.Option("--corpus", help="Directory of AIS capture files.")],
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Replay the corpus N times.")] = 1,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: SAR_DATABASE_URL / embedded.")
    ] = None,
) -> None:
    """Replay the corpus through the pipeline into PostGIS and time pyais alone; one JSON line."""
    from ais_ingest.bench import run_bench

    if not corpus.is_dir():
        raise typer.BadParameter(f"{corpus} is not a directory")
    with _database(database_url) as url:
        result = asyncio.run(run_bench(corpus, url, repeat))
    typer.echo(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    app()
