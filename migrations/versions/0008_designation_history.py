"""designation history: each source's body, title, date, reference; evaluations say what they used

Revision ID: 0008_designation_history
Revises: 0007_search_plan
Create Date: 2026-12-04

A designation now names its issuing body and its source (title, date to the precision known,
reference or URL), so an evaluation can say which source it applied. The seed set for the
Central Mediterranean, Aegean and Atlantic routes (sar_coord/places/seed/designations.json)
is stored and appended to the transparency log, each as its own entry. Compliance evaluations
record whether they judged "as known then" or "as known now", the designations they used and
who asked for a re-evaluation.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sar_coord.audit.entry import encode_entry
from sar_coord.audit.merkle import leaf_hash
from sar_coord.places.citation import citation_text

revision: str = "0008_designation_history"
down_revision: str | Sequence[str] | None = "0007_search_plan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEED_FILE = Path(__file__).resolve().parents[2] / "sar_coord" / "places" / "seed" / "designations.json"
SEED_SET_BY = "seed: issue 17 designation history"
LOG_LOCK_KEY = 0x5341524C4F47  # the log writer's advisory lock (sar_coord.audit.service)
SOURCE_COLUMNS = (
    "issuing_body",
    "citation_title",
    "citation_date",
    "citation_reference",
    "citation_url",
)


def upgrade() -> None:
    op.add_column("place_designation", sa.Column("issuing_body", sa.String(200), nullable=True))
    op.add_column("place_designation", sa.Column("citation_title", sa.Text(), nullable=True))
    op.add_column("place_designation", sa.Column("citation_date", sa.String(10), nullable=True))
    op.add_column(
        "place_designation", sa.Column("citation_reference", sa.String(200), nullable=True)
    )
    op.add_column("place_designation", sa.Column("citation_url", sa.String(500), nullable=True))
    op.add_column("compliance_evaluation", sa.Column("as_known", sa.String(8), nullable=True))
    op.add_column(
        "compliance_evaluation",
        sa.Column("designations", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column(
        "compliance_evaluation", sa.Column("requested_by", sa.String(120), nullable=True)
    )
    _seed()


def _seed() -> None:
    """Store the seed designations and append each to the log (after any existing entry)."""
    bind = op.get_bind()
    bind.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOG_LOCK_KEY})
    now = bind.execute(sa.text("SELECT now()")).scalar_one()
    index = bind.execute(
        sa.text("SELECT coalesce(max(leaf_index) + 1, 0) FROM transparency_log")
    ).scalar_one()
    for d in json.loads(SEED_FILE.read_text())["designations"]:
        source = {k: d.get(k) for k in SOURCE_COLUMNS}
        citation = citation_text(
            d["issuing_body"],
            d["citation_title"],
            d["citation_date"],
            d.get("citation_reference"),
            d.get("citation_url"),
        )
        row = bind.execute(
            sa.text(
                "INSERT INTO place_designation (country, locode, status, legal_basis, citation,"
                " issuing_body, citation_title, citation_date, citation_reference, citation_url,"
                " effective_from, effective_until, set_by, set_at) VALUES (:country, :locode,"
                " :status, :legal_basis, :citation, :issuing_body, :citation_title,"
                " :citation_date, :citation_reference, :citation_url, :effective_from,"
                " :effective_until, :set_by, :now) RETURNING id, effective_from, effective_until"
            ),
            dict(
                source,
                country=d["country"],
                locode=d.get("locode"),
                status=d["status"],
                legal_basis=d["legal_basis"],
                citation=citation,
                effective_from=datetime.fromisoformat(d["effective_from"]),
                effective_until=(
                    datetime.fromisoformat(d["effective_until"])
                    if d.get("effective_until")
                    else None
                ),
                set_by=SEED_SET_BY,
                now=now,
            ),
        ).one()
        # The same document places.registry.Designation.canonical() gives, plus set_by.
        payload = {
            "id": row.id,
            "country": d["country"],
            "locode": d.get("locode"),
            "status": d["status"],
            "legal_basis": d["legal_basis"],
            "citation": citation,
            "effective_from": row.effective_from.isoformat(),
            "effective_until": row.effective_until.isoformat() if row.effective_until else None,
            "set_at": now.isoformat(),
            "set_by": SEED_SET_BY,
        } | {k: v for k, v in source.items() if v is not None}
        refs = {
            "record_id": row.id,
            "case_id": None,
            "vessel_mmsis": [],
            "port_locode": d.get("locode"),
            "outcome": None,
        }
        entry = encode_entry(index, "designation", now, payload, refs)
        bind.execute(
            sa.text(
                "INSERT INTO transparency_log (leaf_index, kind, record_id, port_locode,"
                " logged_at, entry, leaf_hash) VALUES (:i, 'designation', :rid, :port, :at,"
                " :entry, :leaf)"
            ),
            {
                "i": index,
                "rid": row.id,
                "port": d.get("locode"),
                "at": now,
                "entry": entry,
                "leaf": leaf_hash(entry),
            },
        )
        index += 1


def downgrade() -> None:
    # Designations and their log entries are append-only history: the seed rows stay.
    op.drop_column("compliance_evaluation", "requested_by")
    op.drop_column("compliance_evaluation", "designations")
    op.drop_column("compliance_evaluation", "as_known")
    for column in reversed(SOURCE_COLUMNS):
        op.drop_column("place_designation", column)
