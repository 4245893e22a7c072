"""Tables: vessel (registry, AIS static data), vessel_latest (one row a MMSI), vessel_position."""

from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geography
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from sar_coord.core.db import Base


class Vessel(Base):
    """A vessel by MMSI: AIS static/voyage data plus the RCC registry's capabilities."""

    __tablename__ = "vessel"

    mmsi: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    imo: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(120))
    call_sign: Mapped[str | None] = mapped_column(String(16))
    ship_type: Mapped[int | None] = mapped_column(SmallInteger)
    ais_class: Mapped[str | None] = mapped_column(String(16))
    registry_class: Mapped[str | None] = mapped_column(String(16))
    length_m: Mapped[float | None] = mapped_column(Float)
    beam_m: Mapped[float | None] = mapped_column(Float)
    draught_m: Mapped[float | None] = mapped_column(Float)
    destination: Mapped[str | None] = mapped_column(String(64))
    eta: Mapped[str | None] = mapped_column(String(32))
    # Registry: what matching uses; set by an RCC or admin, never by AIS.
    registered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    max_persons: Mapped[int | None] = mapped_column(Integer)
    medical_staff: Mapped[bool | None] = mapped_column(Boolean)
    rescue_boats: Mapped[int | None] = mapped_column(Integer)
    freeboard_m: Mapped[float | None] = mapped_column(Float)
    max_speed_kn: Mapped[float | None] = mapped_column(Float)
    sar_trained_crew: Mapped[bool | None] = mapped_column(Boolean)
    receive_all_alerts: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    contact: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    static_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class VesselLatest(Base):
    """The newest known position of each MMSI (GiST-indexed geography for KNN and radius)."""

    __tablename__ = "vessel_latest"
    __table_args__ = (Index("ix_vessel_latest_reported_at", "reported_at"),)

    mmsi: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    position: Mapped[object] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=True), nullable=False
    )
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sog_kn: Mapped[float | None] = mapped_column(Float)
    cog_deg: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[int | None] = mapped_column(SmallInteger)
    nav_status: Mapped[int | None] = mapped_column(SmallInteger)
    msg_type: Mapped[int | None] = mapped_column(SmallInteger)
    transponder: Mapped[str | None] = mapped_column(String(8))
    suspect: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # ingest's flag of the newest report: "unverified_jump" (still matched, shown as a warning)
    # or "implausible_jump" (also suspect); the position is then the last plausible one
    position_flag: Mapped[str | None] = mapped_column(String(32))
    identity_unique: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=text("true")
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VesselPosition(Base):
    """Position history, partitioned by day on received_at (BRIN on time)."""

    __tablename__ = "vessel_position"
    __table_args__ = (
        Index("ix_vessel_position_mmsi_received_at", "mmsi", "received_at"),
        Index("ix_vessel_position_received_at_brin", "received_at", postgresql_using="brin"),
        {"postgresql_partition_by": "RANGE (received_at)"},
    )

    id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, server_default=text("nextval('vessel_position_id_seq')")
    )
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    mmsi: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[object] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=False), nullable=False
    )
    sog_kn: Mapped[float | None] = mapped_column(Float)
    cog_deg: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[int | None] = mapped_column(SmallInteger)
    nav_status: Mapped[int | None] = mapped_column(SmallInteger)
    msg_type: Mapped[int | None] = mapped_column(SmallInteger)
    suspect: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    flag: Mapped[str | None] = mapped_column(String(32))  # why ingest flagged the report
