"""Transparency-log API schemas; hashes are lowercase hex."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from sar_coord.core.schemas import ReportedMmsi, StrictModel


class EntryRead(BaseModel):
    """One log entry with its decoded JSON and raw bytes (base64)."""

    leaf_index: int
    kind: str
    record_id: int | None
    case_id: int | None
    vessel_mmsis: list[int]
    port_locode: str | None
    outcome: str | None
    logged_at: datetime
    leaf_hash: str
    entry: dict[str, Any]
    entry_b64: str


class InclusionProofRead(BaseModel):
    """RFC 9162 inclusion proof."""

    leaf_index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    path: list[str]


class ConsistencyProofRead(BaseModel):
    """RFC 9162 consistency proof between two tree sizes."""

    first: int
    second: int
    first_root: str
    second_root: str
    path: list[str]


class CheckpointRead(BaseModel):
    """The latest signed checkpoint and the key that verifies it."""

    tree_size: int
    root_hash: str
    signed_at: datetime
    note: str
    verifier_key: str


class RescueRecordCreate(StrictModel):
    """Ask for a signed rescue record for one vessel in one case."""

    case_id: int = Field(ge=1)
    mmsi: ReportedMmsi


class RescueRecordRead(BaseModel):
    """A signed statement (C2SP signed note) and where it sits in the log."""

    note: str
    leaf_index: int
    verifier_key: str
