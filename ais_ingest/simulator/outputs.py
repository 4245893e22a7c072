"""Simulator outputs: UDP datagrams, TCP client (reconnecting), TCP server, file or stdout."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import IO


class Output:
    """Where NMEA lines go; send() never raises for a peer that went away."""

    dropped = 0

    async def send(self, lines: list[str]) -> None:  # pragma: no cover - interface
        """Write a batch of lines (without line ends)."""
        raise NotImplementedError

    async def close(self) -> None:
        """Flush and release the output."""


class StreamOutput(Output):
    """A file or stdout, one line per sentence."""

    def __init__(self, fh: IO[str], owned: bool) -> None:
        self._fh, self._owned = fh, owned

    async def send(self, lines: list[str]) -> None:
        """Write and flush (so a follower sees lines as they come)."""
        self._fh.write("".join(line + "\n" for line in lines))
        self._fh.flush()

    async def close(self) -> None:
        """Close the file (not stdout)."""
        if self._owned:
            self._fh.close()


class UdpOutput(Output):
    """One datagram per sentence to host:port."""

    def __init__(self, transport: asyncio.DatagramTransport) -> None:
        self._tr = transport

    async def send(self, lines: list[str]) -> None:
        """Send each line as a datagram ending in CR LF."""
        for line in lines:
            self._tr.sendto((line + "\r\n").encode("ascii"))

    async def close(self) -> None:
        """Close the socket."""
        self._tr.close()


class TcpClientOutput(Output):
    """Connects to host:port and reconnects with backoff; lines are dropped while disconnected."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._writer: asyncio.StreamWriter | None = None
        self._retry_at = 0.0
        self._backoff_s = 0.5

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() < self._retry_at:
            return
        try:
            _r, self._writer = await asyncio.open_connection(self.host, self.port)
            self._backoff_s = 0.5
        except OSError:
            self._retry_at = loop.time() + self._backoff_s
            self._backoff_s = min(10.0, self._backoff_s * 2)

    async def send(self, lines: list[str]) -> None:
        """Write the lines, reconnecting first if needed."""
        if self._writer is None:
            await self._connect()
        if self._writer is None:
            self.dropped += len(lines)
            return
        try:
            self._writer.write("".join(line + "\r\n" for line in lines).encode("ascii"))
            await self._writer.drain()
        except (OSError, ConnectionError):
            self.dropped += len(lines)
            self._writer = None

    async def close(self) -> None:
        """Close the connection."""
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await self._writer.wait_closed()


class TcpServerOutput(Output):
    """Listens on host:port and sends every line to every connected client."""

    MAX_BUFFER = 1 << 20

    def __init__(self) -> None:
        self.clients: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> None:
        """Start listening (port 0: any free port, see .port)."""

        async def on_client(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            self.clients.add(w)

        self.server = await asyncio.start_server(on_client, host or None, port)

    @property
    def port(self) -> int:
        """The bound TCP port."""
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    async def send(self, lines: list[str]) -> None:
        """Write to each client; a client whose buffer exceeds 1 MiB is disconnected."""
        data = "".join(line + "\r\n" for line in lines).encode("ascii")
        for w in list(self.clients):
            if w.is_closing() or w.transport.get_write_buffer_size() > self.MAX_BUFFER:
                self.clients.discard(w)
                w.close()
                continue
            w.write(data)

    async def close(self) -> None:
        """Disconnect clients and stop listening."""
        for w in self.clients:
            w.close()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


def _host_port(rest: str, default_host: str) -> tuple[str, int]:
    host, sep, port = rest.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"expected host:port, got {rest!r}")
    return (host.strip("[]") or default_host), int(port)


async def open_output(out: str) -> Output:
    """Open udp://host:port, tcp://host:port, tcp-listen://[host]:port, file:PATH or '-'."""
    if out == "-":
        return StreamOutput(sys.stdout, owned=False)
    if out.startswith("file:"):
        return StreamOutput(Path(out[5:]).open("w", encoding="ascii"), owned=True)
    if out.startswith("udp://"):
        host, port = _host_port(out[6:], "127.0.0.1")
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            asyncio.DatagramProtocol, remote_addr=(host, port)
        )
        return UdpOutput(transport)
    if out.startswith("tcp-listen://"):
        host, port = _host_port(out[13:], "")
        server = TcpServerOutput()
        await server.start(host, port)
        return server
    if out.startswith("tcp://"):
        host, port = _host_port(out[6:], "127.0.0.1")
        return TcpClientOutput(host, port)
    raise ValueError(f"unknown output {out!r} (udp://, tcp://, tcp-listen://, file:PATH, -)")
