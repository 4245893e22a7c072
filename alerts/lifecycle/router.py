"""HTTP routes of the RCC side: issue, read, update and cancel alerts; a case's SITREP and MAYDAY
RELAY texts (roles stated per route). Ships' routes are in alerts/live/ship_router.py."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from alerts.config import get_alerts_settings
from alerts.lifecycle import answers, service, texts
from alerts.schemas import (
    AlertCancel,
    AlertCreate,
    AlertDetail,
    AlertRead,
    AlertUpdate,
    RecipientRead,
    SitrepCreate,
)
from sar_coord.auth.deps import RCC, RCC_OR_AUDITOR, require_role
from sar_coord.auth.service import Principal
from sar_coord.cases import service as case_service
from sar_coord.core.deps import SessionDep
from sar_coord.core.time import utcnow
from sar_coord.search_planning import service as search_plans

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
    """An alert with every recipient: reachability at send time, and now delivered, accepted
    with ETA, declined with reason, or no answer for N minutes (rcc_operator, auditor, admin)."""
    alert = await service.get_alert(session, alert_id)
    recipients = await service.list_recipients(session, alert_id)
    states = await answers.in_sight(session, alert, now=utcnow())
    return AlertDetail(
        **AlertRead.model_validate(alert).model_dump(),
        recipients=[
            RecipientRead.model_validate(r).model_copy(update={"answer": states.get(r.mmsi)})
            for r in recipients
        ],
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


async def _sitrep(
    session: SessionDep, case_id: int, principal: Principal, body: SitrepCreate, number: int | None
) -> str:
    case, lon, lat = await case_service.get_case(session, case_id, for_update=number is not None)
    sender = _station(principal)
    to = body.to or [
        rcc for rcc in (case.coordinating_rcc, case.responsible_rcc, case.first_rcc)
        if rcc and rcc.upper() != sender
    ]  # fmt: skip
    actions: list[str] = []
    area: str | None = None
    if body.form == "full":
        events = await case_service.timeline(session, case_id)
        actions = texts.actions_taken([(e.at, e.kind, e.data) for e in events])
        plans = await search_plans.list_plans(session, case_id)
        if plans:
            last = plans[-1]
            area = texts.search_area_line(last.plan_no, last.pattern, last.plan)
    return texts.sitrep_text(
        case,
        lon,
        lat,
        texts.SitrepInput(
            number=number, at=utcnow(), sender=sender, to=list(dict.fromkeys(to)),
            form=body.form, priority=body.priority, actions=actions, search_area=area,
            coordinating_instructions=body.coordinating_instructions,
            future_plans=body.future_plans, additional=body.additional, final=body.final,
        ),
    )  # fmt: skip


@router.get("/cases/{case_id}/sitrep", response_class=PlainTextResponse, tags=["cases"])
async def sitrep_draft(
    case_id: int,
    principal: RccUser,
    session: SessionDep,
    form: Literal["short", "full"] = "short",
) -> PlainTextResponse:
    """The next SITREP as a draft (not numbered, not recorded); POST issues it."""
    body = await _sitrep(session, case_id, principal, SitrepCreate(form=form), None)
    return PlainTextResponse(body, media_type=TEXT)


@router.post("/cases/{case_id}/sitrep", response_class=PlainTextResponse, tags=["cases"])
async def sitrep_issue(
    case_id: int, principal: RccUser, session: SessionDep, body: SitrepCreate | None = None
) -> PlainTextResponse:
    """Issue the case's next SITREP (numbered 1, 2, ... per case); the text is stored in the
    case's timeline."""
    given = body or SitrepCreate()
    case, _lon, _lat = await case_service.get_case(session, case_id, for_update=True)
    number = await case_service.count_events(session, case_id, "sitrep") + 1
    text = await _sitrep(session, case_id, principal, given, number)
    await case_service.add_event(
        session,
        case.id,
        case_service.Actor(principal.username, principal.user_id, principal.organisation),
        "sitrep",
        {"number": number, "form": given.form, "final": given.final, "text": text},
    )
    return PlainTextResponse(text, media_type=TEXT, headers={"X-Sitrep-Number": str(number)})


@router.get("/cases/{case_id}/mayday-relay", response_class=PlainTextResponse, tags=["cases"])
async def mayday_relay(
    case_id: int,
    principal: RccUser,
    session: SessionDep,
    channel: texts.Channel = "vhf16",
    addressee: Annotated[str | None, Query(max_length=120, description="A coast station")] = None,
) -> PlainTextResponse:
    """MAYDAY RELAY for GMDSS voice to ships not on this system: relaying station's name, call
    sign and MMSI from settings (ALERTS_RELAY_*), the channel to use (vhf16, mf2182, dsc)."""
    case, lon, lat = await case_service.get_case(session, case_id)
    cfg = get_alerts_settings()
    station = texts.Station(
        name=cfg.relay_station_name or _station(principal),
        call_sign=cfg.relay_call_sign,
        mmsi=cfg.relay_mmsi,
    )
    body = texts.mayday_relay_text(
        case, lon, lat, at=utcnow(), station=station, channel=channel, addressee=addressee
    )
    return PlainTextResponse(body, media_type=TEXT)
