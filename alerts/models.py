"""Tables: alert, alert_recipient, ship_sequence, ship_delivery, ship_answer, ship_cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sar_coord.core.db import Base

ALERT_KINDS = ("targeted", "area")
ALERT_STATUSES = ("active", "updated", "cancelled", "stood_down")
LIVE_ALERT_STATUSES = ("active", "updated")
"""An alert in one of these still asks ships to act; the others are history."""
DELIVERY_KINDS = ("alert", "update", "cancel", "stand_down")
ANSWER_KINDS = ("accept", "decline", "on_scene", "rescued", "request_pos", "message")
DECLINE_REASONS = ("too_far", "not_capable", "own_safety", "other")
UNREACHABLE_REASONS = ("not registered", "not connected", "no ship account")


class Alert(Base):
    """An alert issued by an RCC for a case: targeted at chosen ships or broadcast over an area."""

    __tablename__ = "alert"
    __table_args__ = (
        CheckConstraint("kind IN ('targeted','area')", name="kind_known"),
        CheckConstraint(
            "status IN ('active','updated','cancelled','stood_down')", name="status_known"
        ),
        Index("ix_alert_escalation_due_at", "escalation_due_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("distress_case.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    radius_nm: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")
    issued_by: Mapped[str] = mapped_column(String(120))
    issued_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stood_down_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the case ended (closed, cancelled, false alarm) and its ships were stood down."""
    # Next time the escalation job looks at this alert (None: nothing more to do).
    escalation_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalations: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class AlertRecipient(Base):
    """A vessel an alert was resolved to at send time, and whether it could be told then."""

    __tablename__ = "alert_recipient"
    __table_args__ = (UniqueConstraint("alert_id", "mmsi", name="uq_alert_recipient_alert_mmsi"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="RESTRICT"))
    mmsi: Mapped[int] = mapped_column(BigInteger, index=True)
    reachable: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(40))
    distance_nm: Mapped[float | None] = mapped_column(Float)
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShipSequence(Base):
    """Per-ship delivery counter; its row lock orders sequence numbers by commit."""

    __tablename__ = "ship_sequence"

    mmsi: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class ShipDelivery(Base):
    """One message for one ship with its per-ship sequence number (the channel's truth)."""

    __tablename__ = "ship_delivery"
    __table_args__ = (
        UniqueConstraint("mmsi", "seq", name="uq_ship_delivery_mmsi_seq"),
        CheckConstraint("kind IN ('alert','update','cancel','stand_down')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    mmsi: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(BigInteger)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    committed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShipAnswer(Base):
    """A ship's answer to an alert; (mmsi, client_msg_id) makes retries idempotent."""

    __tablename__ = "ship_answer"
    __table_args__ = (
        UniqueConstraint("mmsi", "client_msg_id", name="uq_ship_answer_mmsi_client_msg_id"),
        CheckConstraint(
            "kind IN ('accept','decline','on_scene','rescued','request_pos','message')",
            name="kind_known",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="RESTRICT"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("distress_case.id", ondelete="RESTRICT"))
    mmsi: Mapped[int] = mapped_column(BigInteger)
    client_msg_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    case_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_event.id", ondelete="RESTRICT")
    )
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShipCursor(Base):
    """Last acknowledged sequence number and last contact of each ship's client."""

    __tablename__ = "ship_cursor"

    mmsi: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    acked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disconnected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When a process's last socket of this ship closed (a later last_seen_at wins)."""
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


__all__ = [
    "ALERT_KINDS",
    "ALERT_STATUSES",
    "ANSWER_KINDS",
    "DECLINE_REASONS",
    "DELIVERY_KINDS",
    "LIVE_ALERT_STATUSES",
    "UNREACHABLE_REASONS",
    "Alert",
    "AlertRecipient",
    "ShipAnswer",
    "ShipCursor",
    "ShipDelivery",
    "ShipSequence",
]
