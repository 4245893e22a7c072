"""Hypothesis fuzzing: mutated, truncated, interleaved and reordered lines never break ingest."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ais_ingest.framing import Framer, Message
from ais_ingest.process import Processor
from ais_ingest.stats import IngestStats
from sar_coord.core.ais import nmea_checksum
from tests.ais_ingest.aisgen import encode_fields, multipart, sentence, type1, type14

STATIC5, FILL5 = encode_fields(
    [(5, 6), (0, 2), (244123456, 30), (0, 2), (9123456, 30)]
    + [(1, 6)] * 7 + [(1, 6)] * 20 + [(70, 8), (100, 9), (20, 9), (5, 6), (6, 6), (1, 4)]
    + [(5, 4), (20, 5), (12, 5), (30, 6), (85, 8)] + [(1, 6)] * 20 + [(0, 1), (0, 1)]
)  # fmt: skip
TAG = "s:r1,c:1418169601"


def _seed_lines() -> list[str]:
    t14, f14 = type14(970000001, "SART ACTIVE")
    lines = [
        sentence(type1(244123456, 52.5, 4.25)),
        sentence(type1(970000001, 35.0, 14.0, status=14)),
        sentence(type1(111232506, 40.0, 10.0, msg_type=3)),
        sentence(type1(244123457, 91.0, 181.0, sog_raw=1023, cog_raw=3600, heading=511)),
        sentence(t14, f14),
        f"\\{TAG}*{nmea_checksum(TAG.encode()):02X}\\" + sentence(type1(244000001, -10.0, -20.0)),
        "1452468552.938 " + sentence(type1(244000002, 1.0, 1.0), talker="AB"),
        "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B",
        "$GPRMC,092211.00,A,5759.09700,N,01144.34344,E,5.257,28.27,200715,,,A*58",
        "# comment",
    ]
    lines += multipart(STATIC5, FILL5, 2, seq="1", channel="A")
    lines += multipart(STATIC5, FILL5, 3, seq="2", channel="B")
    return lines


SEEDS = _seed_lines()
PRINTABLE = st.binary(min_size=0, max_size=8)


@st.composite
def mutated_line(draw: st.DrawFn) -> bytes:
    line = draw(st.sampled_from(SEEDS)).encode()
    op = draw(st.sampled_from(["keep", "truncate", "flip", "insert", "delete", "garbage"]))
    if op == "keep" or not line:
        return line
    i = draw(st.integers(0, len(line) - 1))
    if op == "truncate":
        return line[:i]
    if op == "flip":
        return line[:i] + bytes([draw(st.integers(0, 255))]) + line[i + 1 :]
    if op == "insert":
        return line[:i] + draw(PRINTABLE) + line[i:]
    if op == "delete":
        return line[:i] + line[i + 1 :]
    return draw(st.binary(max_size=120))


streams = st.lists(mutated_line(), max_size=30)


def _check(lines: list[bytes], max_groups: int) -> None:
    stats = IngestStats()
    proc = Processor(stats)
    emitted: list[Message] = []

    def emit(msg: Message) -> None:
        emitted.append(msg)
        proc.handle(msg)

    framer = Framer(stats, emit, max_groups=max_groups, group_timeout_s=5.0)
    for i, line in enumerate(lines):
        framer.feed(line, 1_700_000_000.0 + i)  # time moves: timeouts fire too
    assert stats.balanced()
    framer.close()
    assert stats.buffered_fragments == 0 and stats.balanced()
    assert stats.rejected["internal_error"] == 0
    for _payload, _fill, _ts, n, raw, _timed in emitted:
        parts = raw.split(b"\n")
        assert len(parts) == n
        if n > 1:  # reassembled strictly in order, one group
            fields = [p.split(b",") for p in parts]
            assert [int(f[2]) for f in fields] == list(range(1, n + 1))
            assert len({(f[0][1:3], f[1], f[3], f[4]) for f in fields}) == 1


def test_seeds_are_valid_input() -> None:
    stats = IngestStats()
    proc = Processor(stats)
    Framer(stats, proc.handle).feed_lines([s.encode() for s in SEEDS], 1_700_000_000.0)
    # the SART's type 14 falls inside its one-per-minute distress window: not stored
    assert stats.messages == 9
    assert stats.rejected == {"not_ais": 1, "no_position": 1, "unstored_type": 1}
    assert len(proc.batch.static_mmsis) == 1 and len(proc.batch.distress) == 1


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(streams, st.randoms(use_true_random=False), st.integers(1, 8))
def test_fuzz_mutated_reordered_interleaved(lines: list[bytes], rnd: object, groups: int) -> None:
    _check(lines, groups)
    shuffled = list(lines)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    _check(shuffled, groups)


@pytest.mark.slow
@pytest.mark.timeout(4 * 3600)  # ~40 min on an idle 2-core machine; the default 300 s is too short
@settings(max_examples=100_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(streams, st.randoms(use_true_random=False), st.integers(1, 8))
def test_fuzz_long_run(lines: list[bytes], rnd: object, groups: int) -> None:
    shuffled = list(lines)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    _check(shuffled, groups)
