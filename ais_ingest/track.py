"""Per-MMSI track state: newest position, static data, class, plausibility, distress detection."""

from __future__ import annotations

import math

from ais_ingest.reports import DistressSignal, PositionReport, SafetyBroadcast, StaticReport
from sar_coord.core.ais import DISTRESS_SOURCE, MmsiKind, mmsi_kind
from sar_coord.core.geo import haversine_m, m_to_nm

MAX_PLAUSIBLE_SPEED_KN = 60.0
"""Default limit of a ship's implied speed between two fixes (AIS_MAX_SHIP_SPEED_KN)."""
MAX_SAR_AIRCRAFT_SPEED_KN = 350.0
"""Default limit for SAR aircraft, type 9 or 111MIDxxx (AIS_MAX_SAR_AIRCRAFT_SPEED_KN)."""
MIN_JUMP_DT_S = 10.0
"""Time floor of the implied-speed check: fixes resolved to the second are +-1 s apart."""
MIN_JUMP_NM = 0.5
"""A move shorter than this is never a jump (position noise, not a vessel out of place)."""
_MIN_JUMP_DEG = MIN_JUMP_NM / 60.0
FLAG_IMPLAUSIBLE = "implausible_jump"
"""The report's own timestamps (and its predecessor's) prove the implied speed impossible."""
FLAG_UNVERIFIED = "unverified_jump"
"""A jump that no trustworthy timestamp can judge (replayed arrival times, shared MMSI)."""
DISTRESS_REPEAT_S = 60.0
"""A device sends 8 reports a minute; publish at most one distress signal per device per minute."""

NAV_STATUS_SART_TEST = 15


def distress_kind(mmsi: int) -> str | None:
    """'sart', 'mob' or 'epirb' (the DISTRESS payload's kind) for a distress device, else None."""
    source = DISTRESS_SOURCE.get(mmsi_kind(mmsi))
    return None if source is None else source.removeprefix("ais_")


def class_from_ship_type(ship_type: int | None) -> str | None:
    """Vessel class (commercial/fishing/sar/state/pleasure/other) from an AIS ship type code."""
    if ship_type is None or ship_type <= 0:
        return None
    if ship_type == 30:
        return "fishing"
    if ship_type == 51:
        return "sar"
    if ship_type in (35, 54, 55, 59):
        return "state"
    if ship_type in (36, 37):
        return "pleasure"
    if 40 <= ship_type <= 49 or 60 <= ship_type <= 89 or ship_type in (31, 32, 33, 34, 50, 52, 53):
        return "commercial"
    return "other"


def distance_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between WGS84 points in nautical miles (the shared haversine)."""
    return m_to_nm(haversine_m(lon1, lat1, lon2, lat2))


class VesselTrack:
    """What we know about one MMSI; times are Unix seconds UTC, positions WGS84 degrees."""

    __slots__ = (
        "ais_class",
        "beam_m",
        "call_sign",
        "destination",
        "distress",
        "draught_m",
        "eta",
        "first_seen_ts",
        "flushed_first_seen_ts",
        "flushed_last_seen_ts",
        "good",
        "good_lat",
        "good_lon",
        "good_second",
        "good_timed",
        "good_ts",
        "imo",
        "kind",
        "last_distress_ts",
        "last_seen_ts",
        "lat",
        "length_m",
        "lon",
        "mmsi",
        "name",
        "part_a_ts",
        "part_b_ts",
        "position",
        "seq",
        "ship_type",
        "static_ts",
        "ts",
        "voyage_ts",
    )

    def __init__(self, mmsi: int, ts: float) -> None:
        """Start a track first seen at `ts` (Unix s)."""
        self.mmsi = mmsi
        self.seq = 0  # reports applied so far (deduplication keys on it)
        self.kind = mmsi_kind(mmsi)
        self.distress = distress_kind(mmsi)
        self.first_seen_ts = ts
        self.last_seen_ts = ts
        self.flushed_first_seen_ts = math.inf
        self.flushed_last_seen_ts = -math.inf
        self.position: PositionReport | None = None
        self.ts = -math.inf
        self.lat: float | None = None
        self.lon: float | None = None
        self.good_lat: float | None = None
        self.good_lon: float | None = None
        self.good_ts = -math.inf
        self.good: PositionReport | None = None  # the last plausible report
        self.good_second: int | None = None
        self.good_timed = False
        self.name: str | None = None
        self.call_sign: str | None = None
        self.imo: int | None = None
        self.ship_type: int | None = None
        self.length_m: float | None = None
        self.beam_m: float | None = None
        self.draught_m: float | None = None
        self.destination: str | None = None
        self.eta: str | None = None
        self.ais_class: str | None = None
        self.static_ts = -math.inf
        # per part: name (5, 19, 24A), ship data (5, 19, 24B), voyage data (5)
        self.part_a_ts = -math.inf
        self.part_b_ts = -math.inf
        self.voyage_ts = -math.inf
        self.last_distress_ts = -math.inf


def _jump(
    lat: float, lon: float, dt_s: float, ref_lat: float, ref_lon: float, limit_kn: float
) -> bool:
    """True if moving from the reference fix to this one in `dt_s` implies over `limit_kn`."""
    limit_nm = limit_kn * (dt_s if dt_s > MIN_JUMP_DT_S else MIN_JUMP_DT_S) / 3600.0
    if limit_nm < MIN_JUMP_NM:
        limit_nm = MIN_JUMP_NM
    dlat_nm = abs(lat - ref_lat) * 60.0
    if dlat_nm > limit_nm:
        return True
    dlon = abs(lon - ref_lon)
    if dlon > 180.0:
        dlon = 360.0 - dlon
    # Cheap bound first: a longitude difference never spans more than its equatorial length.
    if (dlat_nm + dlon * 60.0) <= limit_nm:
        return False
    return distance_nm(ref_lat, ref_lon, lat, lon) > limit_nm


class TrackStore:
    """All tracks, bounded: the least recently created track is forgotten when full."""

    def __init__(
        self,
        max_vessels: int = 1_000_000,
        *,
        max_ship_speed_kn: float = MAX_PLAUSIBLE_SPEED_KN,
        max_sar_aircraft_speed_kn: float = MAX_SAR_AIRCRAFT_SPEED_KN,
    ) -> None:
        """Keep at most `max_vessels` tracks; judge jumps against the speed limits (kn)."""
        self.max_vessels = max_vessels
        self.max_ship_speed_kn = max_ship_speed_kn
        self.max_sar_aircraft_speed_kn = max_sar_aircraft_speed_kn
        self.tracks: dict[int, VesselTrack] = {}

    def get(self, mmsi: int, ts: float) -> VesselTrack:
        """The track for `mmsi`, created if new; updates first/last seen with `ts`."""
        tracks = self.tracks
        tr = tracks.get(mmsi)
        if tr is None:
            if len(tracks) >= self.max_vessels:
                del tracks[next(iter(tracks))]
            tr = tracks[mmsi] = VesselTrack(mmsi, ts)
        else:
            tr.seq += 1
            if ts > tr.last_seen_ts:
                tr.last_seen_ts = ts
            if ts < tr.first_seen_ts:
                tr.first_seen_ts = ts
        return tr

    def apply_position(self, rep: PositionReport) -> tuple[bool, DistressSignal | None]:
        """Apply a report: (is newest position, distress signal or None); sets rep.flag."""
        ts = rep.received_ts_s
        tr = self.get(rep.mmsi, ts)
        lat = rep.lat_deg
        newest = False
        if lat is not None and ts >= tr.ts:
            lon: float = rep.lon_deg  # type: ignore[assignment]
            newest = True
            good_lat = tr.good_lat
            # cheap bound: within MIN_JUMP_NM in latitude + longitude degrees is never a jump
            if good_lat is not None and (
                abs(lat - good_lat) + abs(lon - tr.good_lon) > _MIN_JUMP_DEG  # type: ignore[operator]
            ):
                flag = self._judge(rep, tr, lat, lon)
                if flag is not None:
                    rep.flag = flag
                    rep.suspect = flag == FLAG_IMPLAUSIBLE
            tr.ts = ts
            tr.lat = lat
            tr.lon = lon
            tr.position = rep
            if rep.flag is None:
                tr.good_lat, tr.good_lon, tr.good_ts, tr.good = lat, lon, ts, rep
                tr.good_second, tr.good_timed = rep.utc_second, rep.timed
        kind = tr.distress
        if kind is None or rep.nav_status == NAV_STATUS_SART_TEST:
            return newest, None
        return newest, self._distress(tr, kind, ts, lat, rep.lon_deg)

    def _judge(self, rep: PositionReport, tr: VesselTrack, lat: float, lon: float) -> str | None:
        """The flag of a newest fix against the last plausible one, on observed times.

        Flagged only if far from the last plausible fix and, when the last fix was itself
        flagged, far from that too: a glitch is flagged, a real relocation is adopted. A jump
        is implausible only when both fixes carry trustworthy times and the MMSI is one vessel's;
        otherwise it is unverified, unless even the reports' own UTC seconds (a lower bound of
        the time between them, plus one minute) allow the move.
        """
        limit_kn = self.max_ship_speed_kn
        if rep.msg_type == 9 or tr.kind is MmsiKind.SAR_AIRCRAFT:
            limit_kn = self.max_sar_aircraft_speed_kn
        ts = rep.received_ts_s
        if not _jump(lat, lon, ts - tr.good_ts, tr.good_lat, tr.good_lon, limit_kn):  # type: ignore[arg-type]
            return None
        if tr.ts != tr.good_ts and not _jump(lat, lon, ts - tr.ts, tr.lat, tr.lon, limit_kn):  # type: ignore[arg-type]
            return None
        if rep.timed and tr.good_timed and tr.kind is not MmsiKind.NON_STANDARD:
            return FLAG_IMPLAUSIBLE
        if rep.utc_second is not None and tr.good_second is not None:
            # untimed: the seconds fields bound the elapsed time from below (mod one minute)
            dt_min_s = (rep.utc_second - tr.good_second) % 60 + 60
            if not _jump(lat, lon, dt_min_s, tr.good_lat, tr.good_lon, limit_kn):  # type: ignore[arg-type]
                return None
        return FLAG_UNVERIFIED

    def _distress(
        self, tr: VesselTrack, kind: str, ts: float, lat: float | None, lon: float | None
    ) -> DistressSignal | None:
        if abs(ts - tr.last_distress_ts) < DISTRESS_REPEAT_S:
            return None
        tr.last_distress_ts = ts
        if lat is None:
            lat, lon = tr.lat, tr.lon
        return DistressSignal(tr.mmsi, kind, lat, lon, ts)

    def apply_safety(self, rep: SafetyBroadcast) -> DistressSignal | None:
        """A type 14 text from a SART/MOB/EPIRB that is not a test is a distress signal."""
        tr = self.get(rep.mmsi, rep.received_ts_s)
        kind = tr.distress
        if kind is None or "TEST" in rep.text.upper():
            return None
        return self._distress(tr, kind, rep.received_ts_s, None, None)

    def apply_static(self, rep: StaticReport) -> bool:
        """Merge static/voyage data part by part, each part's newest value whatever the arrival
        order (type 24 A and B, 5, 19 travel separately); True if anything changed."""
        ts = rep.received_ts_s
        tr = self.get(rep.mmsi, ts)
        changed = False
        if rep.part != "B" and ts >= tr.part_a_ts:
            tr.part_a_ts = ts
            changed = _merge(tr, rep, _PART_A) or changed
        if rep.part != "A" and ts >= tr.part_b_ts:
            tr.part_b_ts = ts
            changed = _merge(tr, rep, _PART_B) or changed
        if rep.msg_type == 5 and ts >= tr.voyage_ts:
            tr.voyage_ts = ts
            changed = _merge(tr, rep, _VOYAGE) or changed
        if ts > tr.static_ts:
            tr.static_ts = ts
        if changed:
            tr.ais_class = class_from_ship_type(tr.ship_type)
        return changed


_PART_A = ("name",)
_PART_B = ("call_sign", "ship_type", "length_m", "beam_m")
_VOYAGE = ("imo", "draught_m", "destination", "eta")


def _merge(tr: VesselTrack, rep: StaticReport, attrs: tuple[str, ...]) -> bool:
    """Copy the report's known values of `attrs` onto the track; True if any changed."""
    changed = False
    for attr in attrs:
        value = getattr(rep, attr)
        if value is not None and getattr(tr, attr) != value:
            setattr(tr, attr, value)
            changed = True
    return changed
