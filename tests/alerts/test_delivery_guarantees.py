"""At-least-once, in-order delivery across SIGKILL, slow clients and several server processes."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import time
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from alerts.lifecycle import service
from alerts.schemas import AlertCreate
from tests.alerts.factories import make_case, make_ship
from tests.alerts.wsclient import RCC, issue, next_frames, open_ship


class Receiver:
    """A resuming ship client: drops duplicates by seq, asserts no gap, acks what it processed."""

    def __init__(self, token: str, urls: list[str]) -> None:
        self.token = token
        self.urls = urls
        self.last_seq = 0
        self.alerts: list[int] = []
        self.seqs: list[int] = []
        self.reconnects = 0
        self.gaps: list[tuple[int, int]] = []

    async def run(self, want: int, deadline_s: float) -> None:
        end = time.monotonic() + deadline_s
        i = 0
        while len(self.alerts) < want and time.monotonic() < end:
            url = self.urls[i % len(self.urls)] + f"?resume_from={self.last_seq}"
            i += 1
            try:
                async with connect(
                    url,
                    additional_headers={"Authorization": f"Bearer {self.token}"},
                    open_timeout=3,
                ) as ws:
                    async for raw in ws:
                        frame = json.loads(raw)
                        seq = frame.get("seq")
                        if seq is None:
                            continue
                        if seq <= self.last_seq:
                            continue  # duplicate after a resume: at-least-once
                        if seq != self.last_seq + 1:
                            self.gaps.append((self.last_seq, seq))
                        self.last_seq = seq
                        self.seqs.append(seq)
                        self.alerts.append(frame["data"]["alert_id"])
                        await ws.send(json.dumps({"type": "ack", "data": {"seq": seq}}))
                        if len(self.alerts) >= want:
                            return
            except (OSError, WebSocketException, TimeoutError):
                pass
            self.reconnects += 1
            await asyncio.sleep(0.2 + random.random() * 0.2)


async def _area_ships(committed: Any, n: int) -> tuple[int, list[Any]]:
    lat, lon = random.uniform(-55, -45), random.uniform(-170, -160)
    async with committed() as s:
        case = await make_case(s, lat=lat, lon=lon)
        ships = [
            await make_ship(
                s, lat=lat + random.uniform(-0.1, 0.1), lon=lon + random.uniform(-0.1, 0.1)
            )
            for _ in range(n)
        ]
    return case.id, ships


async def _broadcast(committed: Any, case_id: int, count: int, pause_s: float) -> list[int]:
    ids = []
    for i in range(count):
        async with committed() as s:
            alert = await service.issue_alert(
                s,
                AlertCreate(case_id=case_id, kind="area", radius_nm=30, message=f"broadcast {i}"),
                actor=RCC,
            )
        ids.append(alert.id)
        await asyncio.sleep(pause_s)
    return ids


async def test_sigkill_mid_broadcast_every_ship_gets_every_alert_in_order(
    make_server: Any, committed: Any
) -> None:
    case_id, ships = await _area_ships(committed, 40)
    first = await make_server()
    url = first.ship_url()
    receivers = [Receiver(s.token, [url]) for s in ships]
    tasks = [asyncio.create_task(r.run(20, 90)) for r in receivers]
    await asyncio.sleep(1.0)
    broadcast = asyncio.create_task(_broadcast(committed, case_id, 20, 0.1))
    await asyncio.sleep(0.6)
    first.kill()  # mid-broadcast: alerts keep being committed while no server runs
    await asyncio.sleep(0.5)
    await make_server(ship_port=first.ship_port)
    ids = await broadcast
    await asyncio.gather(*tasks)
    for r in receivers:
        assert r.gaps == []
        assert r.seqs == list(range(1, 21))
        assert r.alerts == ids
    assert sum(r.reconnects for r in receivers) >= len(receivers)


async def test_two_server_processes_on_one_database_both_deliver(
    make_server: Any, committed: Any
) -> None:
    case_id, ships = await _area_ships(committed, 10)
    a, b = await make_server(), await make_server()
    socks = [await open_ship((a if i % 2 else b).ship_url(0), s.token) for i, s in enumerate(ships)]
    ids = await _broadcast(committed, case_id, 3, 0.0)
    for ws in socks:
        got = await next_frames(ws, 3)
        assert [f["seq"] for f in got] == [1, 2, 3]
        assert [f["data"]["alert_id"] for f in got] == ids
        await ws.close()


def _stalled_socket(port: int) -> socket.socket:
    """A TCP socket with a tiny receive buffer that will never be read."""
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    raw.connect(("127.0.0.1", port))
    raw.setblocking(False)
    return raw


async def test_stalled_client_is_dropped_without_slowing_others(
    make_server: Any, committed: Any
) -> None:
    server = await make_server(
        ALERTS_QUEUE_SIZE="8", ALERTS_SNDBUF_BYTES="4096", ALERTS_WRITE_BUFFER_BYTES="8192"
    )
    async with committed() as s:
        case = await make_case(s)
        stalled = await make_ship(s)
        others = [await make_ship(s) for _ in range(5)]
    mmsis = [stalled.mmsi] + [o.mmsi for o in others]
    raw = _stalled_socket(server.ship_port)
    slow = await connect(
        server.ship_url(0),
        sock=raw,
        additional_headers={"Authorization": f"Bearer {stalled.token}"},
        max_queue=1,
        ping_interval=None,
    )
    # The library reads into its own buffer in the background: stop it reading at all.
    slow.transport.pause_reading()
    fast = [await open_ship(server.ship_url(0), o.token) for o in others]
    latencies = []
    total = 60
    for i in range(total):
        t0 = time.monotonic()
        await issue(committed, case.id, mmsis, f"{i} " + "x" * 1900)
        for ws in fast:
            (frame,) = await next_frames(ws, 1, timeout_s=5)
            assert frame["seq"] == i + 1
        latencies.append(time.monotonic() - t0)
    assert max(latencies) < 2.0, latencies
    slow.transport.resume_reading()
    received = 0
    try:
        async with asyncio.timeout(10):
            async for msg in slow:
                if json.loads(msg).get("seq") is not None:
                    received += 1
    except ConnectionClosed:
        pass
    assert slow.close_code in (1013, 1006, None)
    assert received < total  # it was cut off ...
    ws = await open_ship(server.ship_url(received), stalled.token)
    rest = await next_frames(ws, total - received)  # ... and catches up by resuming
    assert [f["seq"] for f in rest] == list(range(received + 1, total + 1))
    for w in [ws, *fast]:
        await w.close()
