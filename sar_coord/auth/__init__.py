"""Users, organisations, roles, password login and API tokens."""
