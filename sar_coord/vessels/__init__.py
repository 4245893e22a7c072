"""Vessel registry, static data, latest positions and position history."""
