"""Alerts: matching, broadcast hub and websocket channels."""
