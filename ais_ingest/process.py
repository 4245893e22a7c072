"""Turn assembled messages into batch rows: decode, validate, track, coalesce (I/O-free)."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ais_ingest.decode import DecodeError, decode_message
from ais_ingest.framing import Message
from ais_ingest.reports import (
    TRANSPONDER_BY_TYPE,
    DistressSignal,
    PositionReport,
    Report,
    SafetyBroadcast,
    StaticReport,
)
from ais_ingest.sixbit import fast_position
from ais_ingest.stats import IngestStats
from ais_ingest.track import TrackStore, VesselTrack
from sar_coord.core.ais import DISTRESS_KINDS, MmsiKind, mmsi_kind

VESSEL_SEEN_REFRESH_S = 60.0
DUPLICATE_WINDOW_S = 60.0
TIMED_DUPLICATE_WINDOW_S = 30.0
"""Copies received this close (by trustworthy times) are one transmission: see _is_repeat."""
MAX_RECENT_PAYLOADS = 200_000
NEVER_DEDUPLICATED = DISTRESS_KINDS | {MmsiKind.SAR_AIRCRAFT}
"""Kinds of MMSI whose every reception is kept (distress devices, SAR aircraft)."""
_kind = functools.lru_cache(maxsize=1 << 16)(mmsi_kind)

# vessel_position row: mmsi, received_at (observed, Unix s), lon, lat, sog, cog, heading, status,
# type, suspect, flag
PositionRow = tuple[
    int,
    float,
    float | None,
    float,
    float | None,
    float | None,
    int | None,
    int | None,
    int,
    bool,
    str | None,
]
Seen = tuple[float, int, int, bool]
"""A decoded payload: (receive time, MMSI, its track's report count after it, exempt from
deduplication); see Processor._is_repeat."""
UTC_SECOND_AHEAD_S = 10
"""A report's UTC second may run this far ahead of its receive time (clock skew), no more."""


def observed_ts(received_ts_s: float, utc_second: int) -> float:
    """The observation time (Unix s): the receive time moved back to the report's own UTC
    second (0-59), at most a minute earlier (or `UTC_SECOND_AHEAD_S` later)."""
    base = math.floor(received_ts_s)
    back_s = (base - utc_second) % 60
    if back_s >= 60 - UTC_SECOND_AHEAD_S:
        back_s -= 60
    return float(base - back_s)


@dataclass
class Batch:
    """Rows of one database transaction plus the input lines they account for."""

    positions: list[PositionRow] = field(default_factory=list)
    latest: dict[int, PositionReport] = field(default_factory=dict)
    vessels: dict[int, VesselTrack] = field(default_factory=dict)
    static_mmsis: set[int] = field(default_factory=set)
    distress: list[DistressSignal] = field(default_factory=list)
    lines: int = 0
    messages: int = 0
    created_s: float = field(default_factory=time.monotonic)
    max_received_ts_s: float = 0.0
    min_received_ts_s: float = math.inf

    def __len__(self) -> int:
        """Number of messages in the batch."""
        return self.messages


class Processor:
    """Decode + track + batch; every message ends in the batch or in a reject counter."""

    def __init__(
        self,
        stats: IngestStats,
        tracks: TrackStore | None = None,
        on_distress: Callable[[DistressSignal], None] | None = None,
    ) -> None:
        """Count into `stats`; keep vessel state in `tracks`."""
        self.stats = stats
        self.tracks = tracks if tracks is not None else TrackStore()
        self.on_distress = on_distress
        self.batch = Batch()
        self._recent: dict[bytes, Seen] = {}

    def take_batch(self) -> Batch:
        """Hand over the current batch and start a new one."""
        batch, self.batch = self.batch, Batch()
        return batch

    def handle(self, msg: Message) -> None:
        """Process one assembled message (payload, fill, ts, nlines, raw, timed); never raises."""
        stats = self.stats
        stats.messages += 1
        payload, fill, ts, nlines, raw, timed = msg
        recent = self._recent
        seen = recent.get(payload)
        if seen is not None and self._is_repeat(ts, timed, seen):
            stats.reject("duplicate", raw, nlines)
            return
        # Hot path: 168-bit position reports (types 1-3, 18) by the hand-written decoder.
        fast = fast_position(payload, ts) if fill == 0 and len(payload) == 28 else None
        if fast is not None:
            reports: list[Report] = [fast]
        else:
            decoded = self._decode(payload, fill, ts, raw, nlines)
            if decoded is None:
                return
            reports = decoded
        self._store(reports, raw, nlines, timed)
        if len(recent) >= MAX_RECENT_PAYLOADS:
            recent.clear()
        mmsi = reports[0].mmsi
        tr = self.tracks.tracks.get(mmsi)
        # atomic values only: the garbage collector stops tracking such tuples
        if tr is None:
            recent[payload] = (ts, mmsi, -1, _kind(mmsi) in NEVER_DEDUPLICATED)
        else:
            recent[payload] = (ts, mmsi, tr.seq, tr.kind in NEVER_DEDUPLICATED)

    def _is_repeat(self, ts: float, timed: bool, seen: Seen) -> bool:
        """True for another reception of a transmission already handled (keyed on reception).

        The same transmission heard by several stations (or relayed twice) arrives as a
        byte-identical payload. With trustworthy receive times, a copy received within half a
        minute of the first is that transmission: the payload carries its UTC second, so the
        ship's own identical report is a minute or more later. Without them (a replay's
        arrival), a copy within a minute with nothing from that vessel in between is a repeat;
        after another message of the vessel it is a new transmission (a ship alternating between
        two static reports, or back on a position it held) and is processed. Either way
        deduplication never changes which report is the latest. Distress devices and SAR
        aircraft are exempt: every copy of theirs is kept. Only payloads that decoded are
        remembered.
        """
        seen_ts, mmsi, seen_seq, exempt = seen
        if exempt:
            return False
        dt_s = ts - seen_ts
        if timed:
            return -TIMED_DUPLICATE_WINDOW_S < dt_s < TIMED_DUPLICATE_WINDOW_S
        if not -DUPLICATE_WINDOW_S <= dt_s <= DUPLICATE_WINDOW_S:
            return False
        tr = self.tracks.tracks.get(mmsi)
        return (-1 if tr is None else tr.seq) == seen_seq

    def _decode(
        self, payload: bytes, fill: int, ts: float, raw: bytes, nlines: int
    ) -> list[Report] | None:
        """The message's reports, or None when it cannot be decoded (counted by reason)."""
        try:
            return decode_message(payload, fill, ts)
        except DecodeError as exc:
            self.stats.reject(exc.reason, raw, nlines)
        except Exception:  # defensive: decode_message already maps errors; keep the feed alive
            self.stats.reject("decode_error", raw, nlines)
        return None

    def _store(self, reports: list[Report], raw: bytes, nlines: int, timed: bool) -> None:
        """Apply the reports to the tracks and the batch; account for the message's lines."""
        stats = self.stats
        batch = self.batch
        tracks = self.tracks
        stored = False
        try:
            for rep in reports:
                if type(rep) is PositionReport:
                    if timed:
                        rep.timed = True
                        if rep.utc_second is not None:
                            rep.received_ts_s = observed_ts(rep.received_ts_s, rep.utc_second)
                    if rep.out_of_range:
                        stats.out_of_range.update(rep.out_of_range)
                    stored = self._position(rep, batch, tracks) or stored
                elif type(rep) is StaticReport:
                    if tracks.apply_static(rep):
                        batch.static_mmsis.add(rep.mmsi)
                    batch.vessels[rep.mmsi] = tracks.tracks[rep.mmsi]
                    stored = True
                elif type(rep) is SafetyBroadcast:
                    signal = tracks.apply_safety(rep)
                    if signal is not None:
                        self._signal(signal, batch)
                        batch.vessels[rep.mmsi] = tracks.tracks[rep.mmsi]
                        stored = True
        except Exception:  # defensive: one odd message must not stop the pipeline
            stats.reject("internal_error", raw, nlines)
            return
        if stored:
            batch.lines += nlines
            batch.messages += 1
            stats.buffered_pending += nlines
        elif reports and type(reports[0]) is PositionReport:
            stats.reject("no_position", raw, nlines)
        else:
            stats.reject("unstored_type", raw, nlines)

    def _signal(self, signal: DistressSignal, batch: Batch) -> None:
        batch.distress.append(signal)
        self.stats.distress_signals += 1
        if self.on_distress is not None:
            self.on_distress(signal)

    def _position(self, rep: PositionReport, batch: Batch, tracks: TrackStore) -> bool:
        newest, signal = tracks.apply_position(rep)
        if signal is not None:
            self._signal(signal, batch)
        mmsi = rep.mmsi
        tr = tracks.tracks[mmsi]
        # vessel.first/last_seen_at are refreshed at most once a minute per vessel: the per-report
        # truth is vessel_latest, and rewriting every vessel row in every batch dominated the DB.
        if (
            tr.last_seen_ts - tr.flushed_last_seen_ts >= VESSEL_SEEN_REFRESH_S
            or tr.first_seen_ts < tr.flushed_first_seen_ts
        ):
            batch.vessels[mmsi] = tr
            tr.flushed_last_seen_ts = tr.last_seen_ts
            tr.flushed_first_seen_ts = tr.first_seen_ts
        lat = rep.lat_deg
        if lat is None:
            return signal is not None
        ts = rep.received_ts_s
        flag = rep.flag
        if flag is not None:
            self.stats.flagged[flag] += 1
            if rep.suspect:
                self.stats.suspect_positions += 1
        batch.positions.append(
            (
                mmsi,
                ts,
                rep.lon_deg,
                lat,
                rep.sog_kn,
                rep.cog_deg,
                rep.heading_deg,
                rep.nav_status,
                rep.msg_type,
                rep.suspect,
                flag,
            )
        )
        if ts > batch.max_received_ts_s:
            batch.max_received_ts_s = ts
        if ts < batch.min_received_ts_s:
            batch.min_received_ts_s = ts
        if newest:
            if flag is None or tr.good is None:
                batch.latest[mmsi] = rep
            else:  # never hidden: shown on its last plausible position, with the flag
                batch.latest[mmsi] = replace(tr.good, flag=flag, suspect=rep.suspect)
        return True


def transponder(msg_type: int) -> str | None:
    """AIS transponder kind ('A', 'B', 'SAR', 'LR') implied by a message type."""
    return TRANSPONDER_BY_TYPE.get(msg_type)
