"""Place-of-safety errors."""

from __future__ import annotations

from sar_coord.core.errors import NotFound


class PortNotFound(NotFound):
    """No port with that UN/LOCODE in the gazetteer."""

    code = "port_not_found"
