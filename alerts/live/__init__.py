"""Live channels: the per-process hub, /ws/ship and /ws/rcc, protocol and ship auth."""
