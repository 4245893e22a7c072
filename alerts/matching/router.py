"""Routes: a case's candidates (JSON/GeoJSON/CSV), SURPIC, SITREP, MAYDAY RELAY; area queries."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from geoalchemy2 import Geography
from pydantic import BaseModel
from sqlalchemy import cast, func

from alerts.matching import surpic as reports
from alerts.matching.candidates import SearchParams, search_case
from sar_coord.auth.deps import RCC, RCC_OR_AUDITOR, require_role
from sar_coord.auth.service import Principal
from sar_coord.cases import repository as case_repository
from sar_coord.cases import service as case_service
from sar_coord.core.config import get_settings
from sar_coord.core.deps import SessionDep
from sar_coord.core.errors import InvalidInput
from sar_coord.core.geo import METRES_PER_NM
from sar_coord.core.time import utcnow
from sar_coord.vessels import repository as vessel_repository
from sar_coord.vessels import service as vessel_service
from sar_coord.vessels.models import Vessel, VesselLatest
from sar_coord.vessels.schemas import VesselClass, VesselLatestRead

router = APIRouter(tags=["candidates"])
Rcc = Annotated[Principal, Depends(require_role(*RCC))]
Reader = Annotated[Principal, Depends(require_role(*RCC_OR_AUDITOR))]
TEXT = "text/plain; charset=utf-8"


def _search_params(
    k: int | None, radius_nm: float | None, max_radius_nm: float | None
) -> SearchParams:
    params = SearchParams.from_settings(k=k, radius_nm=radius_nm, max_radius_nm=max_radius_nm)
    if params.max_radius_nm < params.radius_nm:
        raise InvalidInput("max_radius_nm must be >= radius_nm")
    return params


K = Annotated[int | None, Query(ge=1, le=100, description="Candidates (default: settings)")]
RadiusNm = Annotated[float | None, Query(gt=0, le=3000, description="Initial radius, nm")]
MaxRadiusNm = Annotated[float | None, Query(gt=0, le=3000, description="Widening limit, nm")]


@router.get("/api/v1/cases/{case_id}/candidates", response_model=reports.CandidatesRead)
async def candidates(
    case_id: int,
    _: Rcc,
    session: SessionDep,
    k: K = None,
    radius_nm: RadiusNm = None,
    max_radius_nm: MaxRadiusNm = None,
    format: Literal["json", "geojson", "csv"] = "json",
) -> Response:
    """Ranked vessels best placed to help (JSON, ?format=geojson or ?format=csv)."""
    params = _search_params(k, radius_nm, max_radius_nm)
    search = await search_case(session, case_id, search=params)
    if format == "geojson":
        return JSONResponse(reports.to_geojson(search), media_type="application/geo+json")
    if format == "csv":
        return Response(
            reports.to_csv(search),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="case-{case_id}-candidates.csv"'
            },
        )
    return JSONResponse(reports.to_read(search).model_dump(mode="json"))


@router.get("/api/v1/cases/{case_id}/surpic", response_class=PlainTextResponse)
async def surpic(
    case_id: int,
    _: Rcc,
    session: SessionDep,
    k: K = None,
    radius_nm: RadiusNm = None,
    max_radius_nm: MaxRadiusNm = None,
) -> PlainTextResponse:
    """Plain-text surface picture for the case."""
    search = await search_case(session, case_id, search=_search_params(k, radius_nm, max_radius_nm))
    case, _lon, _lat = await case_service.get_case(session, case_id)
    return PlainTextResponse(reports.surpic_text(case.reference, search), media_type=TEXT)


def _station(principal: Principal) -> str:
    return (principal.organisation or "RCC").upper()


@router.get("/api/v1/cases/{case_id}/sitrep", response_class=PlainTextResponse)
async def sitrep_draft(case_id: int, principal: Rcc, session: SessionDep) -> PlainTextResponse:
    """The next SITREP as a draft (not numbered, not recorded); POST issues it."""
    case, lon, lat = await case_service.get_case(session, case_id)
    body = reports.sitrep_text(case, lon, lat, number=None, at=utcnow(), sender=_station(principal))
    return PlainTextResponse(body, media_type=TEXT)


@router.post("/api/v1/cases/{case_id}/sitrep", response_class=PlainTextResponse)
async def sitrep_issue(case_id: int, principal: Rcc, session: SessionDep) -> PlainTextResponse:
    """Issue the case's next SITREP (numbered 1, 2, ... per case, recorded as a case event)."""
    case, lon, lat = await case_service.get_case(session, case_id, for_update=True)
    number = await case_repository.count_events(session, case_id, "sitrep") + 1
    at = utcnow()
    body = reports.sitrep_text(case, lon, lat, number=number, at=at, sender=_station(principal))
    await case_service.add_event(
        session,
        case,
        case_service.Actor(principal.username, principal.user_id),
        "sitrep",
        {"number": number, "text": body},
    )
    return PlainTextResponse(body, media_type=TEXT, headers={"X-Sitrep-Number": str(number)})


@router.get("/api/v1/cases/{case_id}/mayday-relay", response_class=PlainTextResponse)
async def mayday_relay(case_id: int, principal: Rcc, session: SessionDep) -> PlainTextResponse:
    """MAYDAY RELAY text for GMDSS broadcast to ships that are not on this system."""
    case, lon, lat = await case_service.get_case(session, case_id)
    body = reports.mayday_relay_text(case, lon, lat, at=utcnow(), station=_station(principal))
    return PlainTextResponse(body, media_type=TEXT)


class AreaQuery(BaseModel):
    """Parsed area: a bounding box or a circle."""

    bbox: tuple[float, float, float, float] | None
    circle: tuple[float, float, float] | None


@router.get("/api/v1/vessels/area")
async def vessels_in_area(
    _: Reader,
    session: SessionDep,
    min_lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    min_lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    max_lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    max_lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_nm: Annotated[float | None, Query(gt=0, le=3000)] = None,
    vessel_class: Annotated[list[VesselClass] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> list[VesselLatestRead]:
    """Latest positions in a box (min_lon > max_lon crosses 180) or within radius_nm of lat/lon,
    optionally of some classes (repeat ?vessel_class=); nearest first for a circle."""
    box = (min_lon, min_lat, max_lon, max_lat)
    circle = (lon, lat, radius_nm)
    has_box = any(v is not None for v in box)
    has_circle = any(v is not None for v in circle)
    if has_box == has_circle:
        raise InvalidInput("give either min_lon/min_lat/max_lon/max_lat or lat/lon/radius_nm")
    q = vessel_repository.latest_query()
    bbox = vessel_service.bbox_from_query(min_lon, min_lat, max_lon, max_lat)
    if bbox is not None:
        q = q.where(vessel_repository.bbox_filter(*bbox)).order_by(VesselLatest.mmsi)
    else:
        if any(v is None for v in circle):
            raise InvalidInput("give all three of lat, lon, radius_nm")
        c: Any = circle
        centre = cast(func.ST_SetSRID(func.ST_MakePoint(c[0], c[1]), 4326), Geography)
        q = q.where(func.ST_DWithin(VesselLatest.position, centre, c[2] * METRES_PER_NM))
        q = q.order_by(VesselLatest.position.op("<->")(centre))
    if vessel_class:
        q = q.where(
            func.coalesce(Vessel.registry_class, Vessel.ais_class, "other").in_(list(vessel_class))
        )
    rows = (await session.execute(q.limit(limit))).all()
    now = utcnow()
    stale_s = get_settings().stale_after_s
    return [vessel_service.latest_to_read(r, now=now, stale_after_s=stale_s) for r in rows]
