"""Checks that tie the dashboard's sources to the back end (generated types, protocol schema)."""
