"""Split feed lines into checksummed AIS sentences; reassemble multipart messages (UTC s)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from ais_ingest.stats import IngestStats

# Assembled message: (payload, fill bits, receive time Unix s, number of lines, raw text)
Message = tuple[bytes, int, float, int, bytes]

_HEX_UPPER = tuple(b"%02X" % i for i in range(256))
_MIN_TS_S = 315532800.0  # 1980-01-01
_MAX_TS_S = 4102444800.0  # 2100-01-01
_DIGITS = frozenset(b"0123456789")
_AIS_OR_GHP = frozenset((b"VDM,", b"VDO,", b"GHP,"))
_FILL = {b"0": 0, b"1": 1, b"2": 2, b"3": 3, b"4": 4, b"5": 5}
_COUNT = {b"1": 1, b"2": 2, b"3": 3, b"4": 4, b"5": 5, b"6": 6, b"7": 7, b"8": 8, b"9": 9}


def nmea_checksum(body: bytes) -> int:
    """XOR of all bytes of `body` (the text between the start delimiter and '*')."""
    n = len(body)
    if n > 128:
        x = 0
        for b in body:
            x ^= b
        return x
    v = int.from_bytes(body, "little")
    # Folding by 512..8 bits XORs every byte position onto the lowest byte exactly once.
    v ^= v >> 512
    v ^= v >> 256
    v ^= v >> 128
    v ^= v >> 64
    v ^= v >> 32
    v ^= v >> 16
    v ^= v >> 8
    return v & 0xFF


def _checksum_ok(body: bytes, hh: bytes) -> bool:
    """True if the two hex digits `hh` match the XOR checksum of `body` (either case)."""
    expected = _HEX_UPPER[nmea_checksum(body)]
    return hh == expected or hh.upper() == expected


def parse_epoch(text: bytes) -> float | None:
    """Parse a Unix time in s, ms, us or ns (by magnitude) to seconds; None if implausible."""
    try:
        v = float(text)
    except ValueError:
        return None
    if v != v:
        return None
    if v > 1e17:
        v /= 1e9
    elif v > 1e14:
        v /= 1e6
    elif v > 1e11:
        v /= 1e3
    if _MIN_TS_S <= v <= _MAX_TS_S:
        return v
    return None


def _parse_tag_block(tag: bytes) -> tuple[bool, float | None]:
    """Check an NMEA 4.10 tag block body (`s:..,c:..*hh`); return (valid, c: time in s)."""
    star = tag.rfind(b"*")
    if star >= 0:
        if not _checksum_ok(tag[:star], tag[star + 1 : star + 3]):
            return False, None
        tag = tag[:star]
    ts: float | None = None
    for part in tag.split(b","):
        if part[:2] == b"c:":
            ts = parse_epoch(part[2:])
    return True, ts


def _parse_pghp(line: bytes) -> float | None:
    """Receive time (s) from a Gatehouse `$PGHP,1,yyyy,m,d,h,m,s,ms,...*hh` line, else None."""
    star = line.rfind(b"*")
    if star < 0 or not _checksum_ok(line[1:star], line[star + 1 : star + 3]):
        return None
    f = line[1:star].split(b",")
    if len(f) < 9 or f[1] != b"1":
        return None
    try:
        y, mo, d, h, mi, s, ms = (int(x) for x in f[2:9])
        return datetime(y, mo, d, h, mi, s, ms * 1000, tzinfo=UTC).timestamp()
    except (ValueError, OverflowError):
        return None


class Framer:
    """Stateful line framer + multipart assembler for one source; feed lines, collect messages."""

    def __init__(
        self,
        stats: IngestStats,
        emit: Callable[[Message], None],
        *,
        max_groups: int = 1024,
        group_timeout_s: float = 10.0,
    ) -> None:
        """Create a framer counting into `stats` and passing assembled messages to `emit`."""
        self.stats = stats
        self.emit = emit
        self.max_groups = max_groups
        self.group_timeout_s = group_timeout_s
        # key -> [next fragment number, payload parts, receive ts, arrival ts, raw lines]
        self._groups: dict[tuple[bytes, bytes, bytes, int], list[object]] = {}
        self._pending_ts: float | None = None
        self._last_sweep_s = 0.0

    def feed(self, line: bytes, arrival_s: float) -> None:
        """Process one raw line received at `arrival_s` (Unix s); never raises on bad input."""
        self.feed_lines((line,), arrival_s)

    def feed_lines(self, lines: Iterable[bytes], arrival_s: float) -> None:
        """Process raw lines received at `arrival_s` (Unix s); never raises on bad input."""
        stats = self.stats
        feed = self._feed
        rejected = stats.rejected
        for line in lines:
            # Fast lane for other NMEA ($GPRMC, $IIHDG, ...: half of a typical mixed feed).
            if (
                line[:1] == b"$"
                and line[3:7] not in _AIS_OR_GHP
                and line[1:6] != b"PGHP,"
                and stats.dead_letter is None
            ):
                stats.received += 1
                rejected["not_ais"] += 1
                continue
            before = stats.received
            try:
                feed(line, arrival_s)
            except Exception:  # defensive: a bug on odd input must not stop the feed
                if stats.received == before:
                    stats.received += 1
                    stats.reject("internal_error", line)

    def _feed(self, line: bytes, arrival_s: float) -> None:
        line = line.strip()
        if not line:
            return
        stats = self.stats
        c0 = line[0]
        ts: float | None = None
        if c0 in _DIGITS:
            # a leading Unix time, possibly followed by a tag block
            sp = line.find(b" ")
            if sp < 0:
                sp = line.find(b"\t")
            rest = line[sp + 1 :].lstrip() if sp > 0 else b""
            if not rest:
                stats.received += 1
                stats.reject("malformed", line)
                return
            ts = parse_epoch(line[:sp])
            line = rest
            c0 = line[0]
        if c0 == 33:  # '!'
            sentence = line
        elif c0 == 92:  # '\\' tag block(s)
            sentence = line
            while sentence[:1] == b"\\":
                end = sentence.find(b"\\", 1)
                if end < 0:
                    stats.received += 1
                    stats.reject("malformed", line)
                    return
                # A corrupt tag block loses its metadata, not the checksummed sentence behind it.
                ok, tag_ts = _parse_tag_block(sentence[1:end])
                if not ok:
                    stats.bad_tag_blocks += 1
                elif tag_ts is not None:
                    ts = tag_ts  # the receiver's own clock beats a logger's line prefix
                sentence = sentence[end + 1 :]
            if not sentence:
                stats.meta_lines += 1
                if ts is not None:
                    self._pending_ts = ts
                return
            if sentence[:1] != b"!" and sentence[:1] != b"$":  # no sentence delimiter
                stats.received += 1
                stats.reject("malformed", line)
                return
        elif c0 == 36:  # '$'
            if line[3:7] == b"GHP," or line[1:6] == b"PGHP,":
                stats.meta_lines += 1
                pghp_ts = _parse_pghp(line)
                if pghp_ts is not None:
                    self._pending_ts = pghp_ts
                return
            sentence = line
        elif c0 == 35:  # '#': comment
            stats.meta_lines += 1
            return
        else:
            bang = line.find(b"!")
            if bang < 0:
                stats.received += 1
                stats.reject("malformed", line)
                return
            sentence = line[bang:]

        stats.received += 1
        kind = sentence[3:7]
        if kind != b"VDM," and kind != b"VDO,":
            stats.reject("not_ais", sentence)
            return
        star = sentence.find(b"*")
        if star < 0 or len(sentence) < star + 3:
            stats.reject("malformed", sentence)
            return
        body = sentence[1:star]
        if len(body) > 128:
            stats.reject("malformed", sentence)
            return
        # XOR checksum: folding by 512..8 bits XORs every byte onto the lowest byte exactly once.
        v = int.from_bytes(body, "little")
        v ^= v >> 512
        v ^= v >> 256
        v ^= v >> 128
        v ^= v >> 64
        v ^= v >> 32
        v ^= v >> 16
        v ^= v >> 8
        hh = sentence[star + 1 : star + 3]
        expected = _HEX_UPPER[v & 0xFF]
        if hh != expected and hh.upper() != expected:
            stats.reject("bad_checksum", sentence)
            return
        fields = body.split(b",")
        if len(fields) < 7:
            stats.reject("malformed", sentence)
            return
        count = _COUNT.get(fields[1])
        num = _COUNT.get(fields[2])
        fill = _FILL.get(fields[6])
        payload = fields[5]
        if count is None or num is None or num > count or fill is None:
            stats.reject("malformed", sentence)
            return
        if not payload:
            stats.reject("empty_payload", sentence)
            return
        if ts is None:
            if len(sentence) > star + 4:
                last = sentence[star + 3 :].rsplit(b",", 1)[-1]
                if len(last) == 10 and last.isdigit():
                    ts = parse_epoch(last)
            if ts is None:
                ts = self._pending_ts
                if ts is None:
                    ts = arrival_s
        self._pending_ts = None
        if count == 1:
            self.emit((payload, fill, ts, 1, sentence))
            return
        self._fragment(
            fields[0][:2], fields[4], fields[3], count, num, payload, fill, ts, arrival_s, sentence
        )

    def _fragment(
        self,
        talker: bytes,
        channel: bytes,
        seq: bytes,
        count: int,
        num: int,
        payload: bytes,
        fill: int,
        ts: float,
        arrival_s: float,
        sentence: bytes,
    ) -> None:
        stats = self.stats
        groups = self._groups
        key = (talker, channel, seq, count)
        group = groups.get(key)
        if num == 1:
            if group is not None:
                self._drop(key, "incomplete_group")
            if arrival_s - self._last_sweep_s >= 1.0:
                self.expire(arrival_s)
            while len(groups) >= self.max_groups:
                self._drop(next(iter(groups)), "buffer_full")
            groups[key] = [2, [payload], ts, arrival_s, [sentence]]
            stats.buffered_fragments += 1
            return
        if group is None:
            stats.reject("orphan_fragment", sentence)
            return
        if group[0] != num or (fill and num != count):
            self._drop(key, "out_of_order")
            stats.reject("out_of_order", sentence)
            return
        parts: list[bytes] = group[1]  # type: ignore[assignment]
        raws: list[bytes] = group[4]  # type: ignore[assignment]
        parts.append(payload)
        raws.append(sentence)
        if num == count:
            del groups[key]
            stats.buffered_fragments -= count - 1
            self.emit((b"".join(parts), fill, group[2], count, b"\n".join(raws)))  # type: ignore[arg-type]
        else:
            group[0] = num + 1
            stats.buffered_fragments += 1

    def _drop(self, key: tuple[bytes, bytes, bytes, int], reason: str) -> None:
        group = self._groups.pop(key)
        raws: list[bytes] = group[4]  # type: ignore[assignment]
        self.stats.buffered_fragments -= len(raws)
        self.stats.reject(reason, b"\n".join(raws), len(raws))

    def expire(self, now_s: float) -> None:
        """Evict multipart groups whose first fragment arrived over the timeout before `now_s`."""
        self._last_sweep_s = now_s
        limit = now_s - self.group_timeout_s
        stale = [k for k, g in self._groups.items() if g[3] < limit]  # type: ignore[operator]
        for key in stale:
            self._drop(key, "incomplete_group")

    def close(self) -> None:
        """End of input: every pending multipart group is rejected as incomplete."""
        for key in list(self._groups):
            self._drop(key, "incomplete_group")

    @property
    def pending_groups(self) -> int:
        """Number of multipart groups waiting for more fragments."""
        return len(self._groups)
