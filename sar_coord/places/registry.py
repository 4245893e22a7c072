"""The place-of-safety registry as rules see it (pure): designations, a snapshot at an instant."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sar_coord.places.citation import known_from


class DesignationStatus(StrEnum):
    """Place-of-safety status of a country or port."""

    DESIGNATED = "designated"
    NOT_SAFE = "not_safe"
    UNASSESSED = "unassessed"


@dataclass(frozen=True)
class Designation:
    """One version of a designation, for a whole country (locode None) or one port; UTC times."""

    id: int
    country: str
    locode: str | None
    status: DesignationStatus
    legal_basis: str
    citation: str
    effective_from: datetime
    effective_until: datetime | None
    set_at: datetime
    issuing_body: str | None = None
    citation_title: str | None = None
    citation_date: str | None = None
    citation_reference: str | None = None
    citation_url: str | None = None

    def known_from(self) -> datetime:
        """Return when the source was certainly public (UTC): its date, else effective_from."""
        return known_from(self.citation_date) if self.citation_date else self.effective_from

    def source(self) -> dict[str, object]:
        """Return what an evaluation states about this designation: id, body, citation."""
        return {
            "id": self.id,
            "country": self.country,
            "locode": self.locode,
            "status": self.status.value,
            "issuing_body": self.issuing_body,
            "citation": self.citation,
            "effective_from": self.effective_from.isoformat(),
            "known_from": self.known_from().isoformat(),
        }

    def in_force_at(self, at: datetime) -> bool:
        """Return whether this version applies at instant `at` (UTC)."""
        return self.effective_from <= at and (
            self.effective_until is None or at < self.effective_until
        )

    def canonical(self) -> dict[str, object]:
        """Return a JSON-ready dict with a stable field order for hashing and the log."""
        return {
            "id": self.id,
            "country": self.country,
            "locode": self.locode,
            "status": self.status.value,
            "legal_basis": self.legal_basis,
            "citation": self.citation,
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "set_at": self.set_at.isoformat(),
        } | {k: v for k, v in self._source_fields().items() if v is not None}

    def _source_fields(self) -> dict[str, str | None]:
        # Absent on versions recorded before the source was structured: their logged form and
        # registry hashes stay as they were.
        return {
            "issuing_body": self.issuing_body,
            "citation_title": self.citation_title,
            "citation_date": self.citation_date,
            "citation_reference": self.citation_reference,
            "citation_url": self.citation_url,
        }


@dataclass(frozen=True)
class RegistrySnapshot:
    """The designations known when evaluating, viewed at one instant (the disembarkation time)."""

    at: datetime
    designations: tuple[Designation, ...]
    known_at: datetime | None = None

    def in_force(self) -> list[Designation]:
        """Return the versions in force at `at` (and public by `known_at` if set), by id."""
        return sorted(
            (
                d
                for d in self.designations
                if d.in_force_at(self.at)
                and (self.known_at is None or d.known_from() <= self.known_at)
            ),
            key=lambda d: d.id,
        )

    def for_place(self, country: str, locode: str | None) -> list[Designation]:
        """Return the versions in force for this port or its whole country, by id."""
        return [
            d
            for d in self.in_force()
            if d.country == country and (d.locode is None or d.locode == locode)
        ]

    def status_of(self, country: str, locode: str | None) -> Designation | None:
        """Return the applicable designation: port beats country; the latest version wins."""
        live = self.in_force()

        def latest(cands: list[Designation]) -> Designation | None:
            return max(cands, key=lambda d: (d.effective_from, d.set_at, d.id), default=None)

        if locode:
            port = latest([d for d in live if d.locode == locode])
            if port is not None:
                return port
        return latest([d for d in live if d.locode is None and d.country == country])

    def digest(self) -> str:
        """Return hex SHA-256 of the canonical JSON of the versions in force at `at`."""
        doc: dict[str, object] = {
            "at": self.at.isoformat(),
            "designations": [d.canonical() for d in self.in_force()],
        }
        if self.known_at is not None:
            doc["known_at"] = self.known_at.isoformat()
        raw = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(raw).hexdigest()
