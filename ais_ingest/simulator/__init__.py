"""AIS traffic simulator: scenario, fleet, geography, outputs (real NMEA)."""
