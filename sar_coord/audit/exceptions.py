"""Transparency-log errors with their HTTP status."""

from __future__ import annotations

from sar_coord.core.errors import AppError, NotFound


class LogEmpty(NotFound):
    """Nothing has been logged or checkpointed yet."""

    code = "log_empty"


class TreeSizeOutOfRange(AppError):
    """A leaf index or tree size beyond the log."""

    status_code = 400
    code = "tree_size_out_of_range"
