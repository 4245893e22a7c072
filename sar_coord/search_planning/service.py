"""Search plan services: compose from the case, store numbered per case, files, AIS progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.cases import service as case_service
from sar_coord.core.time import utcnow
from sar_coord.search_planning import files, progress
from sar_coord.search_planning.compose import Datum, compose
from sar_coord.search_planning.exceptions import SearchPlanNotFound
from sar_coord.search_planning.models import SearchPlan
from sar_coord.search_planning.schemas import SearchPlanCreate
from sar_coord.vessels import service as vessel_service


async def case_datum(session: AsyncSession, case_id: int, at: datetime) -> Datum:
    """The case's datum drifted to `at`, with the distance drifted since the datum time."""
    case, lon, lat = await case_service.get_case(session, case_id)
    predicted = case_service.predicted_datum(case, lon, lat, at)
    hours = max(0.0, (at - case.datum_at).total_seconds() / 3600.0)
    return Datum(
        lon=predicted.lon,
        lat=predicted.lat,
        initial_error_nm=case.datum_uncertainty_nm,
        drift_distance_nm=predicted.drift_speed_kn * hours,
        drift_toward_deg=predicted.drift_toward_deg,
        wind_kn=case.wind_speed_kn,
    )


async def create_plan(
    session: AsyncSession, *, case_id: int, body: SearchPlanCreate, actor: str
) -> SearchPlan:
    """Compute a plan from the case's current drift datum and store it as the next number."""
    now = utcnow()
    datum = await case_datum(session, case_id, now)
    last = await session.scalar(
        select(func.max(SearchPlan.plan_no)).where(SearchPlan.case_id == case_id)
    )
    row = SearchPlan(
        case_id=case_id,
        plan_no=(last or 0) + 1,
        pattern=body.pattern,
        created_at=now,
        created_by=actor,
        params=body.model_dump(mode="json"),
        plan=compose(body, datum),
    )
    session.add(row)
    await session.flush()
    return row


async def list_plans(session: AsyncSession, case_id: int) -> list[SearchPlan]:
    """A case's plans, oldest first (the case must exist)."""
    await case_service.get_case(session, case_id)
    rows = await session.scalars(
        select(SearchPlan).where(SearchPlan.case_id == case_id).order_by(SearchPlan.plan_no)
    )
    return list(rows)


async def get_plan(session: AsyncSession, case_id: int, plan_no: int) -> SearchPlan:
    """One plan or SearchPlanNotFound."""
    row = await session.scalar(
        select(SearchPlan).where(SearchPlan.case_id == case_id, SearchPlan.plan_no == plan_no)
    )
    if row is None:
        raise SearchPlanNotFound(f"case {case_id} has no search plan {plan_no}")
    return row


def sub_area(plan: SearchPlan, index: int) -> dict[str, Any]:
    """One sub-area of a plan or SearchPlanNotFound."""
    subs: list[dict[str, Any]] = plan.plan["sub_areas"]
    if not 1 <= index <= len(subs):
        raise SearchPlanNotFound(f"search plan {plan.plan_no} has no sub-area {index}")
    return subs[index - 1]


def route_file(plan: SearchPlan, reference: str, index: int, kind: str) -> str:
    """The sub-area's pattern as an RTZ (ECDIS) or GPX (chart plotter) route."""
    sub = sub_area(plan, index)
    points = [(w["lon"], w["lat"]) for w in sub["waypoints"]]
    name = f"{reference} plan {plan.plan_no} area {index} {plan.pattern}"
    return files.to_rtz(name, points) if kind == "rtz" else files.to_gpx(name, points)


async def plan_progress(session: AsyncSession, plan: SearchPlan) -> list[dict[str, Any]]:
    """Per assigned ship: share of its sub-area swept by its AIS track since the plan was made."""
    width = float(plan.plan["sweep_width_nm"])
    out = []
    for sub in plan.plan["sub_areas"]:
        mmsi = sub.get("mmsi")
        if mmsi is None:
            out.append({"sub_area": sub["sub_area"], "mmsi": None, "swept_fraction": None})
            continue
        track = await vessel_service.positions_between(
            session, mmsi=mmsi, since=plan.created_at, until=utcnow()
        )
        ring = [tuple(p) for p in sub["polygon"]["coordinates"][0]]
        fraction = progress.swept_fraction(ring, track, width)  # type: ignore[arg-type]
        out.append(
            {
                "sub_area": sub["sub_area"],
                "mmsi": mmsi,
                "positions": len(track),
                "swept_fraction": round(fraction, 3),
            }
        )
    return out


async def assignments_for_alert(session: AsyncSession, case_id: int) -> list[dict[str, Any]]:
    """The case's latest plan as ships read it in an alert: each sub-area, who flies it, its
    pattern's waypoints in degrees and decimal minutes, and where to fetch RTZ and GPX files."""
    row = await session.scalar(
        select(SearchPlan)
        .where(SearchPlan.case_id == case_id)
        .order_by(SearchPlan.plan_no.desc())
        .limit(1)
    )
    if row is None:
        return []
    base = f"/api/v1/cases/{case_id}/search-plans/{row.plan_no}/sub-areas"
    return [
        {
            "plan_no": row.plan_no,
            "sub_area": sub["sub_area"],
            "mmsi": sub.get("mmsi"),
            "unit": sub.get("unit"),
            "pattern": row.pattern,
            "track_spacing_nm": row.plan["track_spacing_nm"],
            "csp": sub["csp"]["position"],
            "waypoints": [w["position"] for w in sub["waypoints"]],
            "rtz": f"{base}/{sub['sub_area']}.rtz",
            "gpx": f"{base}/{sub['sub_area']}.gpx",
        }
        for sub in row.plan["sub_areas"]
    ]
