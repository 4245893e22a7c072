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

CHUNK_LINES = 4096


def corpus_files(corpus: Path) -> list[Path]:
    """Capture files of a corpus directory (everything except README.md and manifest.json)."""
    return sorted(
        p for p in corpus.iterdir() if p.is_file() and p.name not in ("README.md", "manifest.json")
    )


def _load(corpus: Path) -> list[tuple[str, list[bytes]]]:
    return [(p.name, p.read_bytes().splitlines()) for p in corpus_files(corpus)]


def time_pyais(files: list[tuple[str, list[bytes]]], repeat: int) -> tuple[int, float]:
    """Decode every assembled message's sentences with pyais.decode; (messages, seconds)."""
    messages: list[Message] = []
    stats = IngestStats()
    for name, lines in files:
        framer = Framer(stats, messages.append)
        for line in lines:
            framer.feed(line, 0.0)
        framer.close()
        del name
    parts = [m[4].split(b"\n") for m in messages]
    t0 = time.perf_counter()
    for _ in range(repeat):
        decode_pyais_sentences(parts)
    return len(parts) * repeat, time.perf_counter() - t0


async def time_pipeline(
    files: list[tuple[str, list[bytes]]], database_url: str, repeat: int
) -> tuple[Pipeline, float]:
    """Push the corpus `repeat` times through a full pipeline as fast as possible."""
    pipeline = Pipeline(database_url)
    await pipeline.start()
    t0 = time.perf_counter()
    for r in range(repeat):
        for name, lines in files:
            key = (r, name)
            for i in range(0, len(lines), CHUNK_LINES):
                await pipeline.ingest(key, lines[i : i + CHUNK_LINES])
                await asyncio.sleep(0)
            pipeline.end_stream(key)
    await pipeline.close()
    return pipeline, time.perf_counter() - t0


async def run_bench(corpus: Path, database_url: str, repeat: int = 1) -> dict[str, Any]:
    """Run both timings in one process and return the figures (one JSON-ready dict)."""
    files = _load(corpus)
    sentences = sum(len(lines) for _, lines in files) * repeat
    pipeline, pipeline_s = await time_pipeline(files, database_url, repeat)
    pyais_msgs, pyais_s = time_pyais(files, repeat)
    st = pipeline.stats
    pipeline_rate = st.messages / pipeline_s
    pyais_rate = pyais_msgs / pyais_s
    return {
        "sentences": st.received,
        "input_lines": sentences,
        "messages": st.messages,
        "persisted": st.messages_persisted,
        "persisted_lines": st.persisted,
        "rejected": dict(sorted(st.rejected.items())),
        "balanced": st.balanced(),
        "pipeline_s": round(pipeline_s, 3),
        "pipeline_msgs_per_s": round(pipeline_rate),
        "pyais_messages": pyais_msgs,
        "pyais_s": round(pyais_s, 3),
        "pyais_decode_msgs_per_s": round(pyais_rate),
        "ratio": round(pipeline_rate / pyais_rate, 3),
        "batches": pipeline.batches_written,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
