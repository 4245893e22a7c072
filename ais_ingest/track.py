"""Per-MMSI track state: newest position, static data, class, plausibility, distress detection."""

from __future__ import annotations

import math

from ais_ingest.reports import DistressSignal, PositionReport, SafetyBroadcast, StaticReport

MAX_PLAUSIBLE_SPEED_KN = 60.0
MIN_JUMP_DT_S = 10.0
"""Time floor for the implied-speed check: feeds without timestamps stamp bursts alike."""
DISTRESS_REPEAT_S = 60.0
"""A device sends 8 reports a minute; publish at most one distress signal per device per minute."""

DISTRESS_KIND = {970: "sart", 972: "mob", 974: "epirb"}
NAV_STATUS_SART_TEST = 15


def is_sar_aircraft(mmsi: int) -> bool:
    """True for 111MIDxxx SAR aircraft MMSIs (exempt from the speed plausibility check)."""
    return mmsi // 1_000_000 == 111


def distress_kind(mmsi: int) -> str | None:
    """'sart', 'mob' or 'epirb' for 970/972/974xxyyyy device MMSIs, else None."""
    return DISTRESS_KIND.get(mmsi // 1_000_000)


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
    """Great-circle distance between WGS84 points in nautical miles (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 3440.065 * math.asin(min(1.0, math.sqrt(a)))


class VesselTrack:
    """What we know about one MMSI; times are Unix seconds UTC, positions WGS84 degrees."""

    __slots__ = (
        "ais_class",
        "beam_m",
        "call_sign",
        "destination",
        "draught_m",
        "eta",
        "first_seen_ts",
        "flushed_first_seen_ts",
        "flushed_last_seen_ts",
        "good_lat",
        "good_lon",
        "good_ts",
        "imo",
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
                and not is_sar_aircraft(rep.mmsi)
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
        kind = DISTRESS_KIND.get(rep.mmsi // 1_000_000)
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
        kind = DISTRESS_KIND.get(rep.mmsi // 1_000_000)
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
