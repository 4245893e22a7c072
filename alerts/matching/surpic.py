"""Renderings of a candidate search: JSON models, GeoJSON, CSV and the SURPIC text.
Pure (no I/O); positions WGS 84, distances nm, speeds kn, times UTC."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from alerts.matching.candidates import CandidateSearch
from alerts.matching.scoring import Candidate, Excluded
from sar_coord.cases.drift import drifted_position
from sar_coord.core.geo import METRES_PER_NM, haversine_m, valid_lon_lat
from sar_coord.core.notation import dtg, fmt_position


class RouteLine(BaseModel):
    """A GeoJSON LineString, [lon, lat] pairs in WGS 84."""

    type: Literal["LineString"] = "LineString"
    coordinates: list[tuple[float, float]]


class CandidateRead(BaseModel):
    """One ranked vessel with the figures and reasons behind its rank."""

    rank: int
    mmsi: int
    name: str | None
    vessel_class: str | None
    score: float
    distance_nm: float
    straight_nm: float
    eta_min: float
    speed_kn: float
    report_age_s: float
    position_uncertainty_nm: float
    lat: float
    lon: float
    course_to_deg: float = Field(
        description="Straight bearing to the intercept point, degrees true (may cross land: "
        "steer course_to_steer_deg)"
    )
    course_change_deg: float | None
    diversion_nm: float
    intercept_lat: float
    intercept_lon: float
    capabilities: dict[str, Any]
    reasons: list[str]
    course_to_steer_deg: float | None = Field(
        description="Initial course of the route's first leg, degrees true"
    )
    route_nm: float = Field(description="Length of the route over water, nm")
    route: RouteLine = Field(
        description="Over-water route from the dead-reckoned position to the intercept point"
    )


class ExcludedRead(BaseModel):
    """A vessel left out of the ranking (stale, no position, suspect, beacon) and why."""

    mmsi: int
    name: str | None
    reason: str
    report_age_s: float
    lat: float | None
    lon: float | None


class CandidatesRead(BaseModel):
    """The SURPIC of a case as JSON."""

    case_id: int | None
    computed_at: datetime
    datum_lat: float
    datum_lon: float
    datum_at: datetime
    predicted_lat: float
    predicted_lon: float
    drift_source: str
    radius_nm: float
    radii_tried_nm: list[float]
    candidates: list[CandidateRead]
    stale: list[ExcludedRead]


def _candidate(c: Candidate) -> CandidateRead:
    return CandidateRead(
        rank=c.rank, mmsi=c.mmsi, name=c.name, vessel_class=c.vessel_class, score=c.score,
        distance_nm=c.distance_nm, straight_nm=c.straight_nm, eta_min=c.eta_min,
        speed_kn=c.speed_kn, report_age_s=c.report_age_s,
        position_uncertainty_nm=c.position_uncertainty_nm, lat=round(c.lat, 6),
        lon=round(c.lon, 6), course_to_deg=c.course_to_deg, course_change_deg=c.course_change_deg,
        diversion_nm=c.diversion_nm, intercept_lat=round(c.intercept_lat, 6),
        intercept_lon=round(c.intercept_lon, 6), capabilities=c.capabilities, reasons=c.reasons,
        course_to_steer_deg=c.course_to_steer_deg, route_nm=round(route_length_nm(c.route), 3),
        route=RouteLine(coordinates=[(round(x, 6), round(y, 6)) for x, y in c.route]),
    )  # fmt: skip


def route_length_nm(route: Sequence[tuple[float, float]]) -> float:
    """Length of a (lon, lat) polyline, nm along great circles."""
    return sum(haversine_m(*a, *b) for a, b in itertools.pairwise(route)) / METRES_PER_NM


def _excluded(e: Excluded) -> ExcludedRead:
    return ExcludedRead(
        mmsi=e.mmsi, name=e.name, reason=e.reason, report_age_s=e.report_age_s, lat=e.lat,
        lon=e.lon,
    )  # fmt: skip


def to_read(search: CandidateSearch) -> CandidatesRead:
    """JSON view of a search."""
    t = search.target
    p_lon, p_lat = drifted_position(
        t.lon, t.lat, t.drift, (search.computed_at - t.datum_at).total_seconds()
    )
    return CandidatesRead(
        case_id=search.case_id,
        computed_at=search.computed_at,
        datum_lat=t.lat,
        datum_lon=t.lon,
        datum_at=t.datum_at,
        predicted_lat=p_lat,
        predicted_lon=p_lon,
        drift_source=t.drift.source,
        radius_nm=search.radius_nm,
        radii_tried_nm=list(search.radii_tried_nm),
        candidates=[_candidate(c) for c in search.result.candidates],
        stale=[_excluded(e) for e in search.result.excluded],
    )


def to_geojson(search: CandidateSearch) -> dict[str, Any]:
    """FeatureCollection: datum, predicted datum, and each candidate's estimated position."""
    read = to_read(search)
    features: list[dict[str, Any]] = [
        _point(read.datum_lon, read.datum_lat, {"kind": "datum", "at": read.datum_at.isoformat()}),
        _point(
            read.predicted_lon,
            read.predicted_lat,
            {"kind": "predicted_datum", "at": read.computed_at.isoformat()},
        ),
    ]
    for c in read.candidates:
        props = c.model_dump(exclude={"lat", "lon", "route"})
        props["kind"] = "candidate"
        features.append(_point(c.lon, c.lat, props))
        features.append(
            {
                "type": "Feature",
                "geometry": c.route.model_dump(),
                "properties": {
                    "kind": "route",
                    "mmsi": c.mmsi,
                    "rank": c.rank,
                    "course_to_steer_deg": c.course_to_steer_deg,
                    "route_nm": c.route_nm,
                },
            }
        )
    for e in read.stale:
        if e.lat is not None and e.lon is not None and valid_lon_lat(e.lon, e.lat):
            features.append(_point(e.lon, e.lat, {**e.model_dump(), "kind": "excluded"}))
    return {"type": "FeatureCollection", "features": features}


def _point(lon: float, lat: float, props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": props,
    }


CSV_COLUMNS = (
    "rank", "mmsi", "name", "vessel_class", "lat", "lon", "distance_nm", "straight_nm", "eta_min",
    "speed_kn", "score", "report_age_s", "position_uncertainty_nm", "course_to_deg",
    "course_to_steer_deg", "course_change_deg", "diversion_nm", "reasons",
)  # fmt: skip


def to_csv(search: CandidateSearch) -> str:
    """CSV, one ranked candidate per row; reasons joined with ' | '."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in to_read(search).candidates:
        row = c.model_dump()
        row["reasons"] = " | ".join(c.reasons)
        writer.writerow(["" if row[k] is None else row[k] for k in CSV_COLUMNS])
    return buf.getvalue()


def surpic_text(reference: str | None, search: CandidateSearch) -> str:
    """A plain-text surface picture: ships near the datum, ETA, course to steer, capabilities."""
    read = to_read(search)
    ref = reference or "AD-HOC"
    lines = [
        f"SURPIC {ref} {dtg(read.computed_at)}",
        f"DATUM {fmt_position(read.datum_lat, read.datum_lon)} AT {dtg(read.datum_at)}",
        f"PREDICTED {fmt_position(read.predicted_lat, read.predicted_lon)} "
        f"(DRIFT {read.drift_source.upper()})",
        f"SEARCH RADIUS {read.radius_nm:.0f} NM",
        "",
        "RK  MMSI       NAME                 CLASS       POSITION (DR)       DIST  ETA   CTS  "
        "DIV  AGE",
    ]
    for c in read.candidates:
        lines.append(
            f"{c.rank:<3} {c.mmsi:<10} {(c.name or '-')[:20]:<20} {(c.vessel_class or '-'):<11} "
            f"{fmt_position(c.lat, c.lon):<19} {c.distance_nm:5.1f} {c.eta_min:5.0f} "
            f"{c.course_to_steer_deg or 0:03.0f}  {c.diversion_nm:4.1f} {c.report_age_s / 60:3.0f}m"
        )
        caps = [k for k, v in c.capabilities.items() if v not in (None, False, 0)]
        if caps:
            lines.append(f"    CAPABILITIES: {', '.join(f'{k}={c.capabilities[k]}' for k in caps)}")
    if read.stale:
        lines += ["", "NOT RANKED (STALE / NO POSITION / BEACON):"]
        lines += [f"    {e.mmsi} {(e.name or '-')[:20]}: {e.reason}" for e in read.stale]
    lines += [
        "",
        "DIST NM OVER WATER, ETA MIN, CTS = COURSE TO STEER DEG TRUE ON THE FIRST LEG OF THE "
        "WATER ROUTE, DIV = NM OFF COURSE",
    ]
    return "\n".join(lines) + "\n"
