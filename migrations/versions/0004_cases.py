"""cases: SAR regions, wind for leeway, one active case per beacon MMSI

Revision ID: 0004_cases
Revises: 0001_foundation
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0004_cases"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "source_mmsi IS NOT NULL AND status IN ('open','alerting','assisting')"


def upgrade() -> None:
    op.add_column("distress_case", sa.Column("wind_speed_kn", sa.Float(), nullable=True))
    op.add_column("distress_case", sa.Column("wind_from_deg", sa.Float(), nullable=True))
    op.add_column(
        "distress_case",
        sa.Column("responsible_rcc_derived_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "uq_distress_case_active_source_mmsi",
        "distress_case",
        ["source_mmsi"],
        unique=True,
        postgresql_where=sa.text(ACTIVE),
    )
    op.create_geospatial_table(
        "sar_region",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("rcc_name", sa.String(length=120), nullable=False),
        sa.Column("region_name", sa.String(length=120), nullable=False),
        sa.Column("contact", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "area",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sar_region")),
        sa.UniqueConstraint("rcc_name", name=op.f("uq_sar_region_rcc_name")),
    )
    op.create_geospatial_index(
        "idx_sar_region_area",
        "sar_region",
        ["area"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )


def downgrade() -> None:
    op.drop_geospatial_index(
        "idx_sar_region_area",
        table_name="sar_region",
        postgresql_using="gist",
        column_name="area",
    )
    op.drop_geospatial_table("sar_region")
    op.drop_index("uq_distress_case_active_source_mmsi", table_name="distress_case")
    op.drop_column("distress_case", "responsible_rcc_derived_at")
    op.drop_column("distress_case", "wind_from_deg")
    op.drop_column("distress_case", "wind_speed_kn")
