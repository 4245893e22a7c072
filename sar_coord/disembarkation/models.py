"""Tables: disembarkation, its transfers, compliance_evaluation (counts only, no names)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sar_coord.core.db import Base


class Disembarkation(Base):
    """People landed from one vessel in one port for one case; categories are counts only."""

    __tablename__ = "disembarkation"
    __table_args__ = (
        CheckConstraint(
            "persons_total >= 0 AND minors >= 0 AND unaccompanied_minors >= 0 AND women >= 0"
            " AND medical_cases >= 0 AND deceased >= 0 AND persons_seeking_asylum >= 0"
            " AND persons_rescued >= 0",
            name="counts_non_negative",
        ),
        CheckConstraint("unaccompanied_minors <= minors", name="unaccompanied_within_minors"),
        CheckConstraint(
            "protection_asked IS NULL OR protection_asked IN"
            " ('asked','not_asked','could_not_ask','unknown')",
            name="protection_asked_known",
        ),
        CheckConstraint(
            "asylum_procedure_access IS NULL OR asylum_procedure_access IN ('yes','no','unknown')",
            name="asylum_procedure_access_known",
        ),
        CheckConstraint(
            "medical_screening IS NULL OR medical_screening IN ('yes','no','unknown')",
            name="medical_screening_known",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("distress_case.id", ondelete="RESTRICT"), index=True
    )
    rescuing_mmsi: Mapped[int] = mapped_column(BigInteger, index=True)
    rescuing_vessel_name: Mapped[str | None] = mapped_column(String(120))
    rescued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    persons_rescued: Mapped[int] = mapped_column(Integer)
    disembarking_mmsi: Mapped[int] = mapped_column(BigInteger, index=True)
    disembarking_vessel_name: Mapped[str | None] = mapped_column(String(120))
    port_locode: Mapped[str] = mapped_column(
        ForeignKey("place_of_safety.locode", ondelete="RESTRICT"), index=True
    )
    port_country: Mapped[str] = mapped_column(String(2))
    disembarked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    persons_total: Mapped[int] = mapped_column(Integer)
    minors: Mapped[int] = mapped_column(Integer, default=0)
    unaccompanied_minors: Mapped[int] = mapped_column(Integer, default=0)
    women: Mapped[int] = mapped_column(Integer, default=0)
    medical_cases: Mapped[int] = mapped_column(Integer, default=0)
    deceased: Mapped[int] = mapped_column(Integer, default=0)
    persons_seeking_asylum: Mapped[int] = mapped_column(Integer, default=0)
    departure_country: Mapped[str | None] = mapped_column(String(2))
    assignment_by: Mapped[str | None] = mapped_column(String(120))
    assignment_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assignment_reference: Mapped[str | None] = mapped_column(String(120))
    # What the rules need to know about the landing; NULL only on records made before them.
    protection_asked: Mapped[str | None] = mapped_column(String(16))
    asylum_procedure_access: Mapped[str | None] = mapped_column(String(8))
    medical_screening: Mapped[str | None] = mapped_column(String(8))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class DisembarkationTransfer(Base):
    """A ship-to-ship transfer of people before the disembarkation (counts only)."""

    __tablename__ = "disembarkation_transfer"
    __table_args__ = (CheckConstraint("persons > 0", name="persons_positive"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    disembarkation_id: Mapped[int] = mapped_column(
        ForeignKey("disembarkation.id", ondelete="RESTRICT"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    from_mmsi: Mapped[int] = mapped_column(BigInteger)
    from_vessel_name: Mapped[str | None] = mapped_column(String(120))
    to_mmsi: Mapped[int] = mapped_column(BigInteger)
    to_vessel_name: Mapped[str | None] = mapped_column(String(120))
    persons: Mapped[int] = mapped_column(Integer)
    transferred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ComplianceEvaluation(Base):
    """Rule results for one disembarkation, with the rule-set version and registry snapshot hash."""

    __tablename__ = "compliance_evaluation"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    disembarkation_id: Mapped[int] = mapped_column(
        ForeignKey("disembarkation.id", ondelete="RESTRICT"), index=True
    )
    ruleset_version: Mapped[str] = mapped_column(String(32))
    registry_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    # 'then' (sources public by the event) or 'now' (everything recorded); NULL before issue 17.
    as_known: Mapped[str | None] = mapped_column(String(8))
    designations: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    requested_by: Mapped[str | None] = mapped_column(String(120))
    evaluated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class RescueStep(Base):
    """One step of a rescue chain: a rescue (no from vessel) or a ship-to-ship transfer."""

    __tablename__ = "rescue_step"
    __table_args__ = (
        CheckConstraint("kind IN ('rescue','transfer')", name="kind_known"),
        CheckConstraint("(kind = 'rescue') = (from_mmsi IS NULL)", name="transfer_has_from_vessel"),
        CheckConstraint(
            "persons_total > 0 AND minors >= 0 AND unaccompanied_minors >= 0 AND women >= 0"
            " AND medical_cases >= 0 AND deceased >= 0",
            name="counts_valid",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("distress_case.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    from_mmsi: Mapped[int | None] = mapped_column(BigInteger)
    to_mmsi: Mapped[int] = mapped_column(BigInteger)
    to_vessel_name: Mapped[str | None] = mapped_column(String(120))
    persons_total: Mapped[int] = mapped_column(Integer)
    minors: Mapped[int] = mapped_column(Integer, default=0)
    unaccompanied_minors: Mapped[int] = mapped_column(Integer, default=0)
    women: Mapped[int] = mapped_column(Integer, default=0)
    medical_cases: Mapped[int] = mapped_column(Integer, default=0)
    deceased: Mapped[int] = mapped_column(Integer, default=0)
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
