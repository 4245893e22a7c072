"""Per-MMSI track state: newest position, static data, class, plausibility, distress detection."""

from __future__ import annotations

import math

from ais_ingest.reports import DistressSignal, PositionReport, SafetyBroadcast, StaticReport
from sar_coord.core.ais import DISTRESS_SOURCE, MmsiKind, mmsi_kind
from sar_coord.core.geo import haversine_m, m_to_nm

MAX_PLAUSIBLE_SPEED_KN = 60.0
MIN_JUMP_DT_S = 10.0
"""Time floor for the implied-speed check: feeds without timestamps stamp bursts alike."""
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
        "good_lat",
        "good_lon",
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
        "position",
        "ship_type",
        "static_ts",
        "ts",
    )

    def __init__(self, mmsi: int, ts: float) -> None:
        """Start a track first seen at `ts` (Unix s)."""
        self.mmsi = mmsi
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
        self.last_distress_ts = -math.inf


def _jump(lat: float, lon: float, ts: float, ref_lat: float, ref_lon: float, ref_ts: float) -> bool:
    """True if going from the reference fix to this one implies more than 60 kn."""
    limit_nm = MAX_PLAUSIBLE_SPEED_KN * max(ts - ref_ts, MIN_JUMP_DT_S) / 3600.0
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

    def __init__(self, max_vessels: int = 1_000_000) -> None:
        """Keep at most `max_vessels` tracks in memory."""
        self.max_vessels = max_vessels
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
            if ts > tr.last_seen_ts:
                tr.last_seen_ts = ts
            if ts < tr.first_seen_ts:
                tr.first_seen_ts = ts
        return tr

    def apply_position(self, rep: PositionReport) -> tuple[bool, DistressSignal | None]:
        """Apply a report: (is newest position, distress signal or None); sets rep.suspect."""
        ts = rep.received_ts_s
        tr = self.get(rep.mmsi, ts)
        lat = rep.lat_deg
        newest = False
        if lat is not None and ts >= tr.ts:
            lon: float = rep.lon_deg  # type: ignore[assignment]
            newest = True
            # Suspect only if far from the last good fix and, when the last fix was itself
            # suspect, far from that too: a glitch is flagged, a real relocation is adopted.
            if (
                tr.good_lat is not None
                and rep.msg_type != 9
                and tr.kind is not MmsiKind.SAR_AIRCRAFT
                and _jump(lat, lon, ts, tr.good_lat, tr.good_lon, tr.good_ts)  # type: ignore[arg-type]
                and (tr.ts == tr.good_ts or _jump(lat, lon, ts, tr.lat, tr.lon, tr.ts))  # type: ignore[arg-type]
            ):
                rep.suspect = True
            tr.ts = ts
            tr.lat = lat
            tr.lon = lon
            tr.position = rep
            if not rep.suspect:
                tr.good_lat, tr.good_lon, tr.good_ts = lat, lon, ts
        kind = tr.distress
        if kind is None or rep.nav_status == NAV_STATUS_SART_TEST:
            return newest, None
        return newest, self._distress(tr, kind, ts, lat, rep.lon_deg)

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
        """Merge static/voyage data unless older than what we hold; True if anything changed."""
        ts = rep.received_ts_s
        tr = self.get(rep.mmsi, ts)
        if ts < tr.static_ts:
            return False
        tr.static_ts = ts
        changed = False
        for attr in (
            "name",
            "call_sign",
            "imo",
            "ship_type",
            "length_m",
            "beam_m",
            "draught_m",
            "destination",
            "eta",
        ):
            value = getattr(rep, attr)
            if value is not None and getattr(tr, attr) != value:
                setattr(tr, attr, value)
                changed = True
        if changed:
            tr.ais_class = class_from_ship_type(tr.ship_type)
        return changed
