"""Ingest flags: a flagged position is stored with its reason; vessel_latest shows the flag.

Revision ID: 0012_ingest_flags
Revises: 0011_rescue_chain
Create Date: 2026-12-04

vessel_position.flag: why a report was flagged (`implausible_jump`: its own timestamps prove the
jump impossible; `unverified_jump`: a jump that no timestamp can judge). vessel_latest keeps the
last plausible position with `position_flag` set to the newest report's flag (only
`implausible_jump` also sets `suspect`, which leaves matching), and `identity_unique` false for
MMSIs outside ITU-R M.585 (0, 60, 111111111, ...) that several transmitters may share.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_ingest_flags"
down_revision: str | Sequence[str] | None = "0011_rescue_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("vessel_position", sa.Column("flag", sa.String(32), nullable=True))
    op.add_column("vessel_latest", sa.Column("position_flag", sa.String(32), nullable=True))
    op.add_column(
        "vessel_latest",
        sa.Column(
            "identity_unique", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("vessel_latest", "identity_unique")
    op.drop_column("vessel_latest", "position_flag")
    op.drop_column("vessel_position", "flag")
