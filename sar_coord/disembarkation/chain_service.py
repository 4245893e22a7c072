"""Rescue chains: record rescue and transfer steps (logged), judge each case's whole chain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit.service import append_entry
from sar_coord.cases.service import get_case
from sar_coord.core.time import utcnow
from sar_coord.disembarkation import chain
from sar_coord.disembarkation.config import get_disembarkation_settings
from sar_coord.disembarkation.models import ComplianceEvaluation, Disembarkation, RescueStep
from sar_coord.disembarkation.schemas import (
    ChainLandingRead,
    PersonCounts,
    RescueChainRead,
    RescueStepCreate,
    RescueStepRead,
    RuleResultRead,
)


def _read(s: RescueStep) -> RescueStepRead:
    return RescueStepRead(
        id=s.id,
        case_id=s.case_id,
        kind=s.kind,
        at=s.at,
        lat=s.lat,
        lon=s.lon,
        from_mmsi=s.from_mmsi,
        to_mmsi=s.to_mmsi,
        to_vessel_name=s.to_vessel_name,
        persons=PersonCounts(
            total=s.persons_total,
            minors=s.minors,
            unaccompanied_minors=s.unaccompanied_minors,
            women=s.women,
            medical_cases=s.medical_cases,
            deceased=s.deceased,
        ),
        recorded_at=s.recorded_at,
    )


async def record_step(
    session: AsyncSession,
    *,
    case_id: int,
    data: RescueStepCreate,
    recorded_by_user_id: int | None,
) -> RescueStepRead:
    """Store a rescue or transfer step of a case and append it to the transparency log."""
    await get_case(session, case_id)
    p = data.persons
    step = RescueStep(
        case_id=case_id,
        kind=data.kind,
        at=data.at,
        lat=data.lat,
        lon=data.lon,
        from_mmsi=data.from_mmsi,
        to_mmsi=data.to_mmsi,
        to_vessel_name=data.to_vessel_name,
        persons_total=p.total,
        minors=p.minors,
        unaccompanied_minors=p.unaccompanied_minors,
        women=p.women,
        medical_cases=p.medical_cases,
        deceased=p.deceased,
        recorded_by_user_id=recorded_by_user_id,
    )
    session.add(step)
    await session.flush()
    await session.refresh(step, ["recorded_at"])
    read = _read(step)
    read.log_index = await append_entry(
        session,
        kind="rescue_step",
        payload=read.model_dump(mode="json", exclude={"log_index"}),
        record_id=step.id,
        case_id=case_id,
        vessel_mmsis=[m for m in (data.from_mmsi, data.to_mmsi) if m is not None],
    )
    return read


async def get_chain(session: AsyncSession, case_id: int) -> RescueChainRead:
    """Return a case's chain: steps, landings (its disembarkations) and the judgement now."""
    steps = list(
        (
            await session.scalars(
                select(RescueStep)
                .where(RescueStep.case_id == case_id)
                .order_by(RescueStep.at, RescueStep.id)
            )
        ).all()
    )
    landings = list(
        (
            await session.scalars(
                select(Disembarkation)
                .where(Disembarkation.case_id == case_id)
                .order_by(Disembarkation.disembarked_at, Disembarkation.id)
            )
        ).all()
    )
    outcomes = dict(
        (
            await session.execute(
                select(ComplianceEvaluation.disembarkation_id, ComplianceEvaluation.outcome)
                .where(ComplianceEvaluation.disembarkation_id.in_([d.id for d in landings]))
                .order_by(ComplianceEvaluation.id)
            )
        ).all()
    )
    c_steps = [
        chain.Step(s.at, str(s.to_mmsi), s.persons_total, str(s.from_mmsi) if s.from_mmsi else None)
        for s in steps
    ]
    c_landings = [
        chain.Landing(d.disembarked_at, str(d.disembarking_mmsi), d.persons_total, d.port_locode)
        for d in landings
    ]
    result = chain.judge_chain(
        c_steps,
        c_landings,
        now=utcnow(),
        open_after_h=get_disembarkation_settings().open_chain_after_h,
    )
    return RescueChainRead(
        case_id=case_id,
        steps=[_read(s) for s in steps],
        landings=[
            ChainLandingRead(
                disembarkation_id=d.id,
                at=d.disembarked_at,
                mmsi=d.disembarking_mmsi,
                persons=d.persons_total,
                port_locode=d.port_locode,
                outcome=outcomes.get(d.id),
            )
            for d in landings
        ],
        on_board={v: n for v, n in sorted(chain.on_board(c_steps, c_landings).items()) if n},
        result=RuleResultRead.model_validate(result.as_dict()),
    )


async def list_flagged_chains(session: AsyncSession, *, limit: int = 200) -> list[RescueChainRead]:
    """Return the chains judged other than pass (e.g. "no landing recorded"), newest case first."""
    case_ids = list(
        (
            await session.scalars(
                select(RescueStep.case_id)
                .group_by(RescueStep.case_id)
                .order_by(RescueStep.case_id.desc())
            )
        ).all()
    )
    out: list[RescueChainRead] = []
    for case_id in case_ids:
        found = await get_chain(session, case_id)
        if found.result.outcome != "pass":
            out.append(found)
            if len(out) >= limit:
                break
    return out
