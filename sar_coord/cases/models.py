"""Tables: distress_case, case_event (the append-only timeline), case_coordination (who
coordinates, append-only) and sar_region (SRR polygons)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geography, Geometry
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
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sar_coord.core.db import Base


class DistressCase(Base):
    """A distress case: datum, people and boat, coordinating RCCs, status."""

    __tablename__ = "distress_case"
    __table_args__ = (
        CheckConstraint(
            "status IN ('open','alerting','assisting','rescued','disembarked','closed',"
            "'cancelled','false_alarm')",
            name="status_known",
        ),
        CheckConstraint(
            "source IN ('rcc','partner','ais_sart','ais_mob','ais_epirb','dsc')",
            name="source_known",
        ),
        # At most one active case per transmitting beacon MMSI (AIS-SART/MOB/EPIRB idempotency).
        Index(
            "uq_distress_case_active_source_mmsi",
            "source_mmsi",
            unique=True,
            postgresql_where=text(
                "source_mmsi IS NOT NULL AND status IN ('open','alerting','assisting')"
            ),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    source: Mapped[str] = mapped_column(String(16))
    source_mmsi: Mapped[int | None] = mapped_column(BigInteger, index=True)
    reported_by: Mapped[str | None] = mapped_column(String(200))
    datum: Mapped[object] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=True), nullable=False
    )
    datum_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    datum_uncertainty_nm: Mapped[float] = mapped_column(Float, default=1.0)
    persons_on_board: Mapped[int | None] = mapped_column(Integer)
    boat_type: Mapped[str | None] = mapped_column(String(16))
    boat_colour: Mapped[str | None] = mapped_column(String(40))
    engine_working: Mapped[bool | None] = mapped_column(Boolean)
    people_in_water: Mapped[int | None] = mapped_column(Integer)
    medical_emergencies: Mapped[int | None] = mapped_column(Integer)
    children: Mapped[int | None] = mapped_column(Integer)
    deceased: Mapped[int | None] = mapped_column(Integer)
    departure_country: Mapped[str | None] = mapped_column(String(2))
    departure_place: Mapped[str | None] = mapped_column(String(120))
    drift_speed_kn: Mapped[float | None] = mapped_column(Float)
    drift_toward_deg: Mapped[float | None] = mapped_column(Float)
    wind_speed_kn: Mapped[float | None] = mapped_column(Float)
    wind_from_deg: Mapped[float | None] = mapped_column(Float)
    responsible_rcc_derived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_rcc: Mapped[str | None] = mapped_column(String(120))
    first_rcc_informed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responsible_rcc: Mapped[str | None] = mapped_column(String(120))
    responsible_rcc_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The RCC coordinating now (MSC.167(78) 6.7: the first RCC informed, until another accepts);
    # case_coordination holds how it came to be.
    coordinating_rcc: Mapped[str | None] = mapped_column(String(120))
    coordinating_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    auto_widen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    description: Mapped[str | None] = mapped_column(Text)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseEvent(Base):
    """One entry of a case's timeline: who, when, what. Rows are never updated or deleted."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("distress_case.id", ondelete="RESTRICT"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(120))
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


COORDINATION_KINDS = ("first_informed", "requested", "accepted", "declined", "transferred")


class CaseCoordination(Base):
    """One step of who coordinates a case: first RCC informed, a request to an RCC, its
    acceptance or refusal, a transfer. Append-only (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "case_coordination"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('first_informed','requested','accepted','declined','transferred')",
            name="kind_known",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("distress_case.id", ondelete="RESTRICT"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    rcc: Mapped[str] = mapped_column(String(120))
    from_rcc: Mapped[str | None] = mapped_column(String(120))
    actor: Mapped[str] = mapped_column(String(120))
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    actor_organisation: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class SarRegion(Base):
    """A search-and-rescue region (SRR) of one RCC: WGS 84 multipolygon, split at the antimeridian.

    Stored as geometry (planar lon/lat edges, as SRR boundaries are drawn on charts), not
    geography (great-circle edges), so a boundary along a parallel stays on that parallel.
    """

    __tablename__ = "sar_region"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    rcc_name: Mapped[str] = mapped_column(String(120), unique=True)
    region_name: Mapped[str] = mapped_column(String(120))
    contact: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    area: Mapped[object] = mapped_column(
        Geometry(geometry_type="MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
