"""Distress cases and their append-only timelines."""
