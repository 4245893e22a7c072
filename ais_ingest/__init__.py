"""AIS ingest pipeline: sources, framing, decoding, track state, persistence."""
