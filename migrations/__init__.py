"""Alembic migrations of the sar-coord schema."""
