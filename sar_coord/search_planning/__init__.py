"""Search planning (IAMSAR Vol. II): area from the drift datum, patterns, sub-areas, files."""
