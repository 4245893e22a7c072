"""search_plan: IAMSAR search plans of a case, numbered per case (inputs and results as JSON)

Revision ID: 0007_search_plan
Revises: 0006_ship_disconnected
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_search_plan"
down_revision: str | Sequence[str] | None = "0006_ship_disconnected"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_plan",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("plan_no", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("plan", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["distress_case.id"], name=op.f("fk_search_plan_case_id_distress_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_plan")),
        sa.UniqueConstraint("case_id", "plan_no", name=op.f("uq_search_plan_case_id")),
    )
    op.create_index(op.f("ix_search_plan_case_id"), "search_plan", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_search_plan_case_id"), table_name="search_plan")
    op.drop_table("search_plan")
