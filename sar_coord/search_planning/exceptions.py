"""Errors of search planning, each with its HTTP status."""

from __future__ import annotations

from sar_coord.core.errors import NotFound


class SearchPlanNotFound(NotFound):
    """No such plan or sub-area for this case."""

    code = "search_plan_not_found"
