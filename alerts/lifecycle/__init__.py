"""Alert lifecycle: issue, update, cancel, ship answers and escalation."""
