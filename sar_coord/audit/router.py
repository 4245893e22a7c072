"""Routes: log entries and filters, proofs, checkpoints, exports, evidence packs, rescue records."""

from __future__ import annotations

import base64
import csv
import io
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse, PlainTextResponse

from sar_coord.audit import repository, service
from sar_coord.audit.config import get_audit_settings
from sar_coord.audit.entry import decode_entry
from sar_coord.audit.evidence import build_evidence_pack, issue_rescue_record
from sar_coord.audit.exceptions import LogEmpty
from sar_coord.audit.export import build_export
from sar_coord.audit.models import TransparencyLogEntry
from sar_coord.audit.report_service import build_transparency_report
from sar_coord.audit.repository import EntryFilter
from sar_coord.audit.schemas import (
    CheckpointRead,
    ConsistencyProofRead,
    EntryRead,
    InclusionProofRead,
    RescueRecordCreate,
    RescueRecordRead,
)
from sar_coord.auth.deps import ANY_ROLE, RCC_OR_AUDITOR, require_role
from sar_coord.auth.exceptions import RoleForbidden
from sar_coord.auth.service import Principal
from sar_coord.core.deps import SessionDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Reader = Annotated[Principal, Depends(require_role(*RCC_OR_AUDITOR))]
Auditor = Annotated[Principal, Depends(require_role("auditor", "admin"))]
Anyone = Annotated[Principal, Depends(require_role(*sorted(ANY_ROLE)))]
Recorder = Annotated[Principal, Depends(require_role("rcc_operator", "ship_master", "admin"))]


def _filter(
    case_id: int | None = None,
    mmsi: int | None = None,
    port: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}[A-Za-z2-9]{3}$")] = None,
    outcome: Annotated[str | None, Query(pattern=r"^(pass|flag|violation)$")] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> EntryFilter:
    return EntryFilter(case_id, mmsi, port, outcome, kind, since, until)


Filter = Annotated[EntryFilter, Depends(_filter)]


def _entry_read(e: TransparencyLogEntry) -> EntryRead:
    return EntryRead(
        leaf_index=e.leaf_index,
        kind=e.kind,
        record_id=e.record_id,
        case_id=e.case_id,
        vessel_mmsis=list(e.vessel_mmsis),
        port_locode=e.port_locode,
        outcome=e.outcome,
        logged_at=e.logged_at,
        leaf_hash=e.leaf_hash.hex(),
        entry=decode_entry(e.entry),
        entry_b64=base64.b64encode(e.entry).decode(),
    )


@router.get("/entries")
async def list_entries(
    _: Reader,
    session: SessionDep,
    f: Filter,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[EntryRead]:
    """Log entries in leaf order, filtered by case, vessel, port, rule outcome, kind, date."""
    rows = await repository.list_entries(session, f, limit=limit, offset=offset)
    return [_entry_read(e) for e in rows]


@router.get("/entries/{leaf_index}/inclusion")
async def inclusion_proof(
    _: Reader,
    session: SessionDep,
    leaf_index: int,
    tree_size: Annotated[int | None, Query(ge=1)] = None,
) -> InclusionProofRead:
    """Inclusion proof of one leaf (default: against the latest checkpoint)."""
    p = await service.get_inclusion_proof(session, leaf_index=leaf_index, size=tree_size)
    return InclusionProofRead(
        leaf_index=p.leaf_index,
        tree_size=p.tree_size,
        leaf_hash=p.leaf_hash.hex(),
        root_hash=p.root_hash.hex(),
        path=[h.hex() for h in p.path],
    )


@router.get("/consistency")
async def consistency_proof(
    _: Reader,
    session: SessionDep,
    first: Annotated[int, Query(ge=0)],
    second: Annotated[int, Query(ge=0)],
) -> ConsistencyProofRead:
    """Consistency proof that tree `second` extends tree `first`."""
    r1, r2, path = await service.get_consistency_proof(session, first=first, second=second)
    return ConsistencyProofRead(
        first=first,
        second=second,
        first_root=r1.hex(),
        second_root=r2.hex(),
        path=[h.hex() for h in path],
    )


@router.get("/checkpoint")
async def latest_checkpoint(_: Reader, session: SessionDep) -> CheckpointRead:
    """The latest signed checkpoint (C2SP signed note) and its verifier key."""
    cp = await service.latest_checkpoint(session)
    if cp is None:
        raise LogEmpty("no checkpoint has been signed yet")
    return CheckpointRead(
        tree_size=cp.tree_size,
        root_hash=cp.root_hash.hex(),
        signed_at=cp.signed_at,
        note=cp.note,
        verifier_key=service.get_signer().verifier_key(),
    )


@router.get("/checkpoint.note", response_class=PlainTextResponse)
async def latest_checkpoint_note(_: Reader, session: SessionDep) -> str:
    """The latest checkpoint as a bare signed note (save it to trust it later)."""
    cp = await service.latest_checkpoint(session)
    if cp is None:
        raise LogEmpty("no checkpoint has been signed yet")
    return cp.note


@router.get("/verifier-key", response_class=PlainTextResponse)
async def verifier_key(_: Anyone) -> str:
    """The log's public key, `name+keyid+base64(0x01||pubkey)`."""
    return service.get_signer().verifier_key() + "\n"


@router.get("/export.json")
async def export_json(_: Auditor, session: SessionDep) -> JSONResponse:
    """The whole log and every checkpoint, for `sar-coord audit verify`."""
    doc = build_export(
        origin=get_audit_settings().origin,
        verifier_key=service.get_signer().verifier_key(),
        rows=await repository.all_rows(session),
        checkpoint_notes=await repository.checkpoint_notes(session),
    )
    return JSONResponse(
        doc, headers={"Content-Disposition": 'attachment; filename="transparency-log.json"'}
    )


@router.get("/export.csv")
async def export_csv(_: Auditor, session: SessionDep, f: Filter) -> Response:
    """Filtered entries as CSV (entry as canonical JSON text)."""
    rows = await repository.list_entries(session, f, limit=None)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "leaf_index",
            "logged_at",
            "kind",
            "record_id",
            "case_id",
            "vessel_mmsis",
            "port_locode",
            "outcome",
            "leaf_hash",
            "entry",
        ]
    )
    for e in rows:
        w.writerow(
            [e.leaf_index, e.logged_at.isoformat(), e.kind, e.record_id, e.case_id,
             " ".join(str(m) for m in e.vessel_mmsis), e.port_locode or "", e.outcome or "",
             e.leaf_hash.hex(), e.entry.decode()]
        )  # fmt: skip
    return Response(
        buf.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="transparency-log.csv"'},
    )


@router.get("/cases/{case_id}/evidence.zip")
async def evidence_pack(_: Reader, session: SessionDep, case_id: int) -> Response:
    """Evidence pack for one case: timeline, tracks, log entries, proofs, checkpoint."""
    data = await build_evidence_pack(session, case_id)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="case-{case_id}-evidence.zip"'},
    )


@router.post("/rescue-records", status_code=status.HTTP_201_CREATED)
async def rescue_record(
    principal: Recorder, session: SessionDep, body: RescueRecordCreate
) -> RescueRecordRead:
    """A signed statement of an RCC's requests to one vessel and its actions (masters: own)."""
    if not principal.may_act_for(body.mmsi):
        raise RoleForbidden(f"not bound to vessel {body.mmsi}")
    note, index = await issue_rescue_record(
        session,
        case_id=body.case_id,
        mmsi=body.mmsi,
        issued_by=f"{principal.username} ({principal.role})",
    )
    return RescueRecordRead(
        note=note, leaf_index=index, verifier_key=service.get_signer().verifier_key()
    )


@router.get("/transparency-report.csv")
async def transparency_report_csv(_: Auditor, session: SessionDep) -> Response:
    """Aggregate report (landings by month, port, flag, rule outcome; counts only) as CSV."""
    report = await build_transparency_report(session)
    return Response(report.csv, media_type="text/csv")


@router.get("/transparency-report.note")
async def transparency_report_note(_: Auditor, session: SessionDep) -> PlainTextResponse:
    """The signed statement of the report: log size, root and the CSV's SHA-256."""
    return PlainTextResponse((await build_transparency_report(session)).note)


@router.get("/transparency-report.html")
async def transparency_report_html(_: Auditor, session: SessionDep) -> Response:
    """The report as a printable page, with its signed statement."""
    return Response((await build_transparency_report(session)).html, media_type="text/html")
