"""Record disembarkations, evaluate them against the registry as it stood, log both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit.service import append_entry, leaf_indices
from sar_coord.cases.service import get_departure_country
from sar_coord.disembarkation import rules
from sar_coord.disembarkation.config import get_disembarkation_settings
from sar_coord.disembarkation.exceptions import DisembarkationNotFound
from sar_coord.disembarkation.models import (
    ComplianceEvaluation,
    Disembarkation,
    DisembarkationTransfer,
)
from sar_coord.disembarkation.schemas import (
    AssignmentIn,
    DisembarkationCreate,
    DisembarkationRead,
    EvaluationRead,
    PersonCounts,
    RuleResultRead,
    TransferIn,
    TransferRead,
)
from sar_coord.places.schemas import PortRead
from sar_coord.places.service import get_port, registry_snapshot


def facts_of(
    d: Disembarkation, transfers: list[DisembarkationTransfer]
) -> rules.DisembarkationFacts:
    """Build the rules' input from stored rows (vessel ids are MMSIs as text)."""
    names: dict[str, str] = {}
    for mmsi, name in [
        (d.rescuing_mmsi, d.rescuing_vessel_name),
        (d.disembarking_mmsi, d.disembarking_vessel_name),
        *[(t.from_mmsi, t.from_vessel_name) for t in transfers],
        *[(t.to_mmsi, t.to_vessel_name) for t in transfers],
    ]:
        if name:
            names.setdefault(str(mmsi), f"{name} ({mmsi})")
    assignment = None
    if d.assignment_by and d.assignment_at and d.assignment_reference:
        assignment = rules.Assignment(d.assignment_by, d.assignment_at, d.assignment_reference)
    return rules.DisembarkationFacts(
        rescuing_vessel=str(d.rescuing_mmsi),
        persons_rescued=d.persons_rescued,
        rescued_at=d.rescued_at,
        disembarking_vessel=str(d.disembarking_mmsi),
        port_locode=d.port_locode,
        port_country=d.port_country,
        disembarked_at=d.disembarked_at,
        persons_disembarked=d.persons_total,
        persons_seeking_asylum=d.persons_seeking_asylum,
        departure_country=d.departure_country,
        assignment=assignment,
        transfers=tuple(
            rules.Transfer(str(t.from_mmsi), str(t.to_mmsi), t.persons, t.transferred_at)
            for t in transfers
        ),
        vessel_names=names,
        protection_asked=d.protection_asked or "unknown",
        asylum_procedure_access=d.asylum_procedure_access or "unknown",
        medical_screening=d.medical_screening or "unknown",
        medical_cases=d.medical_cases,
    )


def _chain_mmsis(d: Disembarkation, transfers: list[DisembarkationTransfer]) -> list[int]:
    found = {d.rescuing_mmsi, d.disembarking_mmsi}
    for t in transfers:
        found |= {t.from_mmsi, t.to_mmsi}
    return sorted(found)


async def record_disembarkation(
    session: AsyncSession, *, data: DisembarkationCreate, recorded_by_user_id: int | None
) -> DisembarkationRead:
    """Store the record, evaluate compliance, and append both to the transparency log."""
    case_departure_country = await get_departure_country(session, data.case_id)
    port = await get_port(session, data.port_locode)
    d = await _store_disembarkation(
        session,
        data=data,
        port=port,
        case_departure_country=case_departure_country,
        recorded_by_user_id=recorded_by_user_id,
    )
    transfers = await _store_transfers(session, d, data.transfers)
    await session.refresh(d, ["recorded_at"])
    evaluation, ev = await _evaluate(session, d, transfers, as_known="then", requested_by=None)
    read = to_read(d, transfers, [evaluation])
    await _log_record_and_evaluation(session, d, transfers, read, outcome=ev.outcome.value)
    return read


async def _store_disembarkation(
    session: AsyncSession,
    *,
    data: DisembarkationCreate,
    port: PortRead,
    case_departure_country: str | None,
    recorded_by_user_id: int | None,
) -> Disembarkation:
    """Insert the disembarkation row (the disembarking vessel defaults to the rescuing one)."""
    a = data.assignment
    d = Disembarkation(
        case_id=data.case_id,
        rescuing_mmsi=data.rescuing_mmsi,
        rescuing_vessel_name=data.rescuing_vessel_name,
        rescued_at=data.rescued_at,
        persons_rescued=data.persons_rescued,
        disembarking_mmsi=data.disembarking_mmsi or data.rescuing_mmsi,
        disembarking_vessel_name=(
            data.disembarking_vessel_name
            if data.disembarking_mmsi
            else data.disembarking_vessel_name or data.rescuing_vessel_name
        ),
        port_locode=port.locode,
        port_country=port.country,
        disembarked_at=data.disembarked_at,
        persons_total=data.persons.total,
        minors=data.persons.minors,
        unaccompanied_minors=data.persons.unaccompanied_minors,
        women=data.persons.women,
        medical_cases=data.persons.medical_cases,
        deceased=data.persons.deceased,
        persons_seeking_asylum=data.persons_seeking_asylum,
        # The case report may know where the boat left from when the RCC form does not.
        departure_country=data.departure_country or case_departure_country,
        assignment_by=a.assigned_by if a else None,
        assignment_at=a.assigned_at if a else None,
        assignment_reference=a.reference if a else None,
        protection_asked=data.protection_asked,
        asylum_procedure_access=data.asylum_procedure_access,
        medical_screening=data.medical_screening,
        notes=data.notes,
        recorded_by_user_id=recorded_by_user_id,
    )
    session.add(d)
    await session.flush()
    return d


async def _store_transfers(
    session: AsyncSession, d: Disembarkation, given: list[TransferIn]
) -> list[DisembarkationTransfer]:
    """Insert the ship-to-ship transfers of this disembarkation, numbered in the given order."""
    transfers = [
        DisembarkationTransfer(
            disembarkation_id=d.id,
            seq=i,
            from_mmsi=t.from_mmsi,
            from_vessel_name=t.from_vessel_name,
            to_mmsi=t.to_mmsi,
            to_vessel_name=t.to_vessel_name,
            persons=t.persons,
            transferred_at=t.transferred_at,
        )
        for i, t in enumerate(given)
    ]
    session.add_all(transfers)
    await session.flush()
    return transfers


async def _log_record_and_evaluation(
    session: AsyncSession,
    d: Disembarkation,
    transfers: list[DisembarkationTransfer],
    read: DisembarkationRead,
    *,
    outcome: str,
) -> None:
    """Append the record, then its evaluation (pointing at the record's leaf), to the log."""
    mmsis = _chain_mmsis(d, transfers)
    read.log_index = await append_entry(
        session,
        kind="disembarkation",
        payload=read.log_payload(),
        record_id=d.id,
        case_id=d.case_id,
        vessel_mmsis=mmsis,
        port_locode=d.port_locode,
    )
    read.evaluations[0].log_index = await _log_evaluation(
        session, d, read.evaluations[0], read.log_index, mmsis, outcome
    )


async def _evaluate(
    session: AsyncSession,
    d: Disembarkation,
    transfers: list[DisembarkationTransfer],
    *,
    as_known: str,
    requested_by: str | None,
) -> tuple[ComplianceEvaluation, rules.Evaluation]:
    """Judge the landing with the designations in force on its day; store the evaluation.

    as_known "then": only sources public by the landing (the law as it could be known that
    day); "now": every source recorded since, including later findings about that day.
    """
    snapshot = await registry_snapshot(
        session, at=d.disembarked_at, known_at=d.disembarked_at if as_known == "then" else None
    )
    ev = rules.evaluate(
        facts_of(d, transfers),
        snapshot,
        max_on_board_h=get_disembarkation_settings().max_on_board_h,
    )
    evaluation = ComplianceEvaluation(
        disembarkation_id=d.id,
        ruleset_version=ev.ruleset_version,
        registry_hash=ev.registry_hash,
        outcome=ev.outcome.value,
        results=[r.as_dict() for r in ev.results],
        as_known=ev.as_known,
        designations=list(ev.designations),
        requested_by=requested_by,
    )
    session.add(evaluation)
    await session.flush()
    await session.refresh(evaluation, ["evaluated_at"])
    return evaluation, ev


async def _log_evaluation(
    session: AsyncSession,
    d: Disembarkation,
    read: EvaluationRead,
    disembarkation_leaf: int | None,
    mmsis: list[int],
    outcome: str,
) -> int:
    return await append_entry(
        session,
        kind="compliance_evaluation",
        payload=read.model_dump(mode="json", exclude={"log_index"})
        | {"disembarkation_id": d.id, "disembarkation_leaf": disembarkation_leaf},
        record_id=read.id,
        case_id=d.case_id,
        vessel_mmsis=mmsis,
        port_locode=d.port_locode,
        outcome=outcome,
    )


async def reevaluate(
    session: AsyncSession, *, disembarkation_id: int, as_known: str, requested_by: str
) -> EvaluationRead:
    """Re-judge a recorded landing "as known then" or "as known now"; store and log the result."""
    d = await session.get(Disembarkation, disembarkation_id)
    if d is None:
        raise DisembarkationNotFound(f"no disembarkation {disembarkation_id}")
    transfers = list(
        (
            await session.scalars(
                select(DisembarkationTransfer).where(
                    DisembarkationTransfer.disembarkation_id == d.id
                )
            )
        ).all()
    )
    evaluation, ev = await _evaluate(
        session, d, transfers, as_known=as_known, requested_by=requested_by
    )
    read = _evaluation_read(evaluation)
    leaves = await leaf_indices(session, {"disembarkation": [d.id]})
    read.log_index = await _log_evaluation(
        session,
        d,
        read,
        leaves.get(("disembarkation", d.id)),
        _chain_mmsis(d, transfers),
        ev.outcome.value,
    )
    return read


def _evaluation_read(e: ComplianceEvaluation) -> EvaluationRead:
    return EvaluationRead(
        id=e.id,
        ruleset_version=e.ruleset_version,
        registry_hash=e.registry_hash,
        outcome=e.outcome,
        results=[RuleResultRead.model_validate(r) for r in e.results],
        evaluated_at=e.evaluated_at,
        as_known=e.as_known,
        designations=e.designations,
        requested_by=e.requested_by,
    )


def to_read(
    d: Disembarkation,
    transfers: list[DisembarkationTransfer],
    evaluations: list[ComplianceEvaluation],
) -> DisembarkationRead:
    """Assemble the API view of a stored disembarkation."""
    return DisembarkationRead(
        id=d.id,
        case_id=d.case_id,
        rescuing_mmsi=d.rescuing_mmsi,
        rescuing_vessel_name=d.rescuing_vessel_name,
        rescued_at=d.rescued_at,
        persons_rescued=d.persons_rescued,
        disembarking_mmsi=d.disembarking_mmsi,
        disembarking_vessel_name=d.disembarking_vessel_name,
        port_locode=d.port_locode,
        port_country=d.port_country,
        disembarked_at=d.disembarked_at,
        persons=PersonCounts(
            total=d.persons_total,
            minors=d.minors,
            unaccompanied_minors=d.unaccompanied_minors,
            women=d.women,
            medical_cases=d.medical_cases,
            deceased=d.deceased,
        ),
        persons_seeking_asylum=d.persons_seeking_asylum,
        departure_country=d.departure_country,
        assignment=(
            AssignmentIn(
                assigned_by=d.assignment_by,
                assigned_at=d.assignment_at,
                reference=d.assignment_reference,
            )
            if d.assignment_by and d.assignment_at and d.assignment_reference
            else None
        ),
        protection_asked=d.protection_asked,
        asylum_procedure_access=d.asylum_procedure_access,
        medical_screening=d.medical_screening,
        notes=d.notes,
        recorded_at=d.recorded_at,
        transfers=[
            TransferRead(
                seq=t.seq,
                from_mmsi=t.from_mmsi,
                from_vessel_name=t.from_vessel_name,
                to_mmsi=t.to_mmsi,
                to_vessel_name=t.to_vessel_name,
                persons=t.persons,
                transferred_at=t.transferred_at,
            )
            for t in sorted(transfers, key=lambda t: t.seq)
        ],
        evaluations=[_evaluation_read(e) for e in evaluations],
    )


async def list_disembarkations(
    session: AsyncSession, *, case_id: int | None = None, limit: int = 100, offset: int = 0
) -> list[DisembarkationRead]:
    """Return disembarkations (newest first) with transfers, evaluations and log indices."""
    stmt = select(Disembarkation).order_by(Disembarkation.id.desc()).limit(limit).offset(offset)
    if case_id is not None:
        stmt = stmt.where(Disembarkation.case_id == case_id)
    rows = list((await session.scalars(stmt)).all())
    if not rows:
        return []
    ids = [r.id for r in rows]
    transfers = list(
        (
            await session.scalars(
                select(DisembarkationTransfer).where(
                    DisembarkationTransfer.disembarkation_id.in_(ids)
                )
            )
        ).all()
    )
    evals = list(
        (
            await session.scalars(
                select(ComplianceEvaluation)
                .where(ComplianceEvaluation.disembarkation_id.in_(ids))
                .order_by(ComplianceEvaluation.id)
            )
        ).all()
    )
    logged = await leaf_indices(
        session, {"disembarkation": ids, "compliance_evaluation": [e.id for e in evals]}
    )
    out = []
    for r in rows:
        read = to_read(
            r,
            [t for t in transfers if t.disembarkation_id == r.id],
            [e for e in evals if e.disembarkation_id == r.id],
        )
        read.log_index = logged.get(("disembarkation", r.id))
        for e in read.evaluations:
            e.log_index = logged.get(("compliance_evaluation", e.id))
        out.append(read)
    return out


async def get_disembarkation(session: AsyncSession, disembarkation_id: int) -> DisembarkationRead:
    """Return one disembarkation or raise DisembarkationNotFound."""
    d = await session.get(Disembarkation, disembarkation_id)
    if d is None:
        raise DisembarkationNotFound(f"no disembarkation {disembarkation_id}")
    found = await list_disembarkations(session, case_id=d.case_id, limit=1000)
    return next(r for r in found if r.id == disembarkation_id)


async def logged_records(
    session: AsyncSession, batch: int = 1000
) -> AsyncIterator[tuple[str, int, dict[str, Any]]]:
    """Every disembarkation, then its evaluations, as (log kind, id, payload as stored now)."""
    offset = 0
    while True:
        page = await list_disembarkations(session, limit=batch, offset=offset)
        for rec in page:
            yield "disembarkation", rec.id, rec.log_payload()
            for ev in rec.evaluations:
                yield (
                    "compliance_evaluation",
                    ev.id,
                    ev.model_dump(mode="json", exclude={"log_index"}),
                )
        if len(page) < batch:
            break
        offset += batch


async def case_documents(session: AsyncSession, case_id: int) -> list[dict[str, Any]]:
    """The case's disembarkations (newest first, at most 1000) as JSON documents."""
    found = await list_disembarkations(session, case_id=case_id, limit=1000)
    return [d.model_dump(mode="json") for d in found]
