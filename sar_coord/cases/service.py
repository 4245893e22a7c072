"""Case service: create from every source, update, status machine, RCCs; each change a case_event.

Services only flush; the request or unit_of_work commits. Every event queues a transactional
NOTIFY on core.events.CASES ({"case_id", "event_id"}), delivered when the transaction commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit.service import append_entry
from sar_coord.cases import coordination, regions, repository
from sar_coord.cases.drift import Drift, estimate_drift
from sar_coord.cases.drift import predicted_datum as drift_predicted
from sar_coord.cases.exceptions import ActiveCaseExists, BadTransition, CaseNotFound
from sar_coord.cases.models import CaseEvent, DistressCase
from sar_coord.cases.schemas import (
    CaseCreate,
    CaseRead,
    CaseUpdate,
    CoordinationAction,
    OnSceneCoordinator,
    OscDesignation,
    PartnerReport,
    PredictedDatum,
    RccChange,
    StatusChange,
)
from sar_coord.core import events
from sar_coord.core.landmask import CELL_DEG, is_water
from sar_coord.core.time import utcnow

TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"alerting", "assisting", "rescued", "cancelled", "false_alarm"}),
    "alerting": frozenset({"assisting", "rescued", "cancelled", "false_alarm"}),
    "assisting": frozenset({"rescued", "cancelled", "false_alarm"}),
    "rescued": frozenset({"disembarked"}),
    "disembarked": frozenset({"closed"}),
    "closed": frozenset(),
    "cancelled": frozenset(),
    "false_alarm": frozenset(),
}
TERMINAL = frozenset({"closed", "cancelled", "false_alarm"})
"""A case in one of these has ended: its ships are stood down (by the alerts feature)."""
REQUIRED_FIELDS = frozenset({"datum_uncertainty_nm", "datum_at", "auto_widen"})
FACT_FIELDS = (
    "persons_on_board",
    "boat_type",
    "boat_colour",
    "engine_working",
    "people_in_water",
    "medical_emergencies",
    "children",
    "deceased",
    "departure_country",
    "departure_place",
    "drift_speed_kn",
    "drift_toward_deg",
    "wind_speed_kn",
    "wind_from_deg",
    "description",
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: a user (name and id) or a system component (id None)."""

    name: str
    user_id: int | None = None
    organisation: str | None = None


def new_reference(now: datetime) -> str:
    """A human-readable unique case reference, e.g. SAR-20261128-3FA9C1."""
    return f"SAR-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"


async def add_event(
    session: AsyncSession,
    case_id: int,
    actor: Actor,
    kind: str,
    data: dict[str, Any],
    *,
    at: datetime | None = None,
) -> CaseEvent:
    """Append a timeline entry (at `at`, UTC, default now) and queue the CASES NOTIFY (on commit).

    The one writer of case_event: other features (alerts) call it for their events too.
    """
    event = CaseEvent(
        case_id=case_id,
        at=at or utcnow(),
        actor=actor.name,
        actor_user_id=actor.user_id,
        kind=kind,
        data=_jsonable(data),
    )
    session.add(event)
    await session.flush()
    await events.notify(session, events.CASES, {"case_id": case_id, "event_id": event.id})
    return event


async def _derive_responsible_rcc(
    session: AsyncSession, case: DistressCase, lon: float, lat: float, actor: Actor
) -> None:
    """Set the responsible RCC from the SAR region covering the datum (or say there is none)."""
    region = await regions.region_at(session, lon=lon, lat=lat)
    name = region.rcc_name if region is not None else None
    if name == case.responsible_rcc and case.responsible_rcc_derived_at is not None:
        return
    # The responsible RCC follows the datum; who coordinates changes only by an acceptance or a
    # transfer (cases.coordination), never silently because the boat drifted.
    case.responsible_rcc = name
    case.responsible_rcc_derived_at = utcnow()
    case.responsible_rcc_accepted_at = (
        case.coordinating_since if name is not None and name == case.coordinating_rcc else None
    )
    await session.flush()
    data: dict[str, Any] = {
        "responsible_rcc": name,
        "coordinating_rcc": case.coordinating_rcc,
        "lat": lat,
        "lon": lon,
    }
    if region is None:
        data["note"] = "datum is outside every loaded SAR region"
    else:
        data["region"] = region.region_name
        data["contact"] = region.contact
    await add_event(session, case.id, actor, "responsible_rcc_derived", data)


REFERENCE_TRIES = 5


async def _store_with_fresh_reference(
    session: AsyncSession, case: DistressCase, now: datetime
) -> None:
    """Flush a new case; a reference drawn twice (24 random bits a day) is drawn again."""
    for attempt in range(REFERENCE_TRIES):
        try:
            async with session.begin_nested():
                session.add(case)
                await session.flush()
            return
        except IntegrityError as exc:
            if "reference" not in str(exc.orig) or attempt == REFERENCE_TRIES - 1:
                raise
            case.reference = new_reference(now)


async def insert_case(
    session: AsyncSession,
    *,
    source: str,
    lon: float,
    lat: float,
    fields: dict[str, Any],
    actor: Actor,
) -> DistressCase:
    """Insert an open case with its 'created' event and derive the responsible RCC."""
    now = utcnow()
    datum_at = fields.pop("datum_at", None) or now
    case = DistressCase(
        reference=new_reference(now),
        status="open",
        source=source,
        datum=repository.point(lon, lat),
        datum_at=datum_at,
        created_by_user_id=actor.user_id,
        created_at=now,
        updated_at=now,
        **fields,
    )
    if case.first_rcc and case.first_rcc_informed_at is None:
        case.first_rcc_informed_at = now
    await _store_with_fresh_reference(session, case, now)
    created = {k: v for k, v in fields.items() if v is not None}
    await add_event(
        session,
        case.id,
        actor,
        "created",
        {"source": source, "lat": lat, "lon": lon, "datum_at": datum_at.isoformat(), **created},
    )
    if case.first_rcc:
        assert case.first_rcc_informed_at is not None
        await _step(
            session, case, actor, "first_informed", case.first_rcc, case.first_rcc_informed_at
        )
        await add_event(
            session,
            case.id,
            actor,
            "first_rcc_informed",
            {"rcc": case.first_rcc, "at": case.first_rcc_informed_at},
        )
    await _derive_responsible_rcc(session, case, lon, lat, actor)
    return case


async def _step(
    session: AsyncSession,
    case: DistressCase,
    actor: Actor,
    kind: str,
    rcc: str,
    at: datetime,
    note: str | None = None,
) -> None:
    await coordination.append_step(
        session, case, kind=kind, rcc=rcc, at=at.astimezone(UTC), actor_name=actor.name,
        actor_user_id=actor.user_id, actor_organisation=actor.organisation, note=note,
    )  # fmt: skip


async def coordinate(
    session: AsyncSession, *, case_id: int, body: CoordinationAction, actor: Actor
) -> DistressCase:
    """Record a coordination step (request, accept, decline, transfer) and its timeline event."""
    case, _, _ = await get_case(session, case_id, for_update=True)
    kind = coordination.check_action(case, body)
    at = (body.at or utcnow()).astimezone(UTC)
    before = case.coordinating_rcc
    await _step(session, case, actor, kind, body.rcc, at, body.note)
    await add_event(
        session,
        case.id,
        actor,
        f"coordination_{kind}",
        {
            "rcc": body.rcc,
            "at": at,
            "coordinating_before": before,
            "coordinating_rcc": case.coordinating_rcc,
            "responsible_rcc": case.responsible_rcc,
            "note": body.note,
        },
    )
    return case


async def create_case(session: AsyncSession, *, body: CaseCreate, actor: Actor) -> DistressCase:
    """Open a case entered by an RCC (source rcc) or from a DSC distress alert (source dsc).

    A sender MMSI with an active case already is refused (409) with that case's id, so a
    repeated DSC alert does not open a second case.
    """
    fields = body.model_dump(exclude={"lat", "lon", "source"})
    if body.source_mmsi is not None:
        existing = await repository.active_case_for_mmsi(session, body.source_mmsi)
        if existing is not None:
            raise ActiveCaseExists({"case_id": existing.id, "reference": existing.reference})
    try:
        async with session.begin_nested():
            return await insert_case(
                session, source=body.source, lon=body.lon, lat=body.lat, fields=fields, actor=actor
            )
    except IntegrityError as exc:  # a concurrent entry for the same MMSI won the race
        raise ActiveCaseExists({"source_mmsi": body.source_mmsi}) from exc


async def report_from_partner(
    session: AsyncSession, *, body: PartnerReport, actor: Actor
) -> DistressCase:
    """Open a case from a partner's report (hotline, NGO, aircraft, passing ship)."""
    fields = body.model_dump(exclude={"lat", "lon"})
    return await insert_case(
        session, source="partner", lon=body.lon, lat=body.lat, fields=fields, actor=actor
    )


async def get_case(
    session: AsyncSession, case_id: int, *, for_update: bool = False
) -> tuple[DistressCase, float, float]:
    """(case, datum lon, datum lat) or CaseNotFound."""
    found = await repository.get_with_position(session, case_id, for_update=for_update)
    if found is None:
        raise CaseNotFound(case_id)
    return found


async def event_row(session: AsyncSession, event_id: int) -> Mapping[str, Any] | None:
    """One timeline event (id, case_id, at, actor, kind, data; `at` UTC) as a mapping, or None."""
    return await repository.event_row(session, event_id)


async def timeline(session: AsyncSession, case_id: int) -> list[CaseEvent]:
    """A case's events, oldest first."""
    return await repository.events(session, case_id)


async def count_events(session: AsyncSession, case_id: int, kind: str) -> int:
    """How many events of this kind the case's timeline holds."""
    return await repository.count_events(session, case_id, kind)


async def find_case(session: AsyncSession, case_id: int) -> DistressCase | None:
    """The case row, or None (from the session's identity map when already loaded)."""
    return await session.get(DistressCase, case_id)


async def get_departure_country(session: AsyncSession, case_id: int) -> str | None:
    """Where the case's boat left from (ISO 3166 alpha-2, None if unknown), or CaseNotFound."""
    found = await repository.departure_country(session, case_id)
    if found is None:
        raise CaseNotFound(f"no case {case_id}")
    return found[0]


async def update_case(
    session: AsyncSession, *, case_id: int, body: CaseUpdate, actor: Actor
) -> DistressCase:
    """Apply new facts or a new datum; records old and new values in one event."""
    case, lon, lat = await get_case(session, case_id, for_update=True)
    given = body.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name in (*FACT_FIELDS, "datum_uncertainty_nm", "datum_at", "auto_widen"):
        if name in REQUIRED_FIELDS and given.get(name) is None:
            continue  # these can change, never be erased
        if name in given and getattr(case, name) != given[name]:
            changes[name] = {"old": getattr(case, name), "new": given[name]}
            setattr(case, name, given[name])
    new_lon, new_lat = given.get("lon", lon), given.get("lat", lat)
    moved = (new_lon, new_lat) != (lon, lat) and None not in (new_lon, new_lat)
    if moved:
        case.datum = repository.point(new_lon, new_lat)
        changes["datum"] = {"old": [lon, lat], "new": [new_lon, new_lat]}
        if "datum_at" not in given:
            case.datum_at = utcnow()
    if not changes:
        return case
    case.updated_at = utcnow()
    await session.flush()
    await add_event(session, case.id, actor, "updated", _jsonable(changes))
    if moved:
        await _derive_responsible_rcc(session, case, new_lon, new_lat, actor)
    return case


async def change_status(
    session: AsyncSession, *, case_id: int, body: StatusChange, actor: Actor
) -> DistressCase:
    """Move a case along open -> alerting -> assisting -> rescued -> disembarked -> closed."""
    case, _, _ = await get_case(session, case_id, for_update=True)
    if body.status not in TRANSITIONS[case.status]:
        raise BadTransition(f"{case.status} -> {body.status} is not allowed")
    old = case.status
    now = utcnow()
    case.status = body.status
    case.updated_at = now
    if body.status in TERMINAL:
        case.closed_at = now
    await session.flush()
    await add_event(
        session, case.id, actor, "status", {"from": old, "to": body.status, "note": body.note}
    )
    if body.status in TERMINAL:
        await _log_closure(session, case, old=old, actor=actor, note=body.note, at=now)
    return case


async def _log_closure(
    session: AsyncSession,
    case: DistressCase,
    *,
    old: str,
    actor: Actor,
    note: str | None,
    at: datetime,
) -> None:
    """Append a case closure (closed, cancelled, false alarm) to the transparency log."""
    payload = {
        "case_reference": case.reference,
        "from": old,
        "to": case.status,
        "at": at.isoformat(),
        "actor": actor.name,
        # Free text may hold anything: the log keeps its hash, the timeline keeps the text.
        "note_sha256": hashlib.sha256(note.encode()).hexdigest() if note else None,
    }
    await append_entry(
        session,
        kind="case_closed",
        payload=payload,
        record_id=case.id,
        case_id=case.id,
        outcome=case.status,
    )


async def record_rcc(
    session: AsyncSession, *, case_id: int, body: RccChange, actor: Actor
) -> DistressCase:
    """Record the first RCC informed, or the responsible RCC accepting coordination, with times."""
    case, _, _ = await get_case(session, case_id, for_update=True)
    at = (body.at or utcnow()).astimezone(UTC)
    if body.role == "first":
        case.first_rcc, case.first_rcc_informed_at = body.rcc, at
        kind = "first_rcc_informed"
        await _step(session, case, actor, "first_informed", body.rcc, at)
    else:
        case.responsible_rcc, case.responsible_rcc_accepted_at = body.rcc, at
        kind = "responsible_rcc_accepted"
        if case.coordinating_rcc != body.rcc:
            await _step(session, case, actor, "accepted", body.rcc, at)
    case.updated_at = utcnow()
    await session.flush()
    await add_event(session, case.id, actor, kind, {"rcc": body.rcc, "at": at.isoformat()})
    return case


async def ended_cases(session: AsyncSession, case_ids: list[int]) -> dict[int, str]:
    """Case id -> status of those among `case_ids` that have ended (closed, cancelled, false alarm).

    The alerts feature asks this when a case changes (CASES notification) and in its sweep, to
    stand down the ships of an ended case; sar_coord never imports alerts (DESIGN.md rule 1).
    """
    found = await repository.statuses(session, case_ids)
    return {case_id: st for case_id, st in found.items() if st in TERMINAL}


async def designate_osc(
    session: AsyncSession, *, case_id: int, body: OscDesignation, actor: Actor
) -> DistressCase:
    """Designate a ship as on-scene coordinator; recorded in the timeline (the newest counts)."""
    case, _, _ = await get_case(session, case_id, for_update=True)
    await add_event(
        session,
        case.id,
        actor,
        "osc_designated",
        {"mmsi": body.mmsi, "name": body.name, "note": body.note, "by": actor.organisation},
    )
    return case


async def on_scene_coordinator(session: AsyncSession, case_id: int) -> OnSceneCoordinator | None:
    """The ship last designated on-scene coordinator, or None."""
    event = await repository.latest_event(session, case_id, "osc_designated")
    if event is None:
        return None
    return OnSceneCoordinator(
        mmsi=int(event.data["mmsi"]),
        name=event.data.get("name"),
        designated_by=event.actor,
        designated_at=event.at,
    )


def case_drift(case: DistressCase) -> Drift:
    """The case's drift: reported, else leeway from the wind, else none."""
    return estimate_drift(
        drift_speed_kn=case.drift_speed_kn,
        drift_toward_deg=case.drift_toward_deg,
        wind_speed_kn=case.wind_speed_kn,
        wind_from_deg=case.wind_from_deg,
        boat_type=case.boat_type,
    )


def predicted_datum(case: DistressCase, lon: float, lat: float, at: datetime) -> PredictedDatum:
    """The datum drifted to `at` (UTC): reported drift, else leeway from the wind, else none."""
    drift = case_drift(case)
    p_lon, p_lat = drift_predicted(lon, lat, case.datum_at, drift, at)
    return PredictedDatum(
        lat=p_lat,
        lon=p_lon,
        at=at,
        drift_speed_kn=drift.speed_kn,
        drift_toward_deg=drift.toward_deg,
        drift_source=drift.source,
    )


def to_read(case: DistressCase, lon: float, lat: float, *, now: datetime | None = None) -> CaseRead:
    """The API view of a case, with the datum predicted to `now` (default the clock)."""
    data = {
        name: getattr(case, name)
        for name in CaseRead.model_fields
        if name not in {"lat", "lon", "outside_all_regions", "predicted_datum", "warnings"}
    }
    return CaseRead(
        **data,
        lat=lat,
        lon=lon,
        outside_all_regions=case.responsible_rcc_derived_at is not None
        and case.responsible_rcc is None,
        predicted_datum=predicted_datum(case, lon, lat, now or utcnow()),
        warnings=datum_warnings(lon, lat),
    )


def datum_warnings(lon: float, lat: float) -> list[str]:
    """Warnings about a datum that is accepted (a report may be rough) but deserves a check."""
    if is_water(lon, lat):
        return []
    return [
        f"datum {lat:.4f}, {lon:.4f} (lat, lon) is on land by the land mask "
        f"(cells of {CELL_DEG * 60:g}'): check the position; lat/lon may be swapped"
    ]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def coordination_label(case: DistressCase, *, unknown: str = "NOT YET DETERMINED") -> str:
    """Coordinating RCC for a text, with the responsible RCC beside it when they differ."""
    return coordination.label(case, unknown=unknown)


def coordination_summary(case: DistressCase) -> dict[str, Any]:
    """Coordinating and responsible RCC as plain data (alerts, live events)."""
    return coordination.summary(case)
