"""Disembarkation errors."""

from __future__ import annotations

from sar_coord.core.errors import NotFound


class CaseNotFound(NotFound):
    """No distress case with that id."""

    code = "case_not_found"


class DisembarkationNotFound(NotFound):
    """No disembarkation with that id."""

    code = "disembarkation_not_found"
