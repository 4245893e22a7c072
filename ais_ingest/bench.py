"""Benchmark: the whole pipeline into PostGIS vs pyais alone decoding the same messages."""

from __future__ import annotations

import asyncio
import resource
import time
from pathlib import Path
from typing import Any

from ais_ingest.decode import decode_pyais_sentences
from ais_ingest.framing import Framer, Message
from ais_ingest.pipeline import Pipeline
from ais_ingest.stats import IngestStats

CHUNK_LINES = 1024


def corpus_files(corpus: Path) -> list[Path]:
    """Capture files of a corpus directory (everything except README.md and manifest.json)."""
    return sorted(
        p for p in corpus.iterdir() if p.is_file() and p.name not in ("README.md", "manifest.json")
    )


def _load(corpus: Path) -> list[tuple[str, list[bytes]]]:
    return [(p.name, p.read_bytes().splitlines()) for p in corpus_files(corpus)]


def time_pyais(files: list[tuple[str, list[bytes]]], repeat: int) -> tuple[int, float, float]:
    """pyais.decode(*sentences) for every assembled message: (messages, wall s, CPU s)."""
    messages: list[Message] = []
    stats = IngestStats()
    for name, lines in files:
        framer = Framer(stats, messages.append)
        for line in lines:
            framer.feed(line, 0.0)
        framer.close()
        del name
    parts = [m[4].split(b"\n") for m in messages]
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        decode_pyais_sentences(parts)
    return len(parts) * repeat, time.perf_counter() - t0, time.process_time() - c0


async def time_pipeline(
    files: list[tuple[str, list[bytes]]], database_url: str, repeat: int
) -> tuple[Pipeline, float, float]:
    """Push the corpus `repeat` times through a full pipeline as fast as possible."""
    pipeline = Pipeline(database_url)
    await pipeline.start()
    t0, c0 = time.perf_counter(), time.process_time()
    for r in range(repeat):
        for name, lines in files:
            key = (r, name)
            for i in range(0, len(lines), CHUNK_LINES):
                await pipeline.ingest(key, lines[i : i + CHUNK_LINES])
                await asyncio.sleep(0)
            pipeline.end_stream(key)
    await pipeline.close()
    return pipeline, time.perf_counter() - t0, time.process_time() - c0


async def run_bench(corpus: Path, database_url: str, repeat: int = 1) -> dict[str, Any]:
    """Run both timings in one process and return the figures (one JSON-ready dict).

    pyais is timed before and after the pipeline and the two runs are summed, so that load
    from other processes on a shared machine affects both sides alike.
    """
    files = _load(corpus)
    lines = sum(len(lines) for _, lines in files) * repeat
    n1, pyais_s1, pyais_cpu1 = time_pyais(files, repeat)
    pipeline, pipeline_s, pipeline_cpu_s = await time_pipeline(files, database_url, repeat)
    n2, pyais_s2, pyais_cpu2 = time_pyais(files, repeat)
    st = pipeline.stats
    pipeline_rate = st.messages / pipeline_s
    pyais_rate = (n1 + n2) / (pyais_s1 + pyais_s2)
    pyais_cpu_rate = (n1 + n2) / (pyais_cpu1 + pyais_cpu2)
    return {
        # AIS sentences seen (other NMEA such as $GPRMC and garbage lines are not sentences)
        "sentences": st.received - st.rejected["not_ais"] - st.rejected["malformed"],
        "input_lines": lines,
        "received_lines": st.received,
        "messages": st.messages,
        "persisted": st.messages_persisted,
        "persisted_lines": st.persisted,
        "rejected": dict(sorted(st.rejected.items())),
        "balanced": st.balanced(),
        "pipeline_s": round(pipeline_s, 3),
        "pipeline_msgs_per_s": round(pipeline_rate),
        "pyais_messages": n1,
        "pyais_s": round((pyais_s1 + pyais_s2) / 2, 3),
        "pyais_decode_msgs_per_s": round(pyais_rate),
        "ratio": round(pipeline_rate / pyais_rate, 3),
        "pipeline_cpu_msgs_per_s": round(st.messages / pipeline_cpu_s),
        "pyais_cpu_msgs_per_s": round(pyais_cpu_rate),
        "cpu_ratio": round(st.messages / pipeline_cpu_s / pyais_cpu_rate, 3),
        "batches": pipeline.batches_written,
        "db_write_s": round(pipeline.write_s_total, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
