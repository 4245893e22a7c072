"""Error classes that carry their HTTP status, rendered once as {"error", "detail"}."""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    """Base error of the application: a stable code, an HTTP status and a detail."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, detail: Any = None) -> None:
        super().__init__(detail if detail is not None else self.code)
        self.detail = detail if detail is not None else self.code
        self.headers: dict[str, str] = {}


class NotFound(AppError):
    """The resource does not exist (or the caller may not know it exists)."""

    status_code = 404
    code = "not_found"


class Conflict(AppError):
    """The request conflicts with the current state."""

    status_code = 409
    code = "conflict"


class Unauthenticated(AppError):
    """No valid credentials were presented."""

    status_code = 401
    code = "unauthenticated"


class Forbidden(AppError):
    """The caller's role does not allow this."""

    status_code = 403
    code = "forbidden"


class InvalidInput(AppError):
    """The request is well-formed but its values are not acceptable."""

    status_code = 422
    code = "invalid_input"


class TooManyRequests(AppError):
    """The caller must wait: the answer carries `Retry-After` (seconds)."""

    status_code = 429
    code = "too_many_requests"

    def __init__(self, detail: Any = None, *, retry_after_s: int = 1) -> None:
        super().__init__(detail)
        self.headers["Retry-After"] = str(max(1, int(retry_after_s)))


class ServiceUnavailable(AppError):
    """A dependency (the database) is unavailable for now: retry after `Retry-After` seconds."""

    status_code = 503
    code = "service_unavailable"

    def __init__(self, detail: Any = None, *, retry_after_s: int = 5) -> None:
        super().__init__(detail)
        self.headers["Retry-After"] = str(max(1, int(retry_after_s)))
