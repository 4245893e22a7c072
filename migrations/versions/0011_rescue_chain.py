"""rescue chain: rescue and transfer steps per case (counts by category only), append-only

Revision ID: 0011_rescue_chain
Revises: 0010_landing_facts
Create Date: 2026-12-04

A rescue operation is rescue -> transfers -> landings across vessels. Each rescue and transfer
is a row (time, position, vessels, counts by category; no personal data) and a log entry; the
landings are the disembarkation records of the case. Chains with people still on board after
SAR_DISEMBARKATION_OPEN_CHAIN_AFTER_H (72 h) are flagged "no landing recorded".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_rescue_chain"
down_revision: str | Sequence[str] | None = "0010_landing_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rescue_step",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("from_mmsi", sa.BigInteger(), nullable=True),
        sa.Column("to_mmsi", sa.BigInteger(), nullable=False),
        sa.Column("to_vessel_name", sa.String(length=120), nullable=True),
        sa.Column("persons_total", sa.Integer(), nullable=False),
        sa.Column("minors", sa.Integer(), nullable=False),
        sa.Column("unaccompanied_minors", sa.Integer(), nullable=False),
        sa.Column("women", sa.Integer(), nullable=False),
        sa.Column("medical_cases", sa.Integer(), nullable=False),
        sa.Column("deceased", sa.Integer(), nullable=False),
        sa.Column("recorded_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("kind IN ('rescue','transfer')", name=op.f("ck_rescue_step_kind_known")),
        sa.CheckConstraint(
            "(kind = 'rescue') = (from_mmsi IS NULL)",
            name=op.f("ck_rescue_step_transfer_has_from_vessel"),
        ),
        sa.CheckConstraint(
            "persons_total > 0 AND minors >= 0 AND unaccompanied_minors >= 0 AND women >= 0"
            " AND medical_cases >= 0 AND deceased >= 0",
            name=op.f("ck_rescue_step_counts_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["distress_case.id"],
            name=op.f("fk_rescue_step_case_id_distress_case"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_rescue_step_recorded_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rescue_step")),
    )
    op.create_index(op.f("ix_rescue_step_case_id"), "rescue_step", ["case_id"], unique=False)
    op.execute(
        "CREATE TRIGGER rescue_step_append_only BEFORE UPDATE OR DELETE OR TRUNCATE"
        " ON rescue_step FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS rescue_step_append_only ON rescue_step")
    op.drop_index(op.f("ix_rescue_step_case_id"), table_name="rescue_step")
    op.drop_table("rescue_step")
