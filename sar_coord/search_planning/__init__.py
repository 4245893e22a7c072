"""Search planning (IAMSAR Vol. II): search area from the drift datum, patterns, sub-areas, files."""
