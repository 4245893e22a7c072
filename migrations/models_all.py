"""Imports every models module so Base.metadata knows all tables (alembic and tests use it)."""

import alerts.models  # noqa: F401
import sar_coord.auth.models
import sar_coord.cases.models
import sar_coord.vessels.models  # noqa: F401
import sar_coord.places.models  # noqa: F401
import sar_coord.disembarkation.models  # noqa: F401
import sar_coord.audit.models  # noqa: F401
