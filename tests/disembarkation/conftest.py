"""Shared fixtures from tests/audit: signing key, app with this issue's routers, client."""

from tests.audit.conftest import fclient, feature_app, log_signer

__all__ = ["fclient", "feature_app", "log_signer"]
