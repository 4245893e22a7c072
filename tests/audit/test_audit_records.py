"""Record tables against the log: a disembarkation or designation changed behind the triggers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit.records import check_records
from sar_coord.cases.models import DistressCase
from sar_coord.disembarkation.schemas import DisembarkationCreate
from sar_coord.disembarkation.service import record_disembarkation

T0 = datetime(2026, 10, 1, 6, 0, tzinfo=UTC)


async def _record(session: AsyncSession) -> int:
    case = DistressCase(
        reference="T-records",
        status="open",
        source="rcc",
        datum="SRID=4326;POINT(13 34)",
        datum_at=T0,
        datum_uncertainty_nm=1.0,
    )
    session.add(case)
    await session.flush()
    rec = await record_disembarkation(
        session,
        data=DisembarkationCreate.model_validate(
            {
                "case_id": case.id,
                "rescuing_mmsi": 247000001,
                "rescued_at": T0.isoformat(),
                "persons_rescued": 30,
                "port_locode": "MTMAR",
                "disembarked_at": (T0 + timedelta(hours=12)).isoformat(),
                "persons": {"total": 30, "minors": 4},
            }
        ),
        recorded_by_user_id=None,
    )
    return rec.id


async def _bypass(session: AsyncSession, sql: str, **params: object) -> None:
    await session.execute(text("SET LOCAL session_replication_role = replica"))
    await session.execute(text(sql), params)
    await session.execute(text("SET LOCAL session_replication_role = origin"))


async def test_records_match_then_tampering_is_found(session: AsyncSession, log_signer) -> None:
    rec_id = await _record(session)
    assert await check_records(session) == []

    await _bypass(session, "UPDATE disembarkation SET persons_total = 29 WHERE id = :i", i=rec_id)
    await _bypass(
        session,
        "UPDATE compliance_evaluation SET outcome = 'pass', results = '[]'::jsonb"
        " WHERE disembarkation_id = :i",
        i=rec_id,
    )
    await _bypass(session, "UPDATE place_designation SET status = 'designated' WHERE id = 1")
    session.expire_all()
    problems = await check_records(session)
    assert any(f"disembarkation #{rec_id}: stored persons" in p for p in problems), problems
    assert any("compliance evaluation" in p and "results" in p for p in problems), problems
    assert any("designation #1: stored status 'designated'" in p for p in problems), problems
