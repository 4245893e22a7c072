"""Check that stored designations, disembarkations and evaluations still match their log entries."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit.models import TransparencyLogEntry
from sar_coord.disembarkation.service import list_disembarkations
from sar_coord.places.service import list_designations, to_rule_designation

CHECKED_KINDS = ("designation", "disembarkation", "compliance_evaluation")


def _diff(what: str, stored: dict[str, Any], logged: dict[str, Any]) -> list[str]:
    keys = sorted(k for k in stored if stored[k] != logged.get(k))
    return [
        f"{what}: stored {k} {stored[k]!r} differs from the logged {logged.get(k)!r}" for k in keys
    ]


async def check_records(session: AsyncSession, *, batch: int = 1000) -> list[str]:
    """Return mismatches between record tables and the transparency log (empty: all match).

    The log is the signed source of truth; this finds rows changed behind the append-only
    triggers (by a superuser) and records that were never logged.
    """
    logged: dict[tuple[str, int], dict[str, Any]] = {}
    rows = await session.execute(
        select(
            TransparencyLogEntry.kind, TransparencyLogEntry.record_id, TransparencyLogEntry.entry
        ).where(TransparencyLogEntry.kind.in_(CHECKED_KINDS))
    )
    for kind, record_id, raw in rows.all():
        if record_id is not None:
            logged[(kind, int(record_id))] = json.loads(bytes(raw))["payload"]

    problems: list[str] = []
    for d in await list_designations(session):
        what = f"designation #{d.id}"
        payload = logged.get(("designation", d.id))
        if payload is None:
            problems.append(f"{what} is not in the transparency log")
            continue
        stored = to_rule_designation(d).canonical() | {"set_by": d.set_by}
        problems += _diff(what, stored, payload)

    offset = 0
    while True:
        page = await list_disembarkations(session, limit=batch, offset=offset)
        for rec in page:
            what = f"disembarkation #{rec.id}"
            payload = logged.get(("disembarkation", rec.id))
            if payload is None:
                problems.append(f"{what} is not in the transparency log")
            else:
                problems += _diff(what, rec.log_payload(), payload)
            for ev in rec.evaluations:
                ewhat = f"compliance evaluation #{ev.id}"
                epayload = logged.get(("compliance_evaluation", ev.id))
                if epayload is None:
                    problems.append(f"{ewhat} is not in the transparency log")
                    continue
                problems += _diff(
                    ewhat, ev.model_dump(mode="json", exclude={"log_index"}), epayload
                )
        if len(page) < batch:
            break
        offset += batch
    return problems
