"""Errors of the alerts feature, each with its HTTP status."""

from __future__ import annotations

from sar_coord.core.errors import AppError, Conflict, Forbidden, InvalidInput, NotFound


class AlertNotFound(NotFound):
    """No such alert (or the caller may not know it exists)."""

    code = "alert_not_found"


class AlertCancelled(Conflict):
    """The alert was cancelled and cannot change any more."""

    code = "alert_cancelled"


class AlertStoodDown(Conflict):
    """The alert's case has ended and its ships were stood down: no new commitments."""

    code = "alert_stood_down"


class InvalidAlert(InvalidInput):
    """The alert request is inconsistent (e.g. an area alert without a radius)."""

    code = "invalid_alert"


class NotAlerted(Forbidden):
    """This vessel was not alerted for that alert, so it cannot answer or read it."""

    code = "not_alerted"


class VesselNotBound(Forbidden):
    """The caller does not act for that vessel."""

    code = "vessel_not_bound"


class ProtocolError(AppError):
    """A websocket client broke protocol v1 (closed with 1008)."""

    status_code = 400
    code = "protocol_error"
