"""Matching: candidate search, water routes, scoring and SURPIC (JSON, GeoJSON, CSV, text) for a
distress case, with its routes and benchmark."""
