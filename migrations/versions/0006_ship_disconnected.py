"""ship_cursor.disconnected_at: a ship that closed its last socket is no longer "connected"

Revision ID: 0006_ship_disconnected
Revises: 0005_merge
Create Date: 2026-11-28

Presence used to be only `last_seen_at` within ALERTS_PRESENCE_TTL_S (90 s), so a ship that had
just disconnected was still recorded as reachable for up to 90 s. The hub now records when a
process's last socket of a ship closes; a later `last_seen_at` (a socket on any process) wins.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_ship_disconnected"
down_revision: str | Sequence[str] | None = "0005_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "ship_cursor", sa.Column("disconnected_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("ship_cursor", "disconnected_at")
