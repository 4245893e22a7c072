"""Place-of-safety API schemas (request bodies reject unknown fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from sar_coord.core.schemas import ReadModel, StrictModel

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
    citation: str = Field(min_length=3, max_length=2000)
    effective_from: AwareDatetime
    effective_until: AwareDatetime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DesignationCreate:
        if self.locode and self.locode[:2] != self.country:
            raise ValueError("locode must start with the country code")
        if self.effective_until and self.effective_until <= self.effective_from:
            raise ValueError("effective_until must be after effective_from")
        return self


class DesignationRead(ReadModel):
    """One stored designation version."""

    id: int
    country: str
    locode: str | None
    status: Status
    legal_basis: str
    citation: str
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
