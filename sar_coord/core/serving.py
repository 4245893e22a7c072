"""HTTP protocol for uvicorn that also times out connections that never send a request."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class IdleTimeoutHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol; a new connection idle for `timeout_keep_alive` is closed.

    uvicorn arms its keep-alive timer only after a response, so a connection that never sends
    a request would stay open forever; the first bytes cancel this timer as usual.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Accept the connection and arm the idle timer at once."""
        super().connection_made(transport)
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )
