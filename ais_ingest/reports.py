"""Typed AIS reports from decoding: positions (WGS84 degrees), static data, others; UTC times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NewType

Mmsi = NewType("Mmsi", int)

POSITION_TYPES = frozenset({1, 2, 3, 9, 18, 19, 27})
STATIC_TYPES = frozenset({5, 19, 24})

TRANSPONDER_BY_TYPE: dict[int, str] = {
    1: "A",
    2: "A",
    3: "A",
    5: "A",
    9: "SAR",
    18: "B",
    19: "B",
    24: "B",
    27: "LR",
}


def ts_to_datetime(ts_s: float) -> datetime:
    """Convert a Unix timestamp in seconds to a tz-aware UTC datetime."""
    return datetime.fromtimestamp(ts_s, UTC)


@dataclass(slots=True)
class PositionReport:
    """Position report (types 1,2,3,9,18,19,27); lat/lon WGS84 degrees, None when unavailable."""

    mmsi: int
    msg_type: int
    received_ts_s: float
    lat_deg: float | None
    lon_deg: float | None
    sog_kn: float | None
    cog_deg: float | None
    heading_deg: int | None
    nav_status: int | None
    suspect: bool = False  # its own timestamps prove the jump impossible: leaves matching
    utc_second: int | None = None  # the report's own UTC second (0-59), None if not given
    timed: bool = False  # received_ts_s comes from a clock that can judge speeds
    flag: str | None = None  # why it was flagged (FLAG_* in track.py), None when plausible
    out_of_range: tuple[str, ...] = ()  # fields whose raw value is outside its defined range

    @property
    def received_at(self) -> datetime:
        """Receive time as UTC datetime."""
        return ts_to_datetime(self.received_ts_s)


@dataclass(slots=True)
class StaticReport:
    """Static and voyage data (types 5, 19, 24A/24B); dimensions in metres, draught in metres."""

    mmsi: int
    msg_type: int
    received_ts_s: float
    name: str | None = None
    call_sign: str | None = None
    imo: int | None = None
    ship_type: int | None = None
    length_m: float | None = None
    beam_m: float | None = None
    draught_m: float | None = None
    destination: str | None = None
    eta: str | None = None
    part: str | None = None

    @property
    def received_at(self) -> datetime:
        """Receive time as UTC datetime."""
        return ts_to_datetime(self.received_ts_s)


@dataclass(slots=True)
class BaseStationReport:
    """Type 4 base station report with its position (WGS84 degrees) and UTC clock."""

    mmsi: int
    msg_type: int
    received_ts_s: float
    lat_deg: float | None
    lon_deg: float | None
    station_time: datetime | None


@dataclass(slots=True)
class AidToNavigationReport:
    """Type 21 aid-to-navigation report: name and position (WGS84 degrees)."""

    mmsi: int
    msg_type: int
    received_ts_s: float
    name: str
    aid_type: int
    lat_deg: float | None
    lon_deg: float | None
    virtual: bool


@dataclass(slots=True)
class SafetyBroadcast:
    """Type 14 safety-related broadcast text (AIS-SART sends "SART ACTIVE" / "SART TEST")."""

    mmsi: int
    msg_type: int
    received_ts_s: float
    text: str


@dataclass(slots=True)
class OtherMessage:
    """A valid message of a type we do not store (e.g. 8 binary broadcast, 20 slot management)."""

    mmsi: int
    msg_type: int
    received_ts_s: float


Report = (
    PositionReport
    | StaticReport
    | BaseStationReport
    | AidToNavigationReport
    | SafetyBroadcast
    | OtherMessage
)


@dataclass(slots=True, frozen=True)
class DistressSignal:
    """An active AIS-SART / MOB / EPIRB-AIS transmission; lat/lon WGS84 degrees, reported_at UTC."""

    mmsi: int
    kind: str
    lat_deg: float | None
    lon_deg: float | None
    reported_ts_s: float

    def payload(self) -> dict[str, object]:
        """JSON-ready payload for the DISTRESS channel."""
        return {
            "mmsi": self.mmsi,
            "kind": self.kind,
            "lat": self.lat_deg,
            "lon": self.lon_deg,
            "reported_at": ts_to_datetime(self.reported_ts_s).isoformat(),
        }
