"""Table: search_plan (one row per issued plan, numbered per case; JSON of inputs and results)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sar_coord.core.db import Base


class SearchPlan(Base):
    """A search plan for a case: pattern, area, sub-areas and their assignments (UTC times)."""

    __tablename__ = "search_plan"
    __table_args__ = (UniqueConstraint("case_id", "plan_no"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("distress_case.id", ondelete="CASCADE"), index=True
    )
    plan_no: Mapped[int] = mapped_column(Integer)
    pattern: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB)
    plan: Mapped[dict[str, Any]] = mapped_column(JSONB)
