"""Case errors, each with its HTTP status."""

from __future__ import annotations

from sar_coord.core.errors import Conflict, InvalidInput, NotFound


class CaseNotFound(NotFound):
    """No case with that id."""

    code = "case_not_found"


class BadTransition(Conflict):
    """The status change is not allowed from the case's current status."""

    code = "bad_status_transition"


class InvalidRegion(InvalidInput):
    """A SAR region polygon is not valid GeoJSON in WGS 84 (see detail)."""

    code = "invalid_sar_region"


class RegionNotFound(NotFound):
    """No SAR region for that RCC."""

    code = "sar_region_not_found"


class ActiveCaseExists(Conflict):
    """The MMSI already has an active case (detail carries its id and reference)."""

    code = "active_case_exists"


class CoordinationRefused(Conflict):
    """The coordination step makes no sense now (see detail)."""

    code = "coordination_refused"
