"""Disembarkation API schemas: counts by category only, unknown fields rejected everywhere."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from sar_coord.core.schemas import CountryCode, PastDatetime, ReportedMmsi, StrictModel, iso_z

VesselName = Field(None, max_length=120, description="vessel name (never a person's name)")


class TransferIn(StrictModel):
    """A ship-to-ship transfer of people (count only)."""

    from_mmsi: ReportedMmsi
    from_vessel_name: str | None = VesselName
    to_mmsi: ReportedMmsi
    to_vessel_name: str | None = VesselName
    persons: int = Field(gt=0, le=10_000)
    transferred_at: PastDatetime | None = None


class PersonCounts(StrictModel):
    """People disembarked by category; total includes every other category."""

    total: int = Field(ge=0, le=10_000)
    minors: int = Field(0, ge=0)
    unaccompanied_minors: int = Field(0, ge=0)
    women: int = Field(0, ge=0)
    medical_cases: int = Field(0, ge=0)
    deceased: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _within_total(self) -> PersonCounts:
        for name in ("minors", "women", "medical_cases", "deceased"):
            if getattr(self, name) > self.total:
                raise ValueError(f"{name} exceeds total")
        if self.unaccompanied_minors > self.minors:
            raise ValueError("unaccompanied_minors exceeds minors")
        return self


class AssignmentIn(StrictModel):
    """The RCC's place-of-safety assignment."""

    assigned_by: str = Field(min_length=2, max_length=120, description="RCC that assigned it")
    assigned_at: PastDatetime
    reference: str = Field(min_length=1, max_length=120)


class DisembarkationCreate(StrictModel):
    """An RCC's record of a disembarkation. No names or identifiers of rescued people."""

    case_id: int = Field(ge=1)
    rescuing_mmsi: ReportedMmsi
    rescuing_vessel_name: str | None = VesselName
    rescued_at: PastDatetime
    persons_rescued: int = Field(ge=0, le=10_000)
    disembarking_mmsi: ReportedMmsi | None = Field(None, description="default: the rescuing vessel")
    disembarking_vessel_name: str | None = VesselName
    transfers: list[TransferIn] = Field(default_factory=list, max_length=50)
    port_locode: str = Field(pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")
    disembarked_at: PastDatetime
    persons: PersonCounts
    persons_seeking_asylum: int = Field(0, ge=0)
    departure_country: CountryCode | None = None
    assignment: AssignmentIn | None = None
    protection_asked: Literal["asked", "not_asked", "could_not_ask", "unknown"] = Field(
        "unknown", description="were people asked whether they sought protection?"
    )
    asylum_procedure_access: Literal["yes", "no", "unknown"] = Field(
        "unknown", description="access to an asylum procedure at the landing place"
    )
    medical_screening: Literal["yes", "no", "unknown"] = Field(
        "unknown", description="medical screening on landing"
    )
    notes: str | None = Field(
        None,
        max_length=4000,
        description="visible to RCC and auditor roles only; never names or identifiers of people",
    )

    @model_validator(mode="after")
    def _asylum_within_total(self) -> DisembarkationCreate:
        if self.persons_seeking_asylum > self.persons.total:
            raise ValueError("persons_seeking_asylum exceeds persons.total")
        return self

    @model_validator(mode="after")
    def _times_in_order(self) -> DisembarkationCreate:
        if self.disembarked_at < self.rescued_at:
            raise ValueError(
                f"disembarked_at {iso_z(self.disembarked_at)} is before rescued_at "
                f"{iso_z(self.rescued_at)}: people land after their rescue"
            )
        a = self.assignment
        if a is not None and a.assigned_at > self.disembarked_at:
            raise ValueError(
                f"assignment.assigned_at {iso_z(a.assigned_at)} is after disembarked_at "
                f"{iso_z(self.disembarked_at)}: a place of safety is assigned before the landing"
            )
        return self


class RuleResultRead(BaseModel):
    """One rule's outcome."""

    rule: str
    outcome: str
    explanation: str
    attributed_to: list[str]


class EvaluationRead(BaseModel):
    """A compliance evaluation."""

    id: int
    ruleset_version: str
    registry_hash: str
    outcome: str
    results: list[RuleResultRead]
    evaluated_at: datetime
    as_known: str | None = Field(
        None, description="then: sources public by the event; now: every recorded source"
    )
    designations: list[dict[str, Any]] | None = Field(
        None,
        description="designations in force for the landing place; 'applied' marks the one used",
    )
    requested_by: str | None = Field(None, description="who asked for this re-evaluation")
    log_index: int | None = None


class TransferRead(BaseModel):
    """A stored transfer."""

    seq: int
    from_mmsi: int
    from_vessel_name: str | None
    to_mmsi: int
    to_vessel_name: str | None
    persons: int
    transferred_at: datetime | None


class DisembarkationRead(BaseModel):
    """A stored disembarkation with its transfers and evaluations."""

    id: int
    case_id: int
    rescuing_mmsi: int
    rescuing_vessel_name: str | None
    rescued_at: datetime
    persons_rescued: int
    disembarking_mmsi: int
    disembarking_vessel_name: str | None
    port_locode: str
    port_country: str
    disembarked_at: datetime
    persons: PersonCounts
    persons_seeking_asylum: int
    departure_country: str | None
    assignment: AssignmentIn | None
    protection_asked: str | None = None
    asylum_procedure_access: str | None = None
    medical_screening: str | None = None
    notes: str | None
    recorded_at: datetime
    transfers: list[TransferRead]
    evaluations: list[EvaluationRead]
    log_index: int | None = None

    def log_payload(self) -> dict[str, Any]:
        """Return the logged form: everything but the notes, which are only hashed."""
        import hashlib

        doc = self.model_dump(mode="json", exclude={"notes", "evaluations", "log_index"})
        doc["notes_sha256"] = (
            hashlib.sha256(self.notes.encode()).hexdigest() if self.notes else None
        )
        return doc


class ReevaluationCreate(StrictModel):
    """An auditor's re-evaluation of a recorded landing with the registry as known then or now."""

    as_known: Literal["then", "now"] = Field(
        description="then: only sources public by the landing; now: every source recorded since"
    )


class RescueStepCreate(StrictModel):
    """A rescue (no from_mmsi) or a ship-to-ship transfer within a case; counts only."""

    kind: Literal["rescue", "transfer"]
    at: PastDatetime
    lat: float | None = Field(None, ge=-90, le=90, description="WGS 84 degrees")
    lon: float | None = Field(None, ge=-180, le=180, description="WGS 84 degrees")
    from_mmsi: ReportedMmsi | None = Field(None, description="transfers only")
    to_mmsi: ReportedMmsi
    to_vessel_name: str | None = VesselName
    persons: PersonCounts

    @model_validator(mode="after")
    def _consistent(self) -> RescueStepCreate:
        if (self.kind == "rescue") != (self.from_mmsi is None):
            raise ValueError("a transfer names from_mmsi, a rescue does not")
        if self.from_mmsi is not None and self.from_mmsi == self.to_mmsi:
            raise ValueError("a transfer goes to another vessel")
        if self.persons.total < 1:
            raise ValueError("a step moves at least one person")
        return self


class RescueStepRead(BaseModel):
    """A stored rescue or transfer step."""

    id: int
    case_id: int
    kind: str
    at: datetime
    lat: float | None
    lon: float | None
    from_mmsi: int | None
    to_mmsi: int
    to_vessel_name: str | None
    persons: PersonCounts
    recorded_at: datetime
    log_index: int | None = None


class ChainLandingRead(BaseModel):
    """A landing of the chain: a disembarkation record of the case."""

    disembarkation_id: int
    at: datetime
    mmsi: int
    persons: int
    port_locode: str
    outcome: str | None


class RescueChainRead(BaseModel):
    """A case's rescue chain: steps, landings, who still holds how many, and the judgement."""

    case_id: int
    steps: list[RescueStepRead]
    landings: list[ChainLandingRead]
    on_board: dict[str, int]
    result: RuleResultRead
