"""Build the signed transparency report from the log as of a fresh checkpoint."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.audit import service
from sar_coord.audit.config import get_audit_settings
from sar_coord.audit.entry import decode_entry
from sar_coord.audit.exceptions import LogEmpty
from sar_coord.audit.models import TransparencyLogEntry
from sar_coord.audit.transparency import (
    report_csv,
    report_html,
    report_rows,
    report_statement,
)


@dataclass(frozen=True)
class SignedReport:
    """The report as CSV, its signed statement (C2SP note) and a printable page."""

    csv: bytes
    note: str
    html: str


async def build_transparency_report(session: AsyncSession) -> SignedReport:
    """Sign a checkpoint, aggregate every landing logged up to it, sign the CSV's digest."""
    cp = await service.sign_checkpoint(session)
    if cp is None:
        raise LogEmpty("the log is empty: nothing to report")
    raw = await session.scalars(
        select(TransparencyLogEntry.entry)
        .where(
            TransparencyLogEntry.leaf_index < cp.tree_size,
            TransparencyLogEntry.kind.in_(("disembarkation", "compliance_evaluation")),
        )
        .order_by(TransparencyLogEntry.leaf_index)
    )
    rows = report_rows(decode_entry(bytes(r)) for r in raw)
    data = report_csv(rows)
    statement = report_statement(
        data, cp.tree_size, cp.root_hash.hex(), get_audit_settings().origin
    )
    note = service.get_signer().sign(statement)
    return SignedReport(data, note, report_html(rows, note))
