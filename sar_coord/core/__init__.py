"""Shared kit: settings, database, errors, events, geo and time. Imports no feature."""
