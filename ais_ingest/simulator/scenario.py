"""Simulator clock: schedules reports per vessel, AIS gaps and the scripted distress events.

Yields AIS message field dicts (pyais encoder names) and scenario events in sim-time order;
times are Unix seconds UTC, positions WGS84 degrees, speeds knots.
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ais_ingest.simulator.fleet import (
    NAV_NOT_UNDER_COMMAND,
    MmsiPool,
    Vessel,
    advance,
    fleet_mix,
    make_sart,
    make_vessel,
    report_interval_s,
    turning,
)
from ais_ingest.simulator.geo import CENTRAL_MED, Geography, Region, build_geography

STATIC_EVERY_S = 360.0
SART_BURST = 8
SART_SPACING_S = 0.075


@dataclass(frozen=True)
class SimConfig:
    """What to simulate: fleet size, region, seed, start time and scripted event times (s)."""

    vessels: int = 40
    region: Region = CENTRAL_MED
    seed: int = 1
    start_s: float | None = None
    """Unix time (UTC) of sim second 0; None: now, rounded down to the second."""
    boat_at_s: float | None = 120.0
    """Hotline report of the rubber boat (no AIS), seconds after start; None: never."""
    boat_persons: int = 80
    engine_failure_at_s: float | None = 300.0
    sart_at_s: float | None = 600.0
    gaps: bool = True
    gap_every_s: float = 3 * 3600.0
    """Mean time between AIS gaps of one vessel (exponential), seconds."""


@dataclass(frozen=True)
class AisMessage:
    """One AIS message: sim time (Unix s), radio channel and the fields for pyais.encode_dict."""

    t: float
    channel: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class ScenarioEvent:
    """A scripted event: kind, sim time (Unix s) and details (lat/lon degrees, persons...)."""

    t: float
    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The JSON object written to --scenario-out (time as ISO 8601 UTC)."""
        iso = datetime.fromtimestamp(self.t, UTC).isoformat().replace("+00:00", "Z")
        return {
            "event": "scenario",
            "kind": self.kind,
            "time": iso,
            "sim_time": self.t,
            **self.data,
        }

    def partner_report(self) -> dict[str, Any]:
        """Body for POST /api/v1/cases/partner-report from a hotline_report (no AIS) event."""
        if self.kind != "hotline_report":
            raise ValueError(f"{self.kind} is not a hotline report")
        d = self.data
        body: dict[str, Any] = {
            "reported_by": "Civil hotline (simulated)",
            "lat": d["lat"],
            "lon": d["lon"],
            "datum_at": self.as_json()["time"],
            "datum_uncertainty_nm": d.get("uncertainty_nm", 3.0),
            "persons_on_board": d["persons"],
            "boat_type": d["boat_type"],
            "engine_working": d["engine_working"],
            "description": d["description"],
        }
        for key in ("departure_country", "departure_place"):
            if d.get(key):
                body[key] = d[key]
        return body


Emission = AisMessage | ScenarioEvent


class Simulation:
    """The fleet, its geography and the event queue; iterate with emissions()."""

    def __init__(self, cfg: SimConfig) -> None:
        self.cfg = cfg
        self.rng = random.Random(cfg.seed)
        self.t0 = float(math.floor(time.time())) if cfg.start_s is None else cfg.start_s
        self.geo: Geography = build_geography(cfg.region, self.rng)
        pool = MmsiPool(self.rng)
        self.vessels: list[Vessel] = [
            make_vessel(kind, self.geo, self.rng, pool) for kind in fleet_mix(cfg.vessels)
        ]
        self.sart = make_sart(self.geo, self.rng, pool)
        self.failing = next((v for v in self.vessels if v.kind == "fishing"), None)
        if self.failing is not None:
            self.failing.ais_class = "A"  # nav status 2 needs a Class A position report
        self._queue: list[tuple[float, int, str, int]] = []
        self._seq = 0
        for i, v in enumerate(self.vessels):
            v.last_t = self.t0
            if cfg.gaps and v is not self.failing:
                v.next_gap_at = self.t0 + self.rng.expovariate(1.0 / cfg.gap_every_s)
            self._push(self.t0 + self.rng.uniform(0.0, 10.0), "pos", i)
            self._push(self.t0 + self.rng.uniform(1.0, 60.0), "static", i)
        for kind, at in (
            ("boat", cfg.boat_at_s),
            ("engine", cfg.engine_failure_at_s),
            ("sart", cfg.sart_at_s),
        ):
            if at is not None and (kind != "engine" or self.failing is not None):
                self._push(self.t0 + at, kind, -1)

    def _push(self, t: float, kind: str, idx: int) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (t, self._seq, kind, idx))

    def emissions(self, duration_s: float | None = None) -> Iterator[Emission]:
        """AIS messages and scenario events in time order until duration_s (None: forever)."""
        end = math.inf if duration_s is None else self.t0 + duration_s
        while self._queue and self._queue[0][0] < end:
            t, _seq, kind, idx = heapq.heappop(self._queue)
            if kind == "pos":
                yield from self._position(t, idx)
            elif kind == "static":
                yield from self._static(t, idx)
            else:
                yield self._scripted(t, kind)

    def _vessel(self, idx: int) -> Vessel:
        return self.sart if idx == -2 else self.vessels[idx]

    def _position(self, t: float, idx: int) -> Iterator[AisMessage]:
        v = self._vessel(idx)
        advance(v, t, self.geo, self.rng)
        if v.kind == "sart":
            k = int(v.extra.get("burst_k", 0))
            v.extra["burst_k"] = (k + 1) % SART_BURST
            nxt = SART_SPACING_S if k < SART_BURST - 1 else 60.0 - SART_SPACING_S * (SART_BURST - 1)
            self._push(t + nxt, "pos", idx)
            channel = "A" if k % 2 == 0 else "B"
            yield AisMessage(t, channel, self._class_a(v, t, msg_type=1))
            if k == 0 and int(v.extra.get("bursts", 0)) % 4 == 0:
                yield AisMessage(t, "B", {"type": 14, "mmsi": v.mmsi, "text": "SART ACTIVE"})
            if k == 0:
                v.extra["bursts"] = v.extra.get("bursts", 0) + 1
            return
        self._push(t + report_interval_s(v, turning(v)) + self.rng.uniform(0.0, 0.3), "pos", idx)
        if self._in_gap(v, t):
            return
        v.channel_b = not v.channel_b
        channel = "B" if v.channel_b else "A"
        if v.ais_class == "B":
            yield AisMessage(t, channel, self._class_b(v, t))
        else:
            yield AisMessage(t, channel, self._class_a(v, t, 3 if self.rng.random() < 0.1 else 1))

    def _in_gap(self, v: Vessel, t: float) -> bool:
        if t < v.gap_until:
            return True
        if t >= v.next_gap_at:
            v.gap_until = t + self.rng.uniform(120.0, 1200.0)
            v.next_gap_at = v.gap_until + self.rng.expovariate(1.0 / self.cfg.gap_every_s)
            return True
        return False

    def _heading(self, v: Vessel) -> int:
        if v.drifting:
            return int(v.extra.setdefault("drift_heading", (v.drift_deg + 70.0) % 360)) % 360
        return round(v.cog_deg + self.rng.gauss(0.0, 1.5)) % 360

    def _sog(self, v: Vessel) -> float:
        return round(max(0.0, min(v.max_kn, v.sog_kn + self.rng.gauss(0.0, 0.08))), 1)

    def _class_a(self, v: Vessel, t: float, msg_type: int) -> dict[str, Any]:
        return {
            "type": msg_type,
            "msg_type": msg_type,
            "mmsi": v.mmsi,
            "status": v.nav_status,
            "speed": self._sog(v),
            "accuracy": v.kind != "sart",
            "lon": round(v.lon, 6),
            "lat": round(v.lat, 6),
            "course": round(v.cog_deg, 1) % 360,
            "heading": 511 if v.kind == "sart" else self._heading(v),
            "second": int(t) % 60,
            "maneuver": 0,
            "raim": False,
            "radio": 0,
        }

    def _class_b(self, v: Vessel, t: float) -> dict[str, Any]:
        return {
            "type": 18,
            "mmsi": v.mmsi,
            "speed": self._sog(v),
            "accuracy": False,
            "lon": round(v.lon, 6),
            "lat": round(v.lat, 6),
            "course": round(v.cog_deg, 1) % 360,
            "heading": 511 if v.kind == "pleasure" else self._heading(v),
            "second": int(t) % 60,
            "cs": True,
            "display": False,
            "dsc": True,
            "band": True,
            "msg22": True,
            "assigned": False,
            "raim": False,
            "radio": 0,
        }

    def _static(self, t: float, idx: int) -> Iterator[AisMessage]:
        v = self._vessel(idx)
        self._push(t + STATIC_EVERY_S, "static", idx)
        if t < v.gap_until:
            return
        bow, stern, port, stbd = v.dims_m
        dims = {"to_bow": bow, "to_stern": stern, "to_port": port, "to_starboard": stbd}
        if v.ais_class == "B":
            yield AisMessage(t, "A", {"type": 24, "mmsi": v.mmsi, "partno": 0, "shipname": v.name})
            yield AisMessage(
                t,
                "A",
                {
                    "type": 24,
                    "mmsi": v.mmsi,
                    "partno": 1,
                    "ship_type": v.ship_type,
                    "callsign": v.callsign,
                    **dims,
                },
            )
            return
        eta = datetime.fromtimestamp(self.t0, UTC) + timedelta(hours=14)
        yield AisMessage(
            t,
            "B",
            {
                "type": 5,
                "mmsi": v.mmsi,
                "ais_version": 2,
                "imo": v.imo,
                "callsign": v.callsign,
                "shipname": v.name,
                "ship_type": v.ship_type,
                **dims,
                "epfd": 1,
                "month": eta.month,
                "day": eta.day,
                "hour": eta.hour,
                "minute": 0,
                "draught": v.draught_m,
                "destination": v.destination,
                "dte": False,
            },
        )

    def _scripted(self, t: float, kind: str) -> ScenarioEvent:
        if kind == "boat":
            lat, lon = self.geo.boat_at
            return ScenarioEvent(
                t,
                "hotline_report",
                {
                    "source": "hotline",
                    "lat": lat,
                    "lon": lon,
                    "persons": self.cfg.boat_persons,
                    "boat_type": "rubber",
                    "engine_working": False,
                    "ais": False,
                    "uncertainty_nm": 3.0,
                    "description": f"Rubber boat, about {self.cfg.boat_persons} people on board, "
                    "engine failed, taking water; reported by phone to a civil hotline.",
                    **(
                        {"departure_country": "LY", "departure_place": "Sabratha"}
                        if self.cfg.region == CENTRAL_MED
                        else {}
                    ),
                },
            )
        if kind == "engine":
            v = self.failing
            assert v is not None
            advance(v, t, self.geo, self.rng)
            v.drifting = True
            v.drift_deg = self.rng.uniform(70.0, 160.0)
            v.extra["drift_kn"] = 0.5
            v.nav_status = NAV_NOT_UNDER_COMMAND
            return ScenarioEvent(
                t,
                "engine_failure",
                {
                    "mmsi": v.mmsi,
                    "name": v.name,
                    "lat": round(v.lat, 6),
                    "lon": round(v.lon, 6),
                    "persons": 8,
                    "nav_status": NAV_NOT_UNDER_COMMAND,
                    "ais": True,
                },
            )
        v = self.sart
        v.last_t = t
        self._push(t, "pos", -2)
        return ScenarioEvent(
            t,
            "sart_activated",
            {
                "mmsi": v.mmsi,
                "lat": round(v.lat, 6),
                "lon": round(v.lon, 6),
                "ais": True,
                "nav_status": v.nav_status,
            },
        )
