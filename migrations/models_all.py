"""Imports every models module so Base.metadata knows all tables (alembic and tests use it)."""

# ruff: noqa: F401
import alerts.models
import sar_coord.audit.models
import sar_coord.auth.models
import sar_coord.cases.models
import sar_coord.disembarkation.models
import sar_coord.places.models
import sar_coord.search_planning.models
import sar_coord.vessels.models
