"""Live channels: the per-process hub, /ws/ship (with its HTTPS routes) and /ws/rcc, protocol, ship
auth, the ship client, GC policy and the broadcast benchmark."""
