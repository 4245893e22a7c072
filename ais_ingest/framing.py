"""Split feed lines into checksummed AIS sentences; reassemble multipart messages (UTC s).

Each message carries the best receive time the feed offers (NMEA 4.10 tag block `c:`, a leading
Unix time, `$PGHP`, trailing epoch metadata, the log's own `$--RMC` GPS clock) and whether that
time can be trusted to judge speeds: a time from the feed is, the arrival time only on a live feed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from ais_ingest.stats import IngestStats
from sar_coord.core.ais import nmea_checksum

# Assembled message: (payload, fill bits, receive time Unix s, number of lines, raw text,
# timed: the receive time comes from the feed's clock or a live arrival, so speeds can be judged)
Message = tuple[bytes, int, float, int, bytes, bool]

_HEX_UPPER = tuple(b"%02X" % i for i in range(256))
_MIN_TS_S = 315532800.0  # 1980-01-01
_MAX_TS_S = 4102444800.0  # 2100-01-01
_DIGITS = frozenset(b"0123456789")
_AIS_OR_GHP = frozenset((b"VDM,", b"VDO,", b"GHP,"))
_FILL = {b"0": 0, b"1": 1, b"2": 2, b"3": 3, b"4": 4, b"5": 5}
_COUNT = {b"1": 1, b"2": 2, b"3": 3, b"4": 4, b"5": 5, b"6": 6, b"7": 7, b"8": 8, b"9": 9}
LOG_CLOCK_MAX_LINES = 2000
"""A logger's `$--RMC` clock dates at most this many following lines (fixes come every 1-2 s)."""


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


@functools.lru_cache(maxsize=64)
def _day_start_s(ddmmyy: bytes) -> float:
    """Unix time (s) of 00:00 UTC on an NMEA `ddmmyy` date (years 2000-2099)."""
    d, m, y = int(ddmmyy[0:2]), int(ddmmyy[2:4]), 2000 + int(ddmmyy[4:6])
    return datetime(y, m, d, tzinfo=UTC).timestamp()


def parse_rmc(line: bytes) -> float | None:
    """UTC time (s) of a valid `$--RMC,hhmmss.ss,A,...,ddmmyy,...*hh` GPS fix, else None."""
    star = line.rfind(b"*")
    if star < 0 or not _checksum_ok(line[1:star], line[star + 1 : star + 3]):
        return None
    f = line[1:star].split(b",")
    if len(f) < 10 or f[2] != b"A" or len(f[1]) < 6 or len(f[9]) != 6:
        return None
    hms = f[1]
    try:
        h, mi, sec = int(hms[0:2]), int(hms[2:4]), float(hms[4:])
        day_s = _day_start_s(f[9])
    except (ValueError, OverflowError):
        return None
    if h > 23 or mi > 59 or not 0.0 <= sec < 61.0:
        return None
    return day_s + h * 3600 + mi * 60 + sec


class Framer:
    """Stateful line framer + multipart assembler for one source; feed lines, collect messages."""

    def __init__(
        self,
        stats: IngestStats,
        emit: Callable[[Message], None],
        *,
        max_groups: int = 1024,
        group_timeout_s: float = 10.0,
        live: bool = False,
    ) -> None:
        """Create a framer counting into `stats` and passing assembled messages to `emit`.

        `live`: the arrival time given to `feed` is the real receive time (a network feed), so
        it may judge speeds when the line carries no time of its own; a replay's is not.
        """
        self.stats = stats
        self.emit = emit
        self.max_groups = max_groups
        self.group_timeout_s = group_timeout_s
        self.live = live
        # key -> [next fragment number, payload parts, receive ts, arrival ts, raw lines, timed]
        self._groups: dict[tuple[bytes, bytes, bytes, int], list[object]] = {}
        self._pending_ts: float | None = None
        self._log_clock_ts: float | None = None
        self._log_clock_line = b""  # the latest $--RMC line, parsed when a sentence needs it
        self._log_clock_lines = 0
        self._log_clock = False  # a GPS clock (line or time) is at hand
        self._last_sweep_s = 0.0

    def feed(self, line: bytes, arrival_s: float) -> None:
        """Process one raw line received at `arrival_s` (Unix s); never raises on bad input."""
        self.feed_lines((line,), arrival_s)

    def feed_lines(self, lines: Iterable[bytes], arrival_s: float) -> None:
        """Process raw lines received at `arrival_s` (Unix s); never raises on bad input."""
        stats = self.stats
        feed = self._feed
        sentence = self._sentence
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
                if line[3:7] == b"RMC,":
                    self._gps_fix(line)
                continue
            line = line.strip()
            before = stats.received
            try:
                if line[:1] == b"!":  # a bare sentence, the common case
                    sentence(line, None, arrival_s)
                else:
                    feed(line, arrival_s)
            except Exception:  # defensive: a bug on odd input must not stop the feed
                if stats.received == before:
                    stats.received += 1
                    stats.reject("internal_error", line)

    def _feed(self, line: bytes, arrival_s: float) -> None:
        """One stripped line with a prefix (or none): strip the prefix, frame the sentence."""
        if not line:
            return
        if line[0] == 33:  # '!': a bare sentence
            self._sentence(line, None, arrival_s)
            return
        unwrapped = self._unwrap(line)
        if unwrapped is not None:
            self._sentence(unwrapped[0], unwrapped[1], arrival_s)

    def _unwrap(self, line: bytes) -> tuple[bytes, float | None] | None:
        """(sentence, time from a prefix) of a prefixed line; None when the line is consumed
        here (metadata, comment, or rejected as malformed)."""
        stats = self.stats
        ts: float | None = None
        c0 = line[0]
        if c0 in _DIGITS:  # a leading Unix time, possibly followed by a tag block
            sp = line.find(b" ")
            if sp < 0:
                sp = line.find(b"\t")
            rest = line[sp + 1 :].lstrip() if sp > 0 else b""
            if not rest:
                stats.received += 1
                stats.reject("malformed", line)
                return None
            ts = parse_epoch(line[:sp])
            line = rest
            c0 = line[0]
            if c0 == 33:
                return line, ts
        if c0 == 92:  # '\\' tag block(s)
            return self._tag_blocks(line, ts)
        if c0 == 36:  # '$'
            if line[3:7] == b"GHP," or line[1:6] == b"PGHP,":
                stats.meta_lines += 1
                pghp_ts = _parse_pghp(line)
                if pghp_ts is not None:
                    self._pending_ts = pghp_ts
                return None
            if line[3:7] == b"RMC,":
                self._gps_fix(line)
            return line, ts
        if c0 == 35:  # '#': comment
            stats.meta_lines += 1
            return None
        bang = line.find(b"!")
        if bang < 0:
            stats.received += 1
            stats.reject("malformed", line)
            return None
        return line[bang:], ts

    def _tag_blocks(self, line: bytes, ts: float | None) -> tuple[bytes, float | None] | None:
        """Strip NMEA 4.10 tag blocks; their `c:` time beats a logger's line prefix."""
        stats = self.stats
        sentence = line
        while sentence[:1] == b"\\":
            end = sentence.find(b"\\", 1)
            if end < 0:
                stats.received += 1
                stats.reject("malformed", line)
                return None
            # A corrupt tag block loses its metadata, not the checksummed sentence behind it.
            ok, tag_ts = _parse_tag_block(sentence[1:end])
            if not ok:
                stats.bad_tag_blocks += 1
            elif tag_ts is not None:
                ts = tag_ts
            sentence = sentence[end + 1 :]
        if not sentence:
            stats.meta_lines += 1
            if ts is not None:
                self._pending_ts = ts
            return None
        if sentence[:1] != b"!" and sentence[:1] != b"$":  # no sentence delimiter
            stats.received += 1
            stats.reject("malformed", line)
            return None
        return sentence, ts

    def _gps_fix(self, line: bytes) -> None:
        """A logger's own GPS fix ($--RMC) dates the untimed AIS lines that follow it."""
        self._log_clock_line = line
        self._log_clock = True

    def _sentence(self, sentence: bytes, ts: float | None, arrival_s: float) -> None:
        """Check one sentence (talker, checksum, fields) and pass its payload on."""
        stats = self.stats
        stats.received += 1
        kind = sentence[3:7]
        if kind != b"VDM," and kind != b"VDO,":
            stats.reject("not_ais", sentence)
            return
        star = sentence.find(b"*")
        if star < 0 or len(sentence) < star + 3 or star > 129:
            stats.reject("malformed", sentence)
            return
        body = sentence[1:star]
        hh = sentence[star + 1 : star + 3]
        expected = _HEX_UPPER[nmea_checksum(body)]
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
        timed = True
        if ts is None:
            if len(sentence) == star + 3 and self._pending_ts is None and not self._log_clock:
                ts, timed = arrival_s, self.live  # no time of its own: the common bare line
            else:
                ts, timed = self._receive_time(sentence, star, arrival_s)
        self._pending_ts = None
        if count == 1:
            self.emit((payload, fill, ts, 1, sentence, timed))
            return
        self._fragment(
            (fields[0][:2], fields[4], fields[3], count),
            num,
            payload,
            fill,
            ts,
            timed,
            arrival_s,
            sentence,
        )

    def _receive_time(self, sentence: bytes, star: int, arrival_s: float) -> tuple[float, bool]:
        """(receive time, timed) of a sentence without a prefix time: trailing epoch metadata,
        a preceding `$PGHP`/lone tag block, the log's GPS clock, else the arrival time."""
        if len(sentence) > star + 4:
            last = sentence[star + 3 :].rsplit(b",", 1)[-1]
            if len(last) == 10 and last.isdigit():
                ts = parse_epoch(last)
                if ts is not None:
                    return ts, True
        if self._pending_ts is not None:
            return self._pending_ts, True
        if self._log_clock_line:
            fix_ts = parse_rmc(self._log_clock_line)
            self._log_clock_line = b""
            if fix_ts is not None:
                self._log_clock_ts = fix_ts
                self._log_clock_lines = 0
        if self._log_clock_ts is not None:
            self._log_clock_lines += 1
            if self._log_clock_lines <= LOG_CLOCK_MAX_LINES:
                return self._log_clock_ts, True
            self._log_clock_ts = None
        self._log_clock = False
        return arrival_s, self.live

    def _fragment(
        self,
        key: tuple[bytes, bytes, bytes, int],
        num: int,
        payload: bytes,
        fill: int,
        ts: float,
        timed: bool,
        arrival_s: float,
        sentence: bytes,
    ) -> None:
        """One fragment of a multipart message keyed by (talker, channel, seq id, count)."""
        stats = self.stats
        groups = self._groups
        group = groups.get(key)
        count = key[3]
        if num == 1:
            if group is not None:
                self._drop(key, "incomplete_group")
            if arrival_s - self._last_sweep_s >= 1.0:
                self.expire(arrival_s)
            while len(groups) >= self.max_groups:
                self._drop(next(iter(groups)), "buffer_full")
            groups[key] = [2, [payload], ts, arrival_s, [sentence], timed]
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
            self.emit(
                (b"".join(parts), fill, group[2], count, b"\n".join(raws), group[5])  # type: ignore[arg-type]
            )
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
