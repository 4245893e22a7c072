"""Base schema classes: request bodies reject unknown fields."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sar_coord.core.ais import MMSI_MAX, NINE_DIGIT_MIN

Mmsi = Annotated[int, Field(ge=NINE_DIGIT_MIN, le=MMSI_MAX, description="9-digit MMSI")]
"""A vessel this system registers, binds to a master, alerts or records (see ais.is_nine_digit)."""

ReportedMmsi = Annotated[int, Field(ge=1, le=MMSI_MAX, description="MMSI as reported")]
"""An identity someone else reported (DSC sender, rescuing vessel): any positive MMSI."""


class StrictModel(BaseModel):
    """Request body base: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReadModel(BaseModel):
    """Response base: built from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class ErrorBody(BaseModel):
    """The error envelope every failure is rendered as."""

    error: str
    detail: object = None
