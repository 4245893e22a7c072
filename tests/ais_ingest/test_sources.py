"""Sources on real loopback sockets and files: tcp client + reconnect, tcp server, udp, file."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import time
from pathlib import Path

import pytest

from ais_ingest.sources import (
    DatagramLines,
    LineSplitter,
    SourceError,
    SourceSpec,
    parse_source,
    run_file,
    run_tcp_client,
    run_udp,
    start_tcp_server,
)
from ais_ingest.stats import IngestStats
from tests.ais_ingest.aisgen import sentence, type1

LINES = [sentence(type1(244000000 + i, 50.0 + i / 100, 4.0)).encode() for i in range(50)]


class Recorder:
    """Collects what a source delivers (the pipeline's ingest/end_stream signature)."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.keys: set[object] = set()
        self.ended: list[object] = []
        self.times: list[float] = []

    async def ingest(self, key: object, lines: list[bytes], arrival_s: float | None) -> None:
        self.keys.add(key)
        self.lines.extend(ln.rstrip(b"\r\n") for ln in lines if ln.strip())
        self.times.append(time.monotonic())

    def end(self, key: object) -> None:
        self.ended.append(key)

    async def wait_for(self, n: int, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.lines) < n:
            assert time.monotonic() < deadline, f"got {len(self.lines)} of {n} lines"
            await asyncio.sleep(0.01)


async def stop_task(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def stop_server(server: asyncio.Server) -> None:
    server.close()
    await server.wait_closed()


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_parse_source_uris(tmp_path: Path) -> None:
    assert parse_source("tcp://10.0.0.1:5631") == SourceSpec("tcp", "10.0.0.1", 5631)
    assert parse_source("tcp-listen://:10110") == SourceSpec("tcp-listen", "", 10110)
    assert parse_source("udp://:10111") == SourceSpec("udp", "", 10111)
    assert parse_source("file:/x/a.nmea?speed=10") == SourceSpec(
        "file", path=Path("/x/a.nmea"), speed=10.0
    )
    assert parse_source("file:/x/a.nmea").speed is None
    assert parse_source("-").kind == "stdin"
    for bad in ("tcp://:1", "http://x:1", "udp://host", "file:/a?speed=-1", "nonexistent-file"):
        with pytest.raises(SourceError):
            parse_source(bad)


def test_line_splitter_keeps_partial_lines_and_bounds_them() -> None:
    sp = LineSplitter()
    assert sp.push(b"!AIVDM,1") == []
    assert sp.push(b",1\n!B\n!C") == [b"!AIVDM,1,1", b"!B"]
    assert sp.flush() == [b"!C"]
    assert sp.push(b"x" * 10_000) == [] and sp.flush() == []


async def test_tcp_client_reads_and_reconnects() -> None:
    port = free_port()
    sessions = 0

    async def feed(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal sessions
        sessions += 1
        half = LINES[:25] if sessions == 1 else LINES[25:]
        writer.write(b"\r\n".join(half) + b"\r\n")
        await writer.drain()
        writer.close()  # the feed drops: the client must reconnect

    server = await asyncio.start_server(feed, "127.0.0.1", port)
    rec = Recorder()
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_tcp_client(
            parse_source(f"tcp://127.0.0.1:{port}"), rec.ingest, rec.end, max_backoff_s=0.5,
            stop=stop,
        )
    )  # fmt: skip
    try:
        await rec.wait_for(50)
    finally:
        stop.set()
        await stop_task(task)
        await stop_server(server)
    assert rec.lines == LINES and sessions >= 2 and len(rec.ended) >= 2


async def test_tcp_client_retries_until_server_appears() -> None:
    port = free_port()
    rec = Recorder()
    task = asyncio.create_task(
        run_tcp_client(parse_source(f"tcp://127.0.0.1:{port}"), rec.ingest, rec.end)
    )
    await asyncio.sleep(0.7)  # at least one refused attempt

    async def feed(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"\n".join(LINES[:3]) + b"\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(feed, "127.0.0.1", port)
    try:
        await rec.wait_for(3)
    finally:
        await stop_task(task)
        await stop_server(server)
    assert rec.lines == LINES[:3]


async def test_tcp_listen_server_streams_per_connection() -> None:
    port = free_port()
    rec = Recorder()
    server = await start_tcp_server(
        parse_source(f"tcp-listen://127.0.0.1:{port}"), rec.ingest, rec.end
    )
    try:
        for chunk in (LINES[:20], LINES[20:]):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            payload = b"\n".join(chunk) + b"\n"
            for i in range(0, len(payload), 7):  # split mid-line on purpose
                writer.write(payload[i : i + 7])
                await writer.drain()
            writer.close()
            await writer.wait_closed()
        await rec.wait_for(50)
    finally:
        await stop_server(server)
    assert sorted(rec.lines) == sorted(LINES) and len(rec.keys) == 2


async def test_udp_listener_receives_datagrams() -> None:
    port = free_port(socket.SOCK_DGRAM)
    rec = Recorder()
    task = asyncio.create_task(
        run_udp(parse_source(f"udp://127.0.0.1:{port}"), rec.ingest, rec.end)
    )
    await asyncio.sleep(0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(0, 50, 5):
            s.sendto(b"\r\n".join(LINES[i : i + 5]) + b"\r\n", ("127.0.0.1", port))
    try:
        await rec.wait_for(50)
    finally:
        await stop_task(task)
    assert rec.lines == LINES


def test_datagram_lines_join_a_sentence_split_across_datagrams() -> None:
    splitter = DatagramLines()
    line = LINES[0]
    assert splitter.push(line[:20]) == []  # no checksum yet: waits for the rest
    assert splitter.push(line[20:]) == [line]  # one datagram per sentence, no newline
    assert splitter.push(LINES[1] + b"\r\n" + LINES[2][:9]) == [LINES[1] + b"\r"]
    # the next datagram starts a new sentence: the unfinished one is passed on (to be rejected)
    assert splitter.push(LINES[3]) == [LINES[2][:9], LINES[3]]
    assert splitter.flush() == []


async def test_udp_sentences_split_across_datagrams_are_reassembled() -> None:
    port = free_port(socket.SOCK_DGRAM)
    rec = Recorder()
    stats = IngestStats()
    task = asyncio.create_task(
        run_udp(parse_source(f"udp://127.0.0.1:{port}"), rec.ingest, rec.end, stats)
    )
    await asyncio.sleep(0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for line in LINES[:10]:
            s.sendto(line[:25], ("127.0.0.1", port))
            s.sendto(line[25:], ("127.0.0.1", port))
    try:
        await rec.wait_for(10)
    finally:
        await stop_task(task)
    assert rec.lines == LINES[:10]
    assert (stats.udp_kernel_drops, stats.udp_queue_drops) == (0, 0)


async def test_udp_flood_every_datagram_is_ingested_or_counted_as_dropped() -> None:
    port = free_port(socket.SOCK_DGRAM)
    rec = Recorder()
    stats = IngestStats()
    task = asyncio.create_task(
        run_udp(parse_source(f"udp://127.0.0.1:{port}"), rec.ingest, rec.end, stats)
    )
    await asyncio.sleep(0.2)
    sent = 50_000
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(sent):  # as fast as the sender can: no pacing at all
            s.sendto(LINES[i % 50], ("127.0.0.1", port))
    try:
        deadline = time.monotonic() + 60
        while True:
            await asyncio.sleep(0.5)
            before = len(rec.lines)
            await asyncio.sleep(1.2)  # the drop count is read at least once a second
            if len(rec.lines) == before or time.monotonic() > deadline:
                break
    finally:
        await stop_task(task)
    assert len(rec.lines) + stats.udp_kernel_drops + stats.udp_queue_drops == sent


async def test_gzip_file_as_fast_as_possible(tmp_path: Path) -> None:
    path = tmp_path / "feed.nmea.gz"
    path.write_bytes(gzip.compress(b"\n".join(LINES) + b"\n"))
    rec = Recorder()
    done: list[tuple[str, int, int]] = []
    await run_file(
        parse_source(f"file:{path}"), rec.ingest, rec.end, "k", lambda *a: done.append(a)
    )
    assert rec.lines == LINES and rec.ended == ["k"] and done[-1][1] == done[-1][2]


async def test_file_replay_is_paced_by_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "feed.nmea"
    # 2 s of feed time at 10x speed should take ~0.2 s; as fast as possible takes far less
    path.write_bytes(b"".join(b"%.1f %s\n" % (1_600_000_000 + i * 0.5, LINES[i]) for i in range(5)))
    rec = Recorder()
    t0 = time.monotonic()
    await run_file(parse_source(f"file:{path}?speed=10"), rec.ingest, rec.end, "k")
    elapsed = time.monotonic() - t0
    assert len(rec.lines) == 5
    assert 0.18 <= elapsed < 2.0
