"""merge the feature branches; day partitions created safely by concurrent writers

Revision ID: 0005_merge
Revises: 0002_alerts, 0003_audit, 0004_cases
Create Date: 2026-11-28

Two ingest writers can ask for the same new day partition at once: the second CREATE then
fails with duplicate_table and its rows went to the default partition. The function now treats
that as success.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_merge"
down_revision: str | Sequence[str] | None = ("0002_alerts", "0003_audit", "0004_cases")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTITION_FUNCTION = r"""
CREATE OR REPLACE FUNCTION ensure_vessel_position_partition(day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    part text := 'vessel_position_p' || to_char(day, 'YYYYMMDD');
BEGIN
    IF to_regclass(part) IS NULL THEN
        BEGIN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF vessel_position FOR VALUES FROM (%L) TO (%L)',
                part,
                (day::timestamp AT TIME ZONE 'UTC'),
                ((day + 1)::timestamp AT TIME ZONE 'UTC')
            );
        EXCEPTION WHEN duplicate_table THEN
            NULL;  -- another writer created it first
        END;
    END IF;
    RETURN part;
END;
$$;
"""


def upgrade() -> None:
    op.execute(PARTITION_FUNCTION)


def downgrade() -> None:
    pass  # the 0001 version differs only in racing; keeping this one is harmless
