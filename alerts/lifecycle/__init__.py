"""Alert lifecycle: issue, update, cancel, ship answers, escalation, and the operator texts of a
case (SITREP, MAYDAY RELAY) with the RCC-side routes."""
