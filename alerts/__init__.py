"""Alerts in three wings: matching (candidates, SURPIC), lifecycle (alerts, answers, escalation,
SITREP and MAYDAY RELAY texts) and live (hub, /ws/ship, /ws/rcc); shared tables at the top."""
