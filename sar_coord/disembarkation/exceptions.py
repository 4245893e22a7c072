"""Disembarkation errors."""

from __future__ import annotations

from sar_coord.core.errors import NotFound


class DisembarkationNotFound(NotFound):
    """No disembarkation with that id."""

    code = "disembarkation_not_found"
