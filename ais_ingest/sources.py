"""AIS sources: tcp client, tcp-listen, udp, file (plain/.gz, paced replay) and stdin."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import logging
import os
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ais_ingest.config import get_ingest_settings
from ais_ingest.framing import parse_epoch
from ais_ingest.stats import IngestStats

log = logging.getLogger(__name__)

# ingest(stream key, lines, arrival time Unix s or None for now) and end-of-stream callbacks
Ingest = Callable[[object, list[bytes], float | None], Awaitable[None]]
EndStream = Callable[[object], None]
# progress(label, bytes done, bytes total) for file replay
Progress = Callable[[str, int, int], None]

READ_BYTES = 1 << 16
MAX_LINE_BYTES = 4096
FILE_CHUNK_LINES = 1024


class SourceError(ValueError):
    """A source URI that cannot be understood."""


@dataclass(frozen=True)
class SourceSpec:
    """A parsed source URI."""

    kind: str  # tcp | tcp-listen | udp | file | stdin
    host: str = ""
    port: int = 0
    path: Path | None = None
    speed: float | None = None  # None: as fast as possible; 1.0 original speed; N: N x

    @property
    def label(self) -> str:
        """Short human-readable name for logs and stats."""
        if self.kind == "file":
            return f"file:{self.path}"
        if self.kind == "stdin":
            return "stdin"
        return f"{self.kind}://{self.host}:{self.port}"


def parse_source(uri: str) -> SourceSpec:
    """Parse `tcp://h:p`, `tcp-listen://:p`, `udp://:p`, `file:PATH?speed=N`, a path, or `-`."""
    uri = uri.strip()
    if uri == "-":
        return SourceSpec("stdin")
    if uri.startswith("file:"):
        rest = uri[5:]
        if rest.startswith("//"):
            rest = rest[2:]
        path_s, _, query = rest.partition("?")
        speed: float | None = None
        if query:
            values = parse_qs(query).get("speed")
            if values:
                raw = values[0]
                speed = None if raw in ("max", "inf", "0") else float(raw)
                if speed is not None and speed <= 0:
                    raise SourceError(f"speed must be > 0 in {uri!r}")
        return SourceSpec("file", path=Path(path_s), speed=speed)
    parts = urlsplit(uri)
    if parts.scheme in ("tcp", "tcp-listen", "udp"):
        try:
            port = parts.port
        except ValueError as exc:
            raise SourceError(f"bad port in {uri!r}") from exc
        if port is None:
            raise SourceError(f"missing port in {uri!r}")
        host = parts.hostname or ""
        if parts.scheme == "tcp" and not host:
            raise SourceError(f"tcp source needs a host: {uri!r}")
        return SourceSpec(parts.scheme, host=host, port=port)
    if "://" not in uri and Path(uri).exists():
        return SourceSpec("file", path=Path(uri))
    raise SourceError(f"unknown AIS source {uri!r}")


class LineSplitter:
    """Turns a byte stream into complete lines, bounding the partial-line buffer."""

    def __init__(self) -> None:
        """Start with an empty remainder."""
        self._rest = b""

    def push(self, data: bytes) -> list[bytes]:
        """Complete lines in `data` (after the remainder); keeps the trailing partial line."""
        data = self._rest + data
        lines = data.split(b"\n")
        self._rest = lines.pop()
        if len(self._rest) > MAX_LINE_BYTES:
            self._rest = b""  # a line this long is garbage; the framer never sees it
        return lines

    def flush(self) -> list[bytes]:
        """The final partial line, if any."""
        rest, self._rest = self._rest, b""
        return [rest] if rest else []


def peek_time_s(line: bytes) -> float | None:
    """Receive time carried by a line (leading epoch, tag block c:), for paced replay."""
    if not line:
        return None
    c0 = line[0]
    if 48 <= c0 <= 57:
        sp = line.find(b" ")
        return parse_epoch(line[:sp]) if sp > 0 else None
    if c0 == 92:
        i = line.find(b"c:")
        if i > 0:
            j = i + 2
            while j < len(line) and 48 <= line[j] <= 57:
                j += 1
            return parse_epoch(line[i + 2 : j])
    return None


async def run_file(
    spec: SourceSpec,
    ingest: Ingest,
    end: EndStream,
    key: object,
    progress: Progress | None = None,
) -> None:
    """Replay a file (.gz aware) as fast as possible, or paced by its timestamps x speed."""
    assert spec.path is not None
    total = spec.path.stat().st_size
    with spec.path.open("rb") as raw:
        fh = gzip.open(raw, "rb") if spec.path.suffix == ".gz" else raw  # noqa: SIM115
        if spec.speed is None:
            while True:
                lines = await asyncio.to_thread(fh.readlines, 1 << 20)
                if not lines:
                    break
                for i in range(0, len(lines), FILE_CHUNK_LINES):
                    await ingest(key, lines[i : i + FILE_CHUNK_LINES], None)
                    await asyncio.sleep(0)
                if progress is not None:
                    progress(spec.label, raw.tell(), total)
        else:
            await _paced(fh, spec.speed, ingest, key)
        if progress is not None:
            progress(spec.label, total, total)
    end(key)


async def _paced(fh: object, speed: float, ingest: Ingest, key: object) -> None:
    first_feed_s: float | None = None
    start_wall = time.monotonic()
    pending: list[bytes] = []
    for line in fh:  # type: ignore[attr-defined]
        feed_s = peek_time_s(line)
        if feed_s is not None:
            if first_feed_s is None:
                first_feed_s = feed_s
            due = start_wall + (feed_s - first_feed_s) / speed
            delay = due - time.monotonic()
            if delay > 0:
                if pending:
                    await ingest(key, pending, None)
                    pending = []
                await asyncio.sleep(min(delay, 3600.0))
        pending.append(line)
        if len(pending) >= 256:
            await ingest(key, pending, None)
            pending = []
    if pending:
        await ingest(key, pending, None)


async def _pump_stream(
    reader: asyncio.StreamReader, ingest: Ingest, end: EndStream, key: object, *, live: bool
) -> None:
    """Lines of a byte stream into `ingest`; a live stream passes its real arrival times."""
    splitter = LineSplitter()
    try:
        while True:
            data = await reader.read(READ_BYTES)
            if not data:
                break
            lines = splitter.push(data)
            if lines:
                await ingest(key, lines, time.time() if live else None)
        tail = splitter.flush()
        if tail:
            await ingest(key, tail, time.time() if live else None)
    finally:
        end(key)


async def run_tcp_client(
    spec: SourceSpec,
    ingest: Ingest,
    end: EndStream,
    *,
    max_backoff_s: float = 30.0,
    stop: asyncio.Event | None = None,
) -> None:
    """Connect to a TCP feed and read lines; reconnect with exponential backoff forever."""
    delay_s = 0.5
    attempt = 0
    while stop is None or not stop.is_set():
        attempt += 1
        key = (spec.label, attempt)
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(spec.host, spec.port), 10
            )
        except (OSError, TimeoutError) as exc:
            log.warning("%s: connect failed (%s); retrying in %.1fs", spec.label, exc, delay_s)
        else:
            delay_s = 0.5
            log.info("%s: connected", spec.label)
            try:
                await _pump_stream(reader, ingest, end, key, live=True)
            except OSError as exc:
                log.warning("%s: connection lost (%s)", spec.label, exc)
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()
        await asyncio.sleep(delay_s)
        delay_s = min(delay_s * 2, max_backoff_s)


async def start_tcp_server(
    spec: SourceSpec, ingest: Ingest, end: EndStream
) -> asyncio.base_events.Server:
    """Listen for receivers pushing lines; each connection is its own stream."""
    counter = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal counter
        counter += 1
        key = (spec.label, writer.get_extra_info("peername"), counter)
        try:
            await _pump_stream(reader, ingest, end, key, live=True)
        except OSError as exc:
            log.warning("%s: client error (%s)", spec.label, exc)
        finally:
            writer.close()

    return await asyncio.start_server(handle, spec.host or None, spec.port)


class DatagramLines:
    """Lines of one sender's datagrams: a sentence split across datagrams is joined again.

    A datagram usually holds whole lines, often without the final newline. Its unterminated
    tail is a line of its own when it ends in a checksum (`*hh` after the sentence delimiter);
    otherwise it waits for the sender's next datagram, unless that one starts a new line.
    """

    def __init__(self) -> None:
        """Start with no partial line."""
        self._rest = b""

    def push(self, data: bytes) -> list[bytes]:
        """Complete lines of `data` (after any partial line kept from the previous datagram)."""
        if self._rest and data[:1] in _LINE_STARTS:
            lines = [self._rest]  # the kept part never got its end: counted, then rejected
            self._rest = b""
        else:
            lines = []
        parts = (self._rest + data).split(b"\n")
        self._rest = b""
        tail = parts.pop()
        lines.extend(parts)
        if tail.strip():
            if _ends_in_checksum(tail):
                lines.append(tail)
            elif len(tail) <= MAX_LINE_BYTES:
                self._rest = tail
            else:
                lines.append(tail)
        return lines

    def flush(self) -> list[bytes]:
        """The partial line still kept, if any."""
        rest, self._rest = self._rest, b""
        return [rest] if rest else []


# Bytes that start a line and never occur in a six-bit payload (armouring uses 48-119).
_LINE_STARTS = frozenset((b"!", b"$", b"\\", b"#"))


def _ends_in_checksum(line: bytes) -> bool:
    """True if the last sentence of `line` has its `*hh` checksum (so it is complete)."""
    line = line.rstrip()
    start = max(line.rfind(b"!"), line.rfind(b"$"))
    star = line.rfind(b"*")
    return star > start >= 0 and len(line) >= star + 3


def socket_drops(sock: socket.socket) -> int | None:
    """Datagrams the kernel dropped for this socket (its receive buffer was full), from
    /proc/net/udp[6] (Linux); None where that is not available."""
    inode = str(os.fstat(sock.fileno()).st_ino)
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(table, encoding="ascii") as fh:
                next(fh)
                for row in fh:
                    cols = row.split()
                    if len(cols) >= 13 and cols[9] == inode:
                        return int(cols[12])
        except (OSError, ValueError, StopIteration):
            continue
    return None


def udp_socket(host: str, port: int, rcvbuf_bytes: int) -> socket.socket:
    """A bound UDP socket with a receive buffer of `rcvbuf_bytes` (forced past the sysctl
    limit when the process may, else as large as the kernel allows)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf_bytes)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf_bytes)
    sock.setblocking(False)
    sock.bind((host or ("::" if family == socket.AF_INET6 else "0.0.0.0"), port))
    return sock


SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, spec: SourceSpec, stats: IngestStats | None) -> None:
        self.spec = spec
        self.stats = stats
        self.queue: asyncio.Queue[tuple[object, bytes, float]] = asyncio.Queue(maxsize=100_000)
        self.dropped = 0

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        try:
            self.queue.put_nowait(((self.spec.label, addr), data, time.time()))
        except asyncio.QueueFull:
            self.dropped += 1  # counted in the stats: a UDP sender cannot be slowed down
            if self.stats is not None:
                self.stats.udp_queue_drops += 1


async def run_udp(
    spec: SourceSpec, ingest: Ingest, end: EndStream, stats: IngestStats | None = None
) -> None:
    """Receive datagrams (one or more lines each); each sender address is its own stream.

    Kernel drops (a full receive buffer) are read into `stats.udp_kernel_drops`.
    """
    loop = asyncio.get_running_loop()
    sock = udp_socket(spec.host, spec.port, get_ingest_settings().udp_rcvbuf_bytes)
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: _UdpProtocol(spec, stats), sock=sock
    )
    splitters: dict[object, DatagramLines] = {}
    base_drops = socket_drops(sock) or 0
    last_check_s = 0.0
    try:
        while True:
            key, data, arrival_s = await protocol.queue.get()
            splitter = splitters.get(key)
            if splitter is None:
                splitter = splitters[key] = DatagramLines()
            lines = splitter.push(data)
            if lines:
                await ingest(key, lines, arrival_s)
            if stats is not None and arrival_s - last_check_s >= 1.0:
                last_check_s = arrival_s
                stats.udp_kernel_drops = (socket_drops(sock) or base_drops) - base_drops
    finally:
        if stats is not None:
            drops = socket_drops(sock)
            if drops is not None:
                stats.udp_kernel_drops = drops - base_drops
        for key, splitter in splitters.items():
            tail = splitter.flush()
            if tail:
                with contextlib.suppress(Exception):
                    await ingest(key, tail, time.time())
            end(key)
        transport.close()


async def run_stdin(ingest: Ingest, end: EndStream) -> None:
    """Read lines from standard input until EOF."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES * 16)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    await _pump_stream(reader, ingest, end, "stdin", live=False)


async def run_source(
    uri: str,
    ingest: Ingest,
    end: EndStream,
    progress: Progress | None = None,
    stats: IngestStats | None = None,
) -> None:
    """Run one source URI until it ends (files, stdin) or forever (network sources)."""
    spec = parse_source(uri)
    if spec.kind == "file":
        await run_file(spec, ingest, end, spec.label, progress)
    elif spec.kind == "stdin":
        await run_stdin(ingest, end)
    elif spec.kind == "tcp":
        await run_tcp_client(spec, ingest, end)
    elif spec.kind == "udp":
        await run_udp(spec, ingest, end, stats)
    else:
        server = await start_tcp_server(spec, ingest, end)
        async with server:
            await server.serve_forever()
