"""Routes: a case's ranked candidates (JSON, GeoJSON, CSV) and its SURPIC text (RCC roles)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from alerts.matching import surpic as reports
from alerts.matching.candidates import SearchParams, search_case
from sar_coord.auth.deps import RCC, require_role
from sar_coord.auth.service import Principal
from sar_coord.cases import service as case_service
from sar_coord.core.deps import SessionDep
from sar_coord.core.errors import InvalidInput

router = APIRouter(tags=["candidates"])
Rcc = Annotated[Principal, Depends(require_role(*RCC))]
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
