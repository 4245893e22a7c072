"""Place-of-safety API schemas (request bodies reject unknown fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from sar_coord.core.schemas import ReadModel, StrictModel, UtcDatetime
from sar_coord.places.citation import CITATION_DATE, citation_text

Status = Literal["designated", "not_safe", "unassessed"]


class PortRead(BaseModel):
    """A port of the gazetteer; lat/lon WGS 84 degrees."""

    locode: str
    name: str
    country: str
    country_name: str | None
    other_names: list[str]
    lat: float
    lon: float


class DesignationCreate(StrictModel):
    """A new designation version for a whole country (no locode) or one port."""

    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    locode: str | None = Field(None, pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")
    status: Status
    legal_basis: str = Field(min_length=3, max_length=2000)
    issuing_body: str = Field(min_length=2, max_length=200, description="who issued the source")
    citation_title: str = Field(min_length=3, max_length=2000)
    citation_date: str = Field(
        pattern=CITATION_DATE, description="YYYY-MM-DD, or YYYY-MM / YYYY when only that is known"
    )
    citation_reference: str | None = Field(
        None, max_length=200, description="application, document or case number"
    )
    citation_url: str | None = Field(None, max_length=500, pattern=r"^https?://\S+$")
    citation: str | None = Field(
        None, min_length=3, max_length=2000, description="one line; default: composed"
    )
    effective_from: UtcDatetime
    effective_until: UtcDatetime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DesignationCreate:
        if self.locode and self.locode[:2] != self.country:
            raise ValueError("locode must start with the country code")
        if self.effective_until and self.effective_until <= self.effective_from:
            raise ValueError("effective_until must be after effective_from")
        return self

    def full_citation(self) -> str:
        """Return the one-line citation given, or composed from the source's fields."""
        return self.citation or citation_text(
            self.issuing_body,
            self.citation_title,
            self.citation_date,
            self.citation_reference,
            self.citation_url,
        )


class DesignationRead(ReadModel):
    """One stored designation version."""

    id: int
    country: str
    locode: str | None
    status: Status
    legal_basis: str
    citation: str
    issuing_body: str | None
    citation_title: str | None
    citation_date: str | None
    citation_reference: str | None
    citation_url: str | None
    effective_from: datetime
    effective_until: datetime | None
    set_by: str
    set_at: datetime


class PortStatus(BaseModel):
    """A port with the designation that applies at `at` (None: unassessed)."""

    port: PortRead
    at: datetime
    status: Status
    designation: DesignationRead | None
