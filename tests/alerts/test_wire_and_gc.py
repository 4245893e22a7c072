"""Ready-made delivery frames parse as websocket text frames; the GC policy's schedule."""

from __future__ import annotations

import gc
import weakref
from datetime import UTC, datetime
from typing import Any

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from alerts.live.gc_policy import NO_AUTOMATIC_FULL, OVERDUE_FACTOR, SETTLE_S, GcPolicy
from alerts.live.protocol import DeliveryWire, delivery_frame


def _parse(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
        while True:
            parser.send(None)
    except StopIteration as done:
        frame: Frame = done.value
        return frame
    raise AssertionError("unreachable")


@pytest.mark.parametrize("payload_len", [10, 90, 200, 70_000])
def test_delivery_wire_is_the_frame_websockets_would_send(payload_len: int) -> None:
    at = datetime(2026, 11, 28, 12, 0, 0, 123000, tzinfo=UTC)
    payload = '{"note":"' + "x" * payload_len + '"}'
    wire = DeliveryWire("alert", at, payload)
    for seq in (1, 99, 123456789):
        text = delivery_frame("alert", seq, at, payload)
        assert wire.text(seq) == text
        frame = _parse(wire.wire(seq))
        assert frame.fin and frame.opcode is Opcode.TEXT
        assert frame.data.decode() == text


class _Node:
    me: object


class _Hub:
    def __init__(self) -> None:
        self.last_activity_s = 0.0
        self.connected = 0


def test_gc_policy_waits_for_quiet_and_never_forever() -> None:
    hub: Any = _Hub()
    policy = GcPolicy(hub, full_every_s=100.0)
    start = policy._last_full
    hub.last_activity_s = start + 99.5
    assert not policy.due(start + 50)  # not yet a period
    assert not policy.due(start + 100)  # a period, but the hub was busy just now
    assert policy.due(start + 99.5 + SETTLE_S)  # a period and quiet
    hub.last_activity_s = start + 100 * OVERDUE_FACTOR
    assert policy.due(start + 100 * OVERDUE_FACTOR)  # overdue: even when busy


def test_gc_policy_switches_off_only_the_automatic_full_collection() -> None:
    before = gc.get_threshold()
    policy = GcPolicy(_Hub(), full_every_s=100.0)  # type: ignore[arg-type]
    policy.install()
    try:
        assert gc.get_threshold() == (before[0], before[1], NO_AUTOMATIC_FULL)
        node = _Node()
        node.me = node  # a cycle: only a collection frees it
        alive = weakref.ref(node)
        gc.freeze()  # even frozen (as after an earlier policy run), it is reclaimed
        del node
        policy.collect()
        assert alive() is None
        assert policy.collections == 1 and gc.get_freeze_count() > 0
    finally:
        policy.uninstall()
        gc.unfreeze()
    assert gc.get_threshold() == before
