"""Matching: candidate search, water routes, scoring and SURPIC for a distress case."""
