"""case_coordination: who coordinates a case, append-only; distress_case.coordinating_rcc

Revision ID: 0013_case_coordination
Revises: 0012_ingest_flags
Create Date: 2026-12-04

MSC.167(78) 6.7: the first RCC informed coordinates until the responsible RCC accepts. The
history (first informed, request, acceptance or refusal, transfer) is append-only: a trigger
refuses UPDATE and DELETE. Existing cases are backfilled from first_rcc and an accepted
responsible_rcc.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_case_coordination"
down_revision: str | Sequence[str] | None = "0012_ingest_flags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = (
    """
CREATE OR REPLACE FUNCTION case_coordination_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_coordination is append-only (% refused)', TG_OP;
END $$
""",
    """
CREATE TRIGGER case_coordination_append_only BEFORE UPDATE OR DELETE ON case_coordination
    FOR EACH ROW EXECUTE FUNCTION case_coordination_append_only()
""",
)

BACKFILL = (
    """
INSERT INTO case_coordination (case_id, at, kind, rcc, actor)
SELECT id, coalesce(first_rcc_informed_at, created_at), 'first_informed', first_rcc, 'migration'
  FROM distress_case WHERE first_rcc IS NOT NULL
""",
    """
INSERT INTO case_coordination (case_id, at, kind, rcc, from_rcc, actor)
SELECT id, responsible_rcc_accepted_at, 'accepted', responsible_rcc, first_rcc, 'migration'
  FROM distress_case WHERE responsible_rcc IS NOT NULL AND responsible_rcc_accepted_at IS NOT NULL
""",
    """
UPDATE distress_case
   SET coordinating_rcc = CASE WHEN responsible_rcc_accepted_at IS NOT NULL THEN responsible_rcc
                               ELSE first_rcc END,
       coordinating_since = CASE WHEN responsible_rcc_accepted_at IS NOT NULL
                                 THEN responsible_rcc_accepted_at
                                 ELSE coalesce(first_rcc_informed_at, created_at) END
 WHERE first_rcc IS NOT NULL OR responsible_rcc_accepted_at IS NOT NULL
""",
)


def upgrade() -> None:
    op.create_table(
        "case_coordination",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rcc", sa.String(length=120), nullable=False),
        sa.Column("from_rcc", sa.String(length=120), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_organisation", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('first_informed','requested','accepted','declined','transferred')",
            name=op.f("ck_case_coordination_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["app_user.id"],
            name=op.f("fk_case_coordination_actor_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["distress_case.id"],
            name=op.f("fk_case_coordination_case_id_distress_case"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_coordination")),
    )
    op.create_index(
        op.f("ix_case_coordination_case_id"), "case_coordination", ["case_id"], unique=False
    )
    op.add_column(
        "distress_case", sa.Column("coordinating_rcc", sa.String(length=120), nullable=True)
    )
    op.add_column(
        "distress_case",
        sa.Column("coordinating_since", sa.DateTime(timezone=True), nullable=True),
    )
    for statement in (*BACKFILL, *APPEND_ONLY):
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER case_coordination_append_only ON case_coordination")
    op.execute("DROP FUNCTION case_coordination_append_only()")
    op.drop_column("distress_case", "coordinating_since")
    op.drop_column("distress_case", "coordinating_rcc")
    op.drop_index(op.f("ix_case_coordination_case_id"), table_name="case_coordination")
    op.drop_table("case_coordination")
