"""Base schema classes: request bodies reject unknown fields and coercion; request times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from sar_coord.core.ais import MMSI_MAX, NINE_DIGIT_MIN
from sar_coord.core.countries import COUNTRIES
from sar_coord.core.time import utcnow

Mmsi = Annotated[int, Field(ge=NINE_DIGIT_MIN, le=MMSI_MAX, description="9-digit MMSI")]
"""A vessel this system registers, binds to a master, alerts or records (see ais.is_nine_digit)."""

ReportedMmsi = Annotated[int, Field(ge=1, le=MMSI_MAX, description="MMSI as reported")]
"""An identity someone else reported (DSC sender, rescuing vessel): any positive MMSI."""


EARLIEST_AT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_AHEAD = timedelta(days=366)


def utc_in_bounds(value: datetime) -> datetime:
    """A time with an offset, normalised to UTC, between 2000 and a year from now."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time needs a UTC offset (e.g. 2026-12-04T17:00:00Z)")
    at = value.astimezone(UTC)
    if not EARLIEST_AT <= at <= datetime.now(UTC) + LATEST_AHEAD:
        raise ValueError("time out of range (2000-01-01 .. one year from now)")
    return at


UtcDatetime = Annotated[datetime, Strict(False), AfterValidator(utc_in_bounds)]
"""A request time: ISO 8601 with an offset, normalised to UTC, plausibly dated."""


CLOCK_SKEW_S = 120
"""A reported time may run this far ahead of the server's clock (clocks differ); no further."""


def iso_z(at: datetime) -> str:
    """ISO 8601 UTC to the second with a Z suffix, for messages."""
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def not_in_future(value: datetime) -> datetime:
    """`value` unless it lies more than CLOCK_SKEW_S ahead of the server's UTC clock."""
    now = utcnow()
    if value > now + timedelta(seconds=CLOCK_SKEW_S):
        raise ValueError(
            f"{iso_z(value)} is in the future (server time {iso_z(now)} UTC; at most "
            f"{CLOCK_SKEW_S} s ahead is accepted for clock differences)"
        )
    return value


PastDatetime = Annotated[
    datetime, Strict(False), AfterValidator(utc_in_bounds), AfterValidator(not_in_future)
]
"""A time something happened (landing, rescue, datum, assignment): UTC-aware, never future."""


def known_country(code: str) -> str:
    """`code` when it is an officially assigned ISO 3166-1 alpha-2 code, else a clear error."""
    if code not in COUNTRIES:
        hint = (
            f" ({code.upper()} is {COUNTRIES[code.upper()]})" if code.upper() in COUNTRIES else ""
        )
        raise ValueError(
            f"{code!r} is not an ISO 3166-1 alpha-2 country code: two capital letters of an "
            f"assigned code, e.g. LY (Libya), TN (Tunisia), IT (Italy){hint}"
        )
    return code


CountryCode = Annotated[
    str,
    Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2, e.g. LY"),
    AfterValidator(known_country),
]
"""A country by its officially assigned ISO 3166-1 alpha-2 code (sar_coord.core.countries)."""


class StrictModel(BaseModel):
    """Request body base: unknown fields are an error, never silently dropped; no coercion
    (a string is never read as a number); times are `UtcDatetime`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class ReadModel(BaseModel):
    """Response base: built from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class ErrorBody(BaseModel):
    """The error envelope every failure is rendered as."""

    error: str
    detail: object = None
