"""CLI commands (ingest, bench-ingest) and the Prometheus /metrics app, on the real database."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
import httpx
from typer.testing import CliRunner

from ais_ingest import metrics
from ais_ingest.cli import app
from ais_ingest.pipeline import Pipeline
from tests.ais_ingest.aisgen import sentence, type1

runner = CliRunner()


async def test_metrics_exposed_after_ingest(db: asyncpg.Connection, ingest_db_url: str) -> None:
    pipe = Pipeline(ingest_db_url)
    await pipe.start()
    await pipe.ingest("m", [sentence(type1(244555000, 1.0, 2.0)).encode(), b"$GPGGA,1*00"])
    await pipe.close()
    transport = httpx.ASGITransport(app=metrics.metrics_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        resp = await client.get("/")
    assert resp.status_code == 200
    body = resp.text
    for name in (
        "ais_lines_received_total",
        "ais_messages_total",
        "ais_lines_persisted_total",
        'ais_lines_rejected_total{reason="not_ais"}',
        "ais_batch_write_seconds_bucket",
        "ais_buffered_lines 0.0",
        "ais_feed_lag_seconds",
        "ais_messages_per_second",
    ):
        assert name in body, name


def test_cli_ingest_file_with_stats_and_dead_letter(
    tmp_path: Path, ingest_db_url: str, db: asyncpg.Connection
) -> None:
    feed = tmp_path / "feed.nmea"
    feed.write_text("\n".join([sentence(type1(244666000 + i, 1.0, 2.0)) for i in range(3)] + ["x"]))
    dead = tmp_path / "dead.txt"
    result = runner.invoke(
        app,
        ["ingest", f"file:{feed}", "--database-url", ingest_db_url, "--dead-letter", str(dead)],
    )
    assert result.exit_code == 0, result.output
    final = json.loads(result.output.strip().splitlines()[-1])
    assert final["persisted"] == 3 and final["rejected"] == {"malformed": 1} and final["balanced"]
    assert dead.read_text().startswith("malformed\tx")


def test_cli_rejects_bad_source() -> None:
    result = runner.invoke(app, ["ingest", "nope://x", "--database-url", "postgresql://x/y"])
    assert result.exit_code != 0


def test_bench_prints_one_json_line(tmp_path: Path, ingest_db_url: str, ais_corpus: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("pyais__mixed.txt", "aisparser__seattle.log"):
        (corpus / name).symlink_to(ais_corpus / name)
    result = runner.invoke(
        app, ["bench-ingest", "--corpus", str(corpus), "--database-url", ingest_db_url]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    figures = json.loads(lines[-1])
    for key in (
        "sentences", "messages", "persisted", "pipeline_msgs_per_s", "pyais_decode_msgs_per_s",
        "ratio", "peak_rss_mb",
    ):  # fmt: skip
        assert key in figures
    assert figures["messages"] == 614 + 12 and figures["balanced"]
