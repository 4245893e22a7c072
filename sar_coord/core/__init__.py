"""Shared kit and vocabulary: settings, database, errors, events, time, geo, AIS terms, seafarers'
notation. Imports no feature."""
