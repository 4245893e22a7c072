"""HTTP routes of the RCC side: issue, read, update and cancel alerts; a case's SITREP and MAYDAY
RELAY texts (roles stated per route). Ships' routes are in alerts/live/ship_router.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from alerts.lifecycle import service, texts
from alerts.schemas import (
    AlertCancel,
    AlertCreate,
    AlertDetail,
    AlertRead,
    AlertUpdate,
    RecipientRead,
)
from sar_coord.auth.deps import RCC, RCC_OR_AUDITOR, require_role
from sar_coord.auth.service import Principal
from sar_coord.cases import service as case_service
from sar_coord.core.deps import SessionDep
from sar_coord.core.time import utcnow

router = APIRouter(prefix="/api/v1", tags=["alerts"])
TEXT = "text/plain; charset=utf-8"

RccUser = Annotated[Principal, Depends(require_role(*RCC))]
RccOrAuditor = Annotated[Principal, Depends(require_role(*RCC_OR_AUDITOR))]


def _actor(principal: Principal) -> service.Actor:
    return service.Actor(principal.username, principal.user_id)


@router.post("/alerts", response_model=AlertRead, status_code=201)
async def issue_alert(body: AlertCreate, session: SessionDep, user: RccUser) -> Any:
    """Issue a targeted or area alert (rcc_operator, admin)."""
    return await service.issue_alert(session, body, actor=_actor(user))


@router.get("/alerts", response_model=list[AlertRead])
async def list_alerts(session: SessionDep, user: RccOrAuditor, case_id: int | None = None) -> Any:
    """Alerts, newest first (rcc_operator, auditor, admin)."""
    return await service.list_alerts(session, case_id=case_id)


@router.get("/alerts/{alert_id}", response_model=AlertDetail)
async def get_alert(alert_id: int, session: SessionDep, user: RccOrAuditor) -> Any:
    """An alert with every recipient and its reachability (rcc_operator, auditor, admin)."""
    alert = await service.get_alert(session, alert_id)
    recipients = await service.list_recipients(session, alert_id)
    return AlertDetail(
        **AlertRead.model_validate(alert).model_dump(),
        recipients=[RecipientRead.model_validate(r) for r in recipients],
    )


@router.patch("/alerts/{alert_id}", response_model=AlertRead)
async def update_alert(alert_id: int, body: AlertUpdate, session: SessionDep, user: RccUser) -> Any:
    """Change an alert's text or widen its radius (rcc_operator, admin)."""
    return await service.update_alert(session, alert_id, body, actor=_actor(user))


@router.post("/alerts/{alert_id}/cancel", response_model=AlertRead)
async def cancel_alert(alert_id: int, body: AlertCancel, session: SessionDep, user: RccUser) -> Any:
    """Cancel an alert; every ship it reached is told (rcc_operator, admin)."""
    return await service.cancel_alert(session, alert_id, reason=body.reason, actor=_actor(user))


def _station(principal: Principal) -> str:
    return (principal.organisation or "RCC").upper()


@router.get("/cases/{case_id}/sitrep", response_class=PlainTextResponse, tags=["cases"])
async def sitrep_draft(case_id: int, principal: RccUser, session: SessionDep) -> PlainTextResponse:
    """The next SITREP as a draft (not numbered, not recorded); POST issues it."""
    case, lon, lat = await case_service.get_case(session, case_id)
    body = texts.sitrep_text(case, lon, lat, number=None, at=utcnow(), sender=_station(principal))
    return PlainTextResponse(body, media_type=TEXT)


@router.post("/cases/{case_id}/sitrep", response_class=PlainTextResponse, tags=["cases"])
async def sitrep_issue(case_id: int, principal: RccUser, session: SessionDep) -> PlainTextResponse:
    """Issue the case's next SITREP (numbered 1, 2, ... per case, recorded as a case event)."""
    case, lon, lat = await case_service.get_case(session, case_id, for_update=True)
    number = await case_service.count_events(session, case_id, "sitrep") + 1
    at = utcnow()
    body = texts.sitrep_text(case, lon, lat, number=number, at=at, sender=_station(principal))
    await case_service.add_event(
        session,
        case.id,
        case_service.Actor(principal.username, principal.user_id),
        "sitrep",
        {"number": number, "text": body},
    )
    return PlainTextResponse(body, media_type=TEXT, headers={"X-Sitrep-Number": str(number)})


@router.get("/cases/{case_id}/mayday-relay", response_class=PlainTextResponse, tags=["cases"])
async def mayday_relay(case_id: int, principal: RccUser, session: SessionDep) -> PlainTextResponse:
    """MAYDAY RELAY text for GMDSS broadcast to ships that are not on this system."""
    case, lon, lat = await case_service.get_case(session, case_id)
    body = texts.mayday_relay_text(case, lon, lat, at=utcnow(), station=_station(principal))
    return PlainTextResponse(body, media_type=TEXT)
