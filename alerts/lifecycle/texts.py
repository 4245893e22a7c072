"""Operator texts of a distress case: the IAMSAR SITREP and the GMDSS MAYDAY RELAY.
Pure (no I/O); positions WGS 84 in seafarers' notation, times UTC date-time groups."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sar_coord.core.notation import dtg, fmt_position

if TYPE_CHECKING:
    from sar_coord.cases.models import DistressCase


def _situation(case: DistressCase) -> list[str]:
    facts = []
    if case.engine_working is False:
        facts.append("ENGINE NOT WORKING")
    if case.people_in_water:
        facts.append(f"{case.people_in_water} PERSONS IN WATER")
    if case.medical_emergencies:
        facts.append(f"{case.medical_emergencies} MEDICAL EMERGENCIES")
    if case.children:
        facts.append(f"{case.children} CHILDREN")
    if case.deceased:
        facts.append(f"{case.deceased} DECEASED ABOARD")
    if case.drift_speed_kn:
        facts.append(f"DRIFTING {case.drift_toward_deg or 0:03.0f} AT {case.drift_speed_kn:.1f} KN")
    return facts


def _identity(case: DistressCase) -> str:
    boat = (case.boat_type or "unknown type").upper()
    colour = f" {case.boat_colour.upper()}" if case.boat_colour else ""
    mmsi = f" MMSI {case.source_mmsi}" if case.source_mmsi else ""
    return f"{colour.strip() + ' ' if colour else ''}{boat} BOAT{mmsi}"


def sitrep_text(
    case: DistressCase, lon: float, lat: float, *, number: int | None, at: datetime, sender: str
) -> str:
    """IAMSAR SITREP, short form A-F; number None renders a draft."""
    rcc = case.responsible_rcc or case.first_rcc or "NOT YET DETERMINED"
    head = f"SITREP {number}" if number is not None else "SITREP DRAFT (NOT ISSUED)"
    pob = "UNKNOWN" if case.persons_on_board is None else str(case.persons_on_board)
    needs = ["SURFACE UNITS TO RESCUE"]
    if case.medical_emergencies:
        needs.append("MEDICAL ASSISTANCE / MEDEVAC")
    if case.people_in_water:
        needs.append("LIFESAVING APPLIANCES FOR PERSONS IN WATER")
    lines = [
        f"{head} {case.reference}",
        f"DTG {dtg(at)}",
        f"FROM {sender}",
        "",
        f"A. IDENTITY OF CASUALTY: {_identity(case)}",
        f"B. POSITION: {fmt_position(lat, lon)} AT {dtg(case.datum_at)} "
        f"(+/- {case.datum_uncertainty_nm:g} NM)",
        f"C. SITUATION: {case.status.upper().replace('_', ' ')}"
        + (f"; {'; '.join(_situation(case))}" if _situation(case) else ""),
        f"D. NUMBER OF PERSONS: {pob}",
        f"E. ASSISTANCE REQUIRED: {', '.join(needs)}",
        f"F. COORDINATING RCC: {rcc}",
    ]
    return "\n".join(lines) + "\n"


def mayday_relay_text(
    case: DistressCase, lon: float, lat: float, *, at: datetime, station: str
) -> str:
    """A MAYDAY RELAY for GMDSS (VHF/MF voice or NAVTEX/SafetyNET) to ships not on this system."""
    rcc = case.responsible_rcc or case.first_rcc or station
    pob = "UNKNOWN NUMBER OF" if case.persons_on_board is None else str(case.persons_on_board)
    situation = _situation(case)
    lines = [
        "MAYDAY RELAY MAYDAY RELAY MAYDAY RELAY",
        f"THIS IS {station} {station} {station}",
        "MAYDAY",
        f"{_identity(case)} WITH {pob} PERSONS ON BOARD IN DISTRESS",
        f"POSITION {fmt_position(lat, lon)} AT {dtg(case.datum_at)}",
    ]
    if situation:
        lines.append(" ".join(f"{s}." for s in situation))
    lines += [
        "ALL VESSELS IN THE VICINITY KEEP A SHARP LOOKOUT, PROCEED TO ASSIST IF ABLE",
        f"AND REPORT TO {rcc}",
        f"REF {case.reference} {dtg(at)}",
        "OVER",
    ]
    return "\n".join(lines) + "\n"
