"""Tamper-evident transparency log (RFC 9162 Merkle tree, signed checkpoints)."""
