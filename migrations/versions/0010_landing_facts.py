"""landing facts: protection asked, access to an asylum procedure, medical screening

Revision ID: 0010_landing_facts
Revises: 0009_stand_down
Create Date: 2026-12-04

The compliance rules need to know, per landing, whether people were asked if they sought
protection (asked / not_asked / could_not_ask / unknown), whether they had access to an asylum
procedure and were medically screened (yes / no / unknown). Records made before stay NULL, so
their logged form is unchanged; new records always say something, "unknown" included.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_landing_facts"
down_revision: str | Sequence[str] | None = "0009_stand_down"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("protection_asked", 16, "('asked','not_asked','could_not_ask','unknown')"),
    ("asylum_procedure_access", 8, "('yes','no','unknown')"),
    ("medical_screening", 8, "('yes','no','unknown')"),
)


def upgrade() -> None:
    for name, length, values in COLUMNS:
        op.add_column("disembarkation", sa.Column(name, sa.String(length), nullable=True))
        op.create_check_constraint(
            op.f(f"ck_disembarkation_{name}_known"),
            "disembarkation",
            f"{name} IS NULL OR {name} IN {values}",
        )


def downgrade() -> None:
    for name, _, _ in reversed(COLUMNS):
        op.drop_constraint(
            op.f(f"ck_disembarkation_{name}_known"), "disembarkation", type_="check"
        )
        op.drop_column("disembarkation", name)
