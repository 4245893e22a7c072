"""Tables: place_of_safety (port gazetteer) and place_designation (versioned, append-only)."""

from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geography
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from sar_coord.core.db import Base


class PlaceOfSafety(Base):
    """A port from the open gazetteer, keyed by UN/LOCODE; country = first two letters."""

    __tablename__ = "place_of_safety"

    locode: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2), index=True)
    country_name: Mapped[str | None] = mapped_column(String(80))
    other_names: Mapped[list[str]] = mapped_column(ARRAY(String(120)), default=list)
    location: Mapped[object] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=True), nullable=False
    )
    source: Mapped[str] = mapped_column(String(80))


class PlaceDesignation(Base):
    """One version of a country's or port's status; never edited, superseded by newer rows."""

    __tablename__ = "place_designation"
    __table_args__ = (
        CheckConstraint("status IN ('designated','not_safe','unassessed')", name="status_known"),
        CheckConstraint(
            "effective_until IS NULL OR effective_until > effective_from", name="period_valid"
        ),
        CheckConstraint("locode IS NULL OR left(locode, 2) = country", name="port_in_country"),
        Index("ix_place_designation_country_locode", "country", "locode"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    country: Mapped[str] = mapped_column(String(2))
    locode: Mapped[str | None] = mapped_column(
        ForeignKey("place_of_safety.locode", ondelete="RESTRICT")
    )
    status: Mapped[str] = mapped_column(String(16))
    legal_basis: Mapped[str] = mapped_column(Text)
    citation: Mapped[str] = mapped_column(Text)
    # The source, structured (NULL only on versions recorded before issue 17).
    issuing_body: Mapped[str | None] = mapped_column(String(200))
    citation_title: Mapped[str | None] = mapped_column(Text)
    citation_date: Mapped[str | None] = mapped_column(String(10))
    citation_reference: Mapped[str | None] = mapped_column(String(200))
    citation_url: Mapped[str | None] = mapped_column(String(500))
    effective_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    effective_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    set_by: Mapped[str] = mapped_column(String(120))
    set_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
