"""stand-down: alerts of an ended case become stood_down and their ships get a stand_down delivery

Revision ID: 0009_stand_down
Revises: 0008_designation_history
Create Date: 2026-12-04

Closing, cancelling or declaring a false alarm on a case stands down every live alert of the
case: the alert's status becomes `stood_down` (with `stood_down_at`) and every ship it reached
gets a sequenced `stand_down` delivery, so a ship offline at the time receives it on resume.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_stand_down"
down_revision: str | Sequence[str] | None = "0008_designation_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("alert", sa.Column("stood_down_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_constraint(op.f("ck_alert_status_known"), "alert", type_="check")
    op.create_check_constraint(
        op.f("ck_alert_status_known"), "alert", "status IN ('active','updated','cancelled','stood_down')"
    )
    op.drop_constraint(op.f("ck_ship_delivery_kind_known"), "ship_delivery", type_="check")
    op.create_check_constraint(
        op.f("ck_ship_delivery_kind_known"),
        "ship_delivery",
        "kind IN ('alert','update','cancel','stand_down')",
    )


def downgrade() -> None:
    op.execute("DELETE FROM ship_delivery WHERE kind = 'stand_down'")
    op.execute("UPDATE alert SET status = 'cancelled' WHERE status = 'stood_down'")
    op.drop_constraint(op.f("ck_ship_delivery_kind_known"), "ship_delivery", type_="check")
    op.create_check_constraint(
        op.f("ck_ship_delivery_kind_known"), "ship_delivery", "kind IN ('alert','update','cancel')"
    )
    op.drop_constraint(op.f("ck_alert_status_known"), "alert", type_="check")
    op.create_check_constraint(
        op.f("ck_alert_status_known"), "alert", "status IN ('active','updated','cancelled')"
    )
    op.drop_column("alert", "stood_down_at")
