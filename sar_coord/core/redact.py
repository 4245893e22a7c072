"""Log hygiene: query strings are redacted from server log lines (they may carry secrets)."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def redact_query(text: str) -> str:
    """`text` with every URL query string replaced by `?[redacted]`."""
    return _QUERY.sub(r"\1?[redacted]", text)


class RedactQueryStrings(logging.Filter):
    """Rewrites a record's message arguments so no query string reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place; never drops a record."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_query(a) if isinstance(a, str) and "?" in a else a for a in record.args
            )
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = redact_query(record.msg)
        return True


REDACTOR = RedactQueryStrings()
SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error", "websockets.server")


def install_redaction() -> None:
    """Attach the redactor to the server loggers (idempotent)."""
    for name in SERVER_LOGGERS:
        logging.getLogger(name).addFilter(REDACTOR)
