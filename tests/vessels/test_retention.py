"""Day partitions of the position history: created ahead, dropped past the retention."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from sar_coord.vessels.retention import maintain_partitions


async def _partitions(session) -> set[str]:
    rows = await session.scalars(
        text("SELECT relname FROM pg_class WHERE relname ~ '^vessel_position_p[0-9]{8}$'")
    )
    return set(rows.all())


async def test_old_partitions_dropped_new_ones_created(session) -> None:
    await session.execute(text("SELECT ensure_vessel_position_partition('2020-01-01')"))
    await session.execute(text("SELECT ensure_vessel_position_partition('2020-03-30')"))
    dropped = await maintain_partitions(session, retention_days=10, today=date(2020, 4, 5))
    assert "vessel_position_p20200101" in dropped
    assert "vessel_position_p20200330" not in dropped
    names = await _partitions(session)
    assert "vessel_position_p20200101" not in names
    assert {
        "vessel_position_p20200330",
        "vessel_position_p20200405",
        "vessel_position_p20200406",
    } <= names
