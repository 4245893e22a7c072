"""Request and response bodies of alerts and ship answers (distances in nm, times UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from sar_coord.core.schemas import Mmsi, ReadModel, StrictModel, UtcDatetime

ClientMsgId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class AlertCreate(StrictModel):
    """Issue an alert: targeted at `mmsis`, or an area broadcast within `radius_nm` of the datum."""

    case_id: int
    kind: Literal["targeted", "area"]
    radius_nm: float | None = Field(None, gt=0, le=500)
    mmsis: list[Mmsi] = Field(default_factory=list, max_length=500)
    message: str = Field(min_length=1, max_length=2000)


class AlertUpdate(StrictModel):
    """Change an alert's text and/or (area alerts) widen its radius."""

    message: str | None = Field(None, min_length=1, max_length=2000)
    radius_nm: float | None = Field(None, gt=0, le=500)


class AlertCancel(StrictModel):
    """Cancel an alert (the case was resolved or the alert was a mistake)."""

    reason: str = Field(
        min_length=1, max_length=500, description="Why (1 to 500 characters); told to every ship"
    )


class AlertRead(ReadModel):
    """An alert as the RCC sees it."""

    id: int
    case_id: int
    kind: str
    radius_nm: float | None
    message: str
    status: str
    issued_by: str
    issued_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    stood_down_at: datetime | None
    escalations: int


class RecipientRead(ReadModel):
    """A vessel an alert was resolved to, and whether it could be told at send time."""

    mmsi: int
    reachable: bool
    reason: str | None
    distance_nm: float | None
    resolved_at: datetime
    answer: RecipientState | None = Field(None, description="Delivery and answer, as of now")


class RecipientState(ReadModel):
    """Where a ship stands with an alert: not reachable, sent (not yet acknowledged by its
    client), delivered, accepted (with ETA), declined (with reason), on scene, rescued."""

    state: Literal[
        "not_reachable", "sent", "delivered", "accepted", "declined", "on_scene", "rescued"
    ]
    delivered: bool = Field(description="The ship's client acknowledged the alert")
    acked_at: datetime | None = Field(description="The ship's last acknowledgement (UTC)")
    answered_at: datetime | None
    eta: datetime | None = Field(description="ETA on scene given with an acceptance (UTC)")
    decline_reason: str | None
    decline_note: str | None
    no_answer_min: float | None = Field(
        description="Minutes since the alert was issued without an answer (None once answered)"
    )
    nearest: bool = Field(
        False, description="Nearest recipient the alert reached (first responder)"
    )
    first_to_accept: bool = Field(False, description="The first ship to accept this alert")


class AlertDetail(AlertRead):
    """An alert with its recipients."""

    recipients: list[RecipientRead]


class AcceptAnswer(StrictModel):
    """The ship proceeds; ETA on scene (UTC)."""

    kind: Literal["accept"]
    client_msg_id: ClientMsgId
    eta: UtcDatetime


class DeclineAnswer(StrictModel):
    """The ship cannot assist, with a reason."""

    kind: Literal["decline"]
    client_msg_id: ClientMsgId
    reason: Literal["too_far", "not_capable", "own_safety", "other"]
    note: str | None = Field(None, max_length=500)


class OnSceneAnswer(StrictModel):
    """The ship has arrived on scene."""

    kind: Literal["on_scene"]
    client_msg_id: ClientMsgId
    at: UtcDatetime | None = None


class RescuedCounts(StrictModel):
    """People taken on board, counts by category only (never names or identifiers)."""

    adults: int = Field(0, ge=0, le=5000)
    minors: int = Field(0, ge=0, le=5000)
    unaccompanied_minors: int = Field(0, ge=0, le=5000)
    medical_cases: int = Field(0, ge=0, le=5000)
    deceased: int = Field(0, ge=0, le=5000)


class RescuedAnswer(StrictModel):
    """People rescued, by category."""

    kind: Literal["rescued"]
    client_msg_id: ClientMsgId
    counts: RescuedCounts


class RequestPosAnswer(StrictModel):
    """The ship asks the RCC to assign a place of safety."""

    kind: Literal["request_pos"]
    client_msg_id: ClientMsgId
    note: str | None = Field(None, max_length=500)


class MessageAnswer(StrictModel):
    """Free text to the RCC."""

    kind: Literal["message"]
    client_msg_id: ClientMsgId
    text: str = Field(min_length=1, max_length=2000)


AnswerBody = Annotated[
    AcceptAnswer | DeclineAnswer | OnSceneAnswer | RescuedAnswer | RequestPosAnswer | MessageAnswer,
    Field(discriminator="kind"),
]


class AnswerRead(ReadModel):
    """A recorded answer; `duplicate` is true when the client_msg_id was seen before."""

    id: int
    alert_id: int
    case_id: int
    mmsi: int
    client_msg_id: str
    kind: str
    received_at: datetime
    case_event_id: int | None
    duplicate: bool = False


class SitrepCreate(StrictModel):
    """The RCC's own lines of a SITREP; everything else comes from the case and its timeline."""

    form: Literal["short", "full"] = "short"
    to: list[Annotated[str, Field(min_length=2, max_length=120)]] = Field(
        default_factory=list, max_length=20, description="Addressees (default: the RCCs concerned)"
    )
    priority: Literal["DISTRESS", "URGENCY"] | None = Field(
        None, description="Default: DISTRESS while the case is active, URGENCY after"
    )
    coordinating_instructions: str | None = Field(None, max_length=2000)
    future_plans: str | None = Field(None, max_length=2000)
    additional: str | None = Field(None, max_length=2000)
    final: bool = Field(False, description="The last SITREP of the case (N: concluded)")
