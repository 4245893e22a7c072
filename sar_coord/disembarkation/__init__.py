"""Disembarkation records and non-refoulement compliance rules."""
