"""Operator texts of a distress case: the IAMSAR SITREP and the GMDSS MAYDAY RELAY.
Pure (no I/O); positions WGS 84 in seafarers' notation, times UTC date-time groups.

SITREP (IAMSAR Vol. II, SAR situation report): priority, date-time group, FROM, TO,
`SAR SITREP (n)`, then the short form A-F (identity, position, situation, persons, assistance
required, coordinating RCC) and for the full form G-N (description, weather on scene, initial
actions taken, search area, coordinating instructions, future plans, additional information).
Situation (C) is the nature of the distress: what happened and when, never the record's status.

MAYDAY RELAY (ITU Radio Regulations, IAMSAR Vol. III), as spoken: MAYDAY RELAY x3, ALL STATIONS
x3, THIS IS + the relaying station's name x3, call sign, MMSI, MAYDAY, the casualty, its position
in degrees and minutes, the nature of distress, assistance required, persons on board, other
information, OVER; headed by the channel it is to be sent on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sar_coord.cases import service as case_service
from sar_coord.core.notation import dtg, fmt_position

if TYPE_CHECKING:
    from sar_coord.cases.models import DistressCase

Priority = Literal["DISTRESS", "URGENCY"]
Channel = Literal["vhf16", "mf2182", "dsc"]
CHANNELS: dict[str, str] = {
    "vhf16": "VHF CHANNEL 16",
    "mf2182": "MF 2182 KHZ",
    "dsc": "DSC (VHF CHANNEL 70 / MF 2187.5 KHZ), THEN VOICE ON VHF CHANNEL 16 / MF 2182 KHZ",
}
ACTIVE = ("open", "alerting", "assisting")


@dataclass(frozen=True, slots=True)
class Station:
    """The relaying station: name, call sign and MMSI (a coast station's MMSI is 00MIDxxxx)."""

    name: str
    call_sign: str
    mmsi: str


@dataclass(frozen=True, slots=True)
class SitrepInput:
    """What a SITREP says beyond the case: heading, the RCC's own lines, what was done."""

    number: int | None
    at: datetime
    sender: str
    to: Sequence[str]
    form: Literal["short", "full"] = "short"
    priority: Priority | None = None
    actions: Sequence[str] = field(default_factory=tuple)
    search_area: str | None = None
    coordinating_instructions: str | None = None
    future_plans: str | None = None
    additional: str | None = None
    final: bool = False


def _facts(case: DistressCase) -> list[str]:
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


SOURCES = {
    "rcc": "REPORTED TO RCC",
    "partner": "REPORTED BY PARTNER",
    "ais_sart": "AIS-SART ACTIVATED",
    "ais_mob": "AIS MAN-OVERBOARD DEVICE ACTIVATED",
    "ais_epirb": "EPIRB-AIS ACTIVATED",
    "dsc": "DSC DISTRESS ALERT",
}


def situation(case: DistressCase) -> str:
    """The nature of the distress: what happened and when (not the record's status)."""
    what = [f"{_identity(case)} IN DISTRESS", *_facts(case)]
    if case.description:
        what.append(case.description.strip().upper())
    how = SOURCES.get(case.source, "REPORTED")
    if case.reported_by and case.source == "partner":
        how = f"REPORTED BY {case.reported_by.upper()}"
    return f"{', '.join(what)}. {how} {dtg(case.datum_at)}"


def assistance(case: DistressCase) -> list[str]:
    """Assistance required, from what is known of the people on board."""
    needs = ["SURFACE UNITS TO RESCUE"]
    if case.medical_emergencies:
        needs.append("MEDICAL ASSISTANCE / MEDEVAC")
    if case.people_in_water:
        needs.append("LIFESAVING APPLIANCES FOR PERSONS IN WATER")
    if (case.persons_on_board or 0) >= 20:
        needs.append("MASS RESCUE: LIFEJACKETS AND SPACE FOR ALL ON BOARD")
    return needs


def _weather(case: DistressCase) -> str:
    if case.wind_speed_kn is None:
        return "NOT KNOWN"
    wind_from = "" if case.wind_from_deg is None else f"{case.wind_from_deg:03.0f} "
    return f"WIND {wind_from}{case.wind_speed_kn:.0f} KN"


def _description(case: DistressCase) -> str:
    parts = [_identity(case)]
    if case.departure_place or case.departure_country:
        place = " ".join(p for p in (case.departure_place, case.departure_country) if p)
        parts.append(f"DEPARTED {place.upper()}")
    return ", ".join(parts)


def priority_of(case: DistressCase) -> Priority:
    """DISTRESS while lives are at risk (case active), URGENCY after the rescue."""
    return "DISTRESS" if case.status in ACTIVE else "URGENCY"


def sitrep_text(case: DistressCase, lon: float, lat: float, s: SitrepInput) -> str:
    """IAMSAR SITREP, short (A-F) or full (A-N) form; number None renders a draft."""
    pob = "UNKNOWN" if case.persons_on_board is None else str(case.persons_on_board)
    number = (
        f"SAR SITREP ({s.number})" if s.number is not None else "SAR SITREP (DRAFT, NOT ISSUED)"
    )
    if s.final:
        number += " FINAL"
    lines = [
        s.priority or priority_of(case),
        dtg(s.at),
        f"FROM: {s.sender}",
        f"TO: {' / '.join(s.to) if s.to else 'ALL CONCERNED'}",
        f"{number} {case.reference}",
        f"A. IDENTITY OF CASUALTY: {_identity(case)}",
        f"B. POSITION: {fmt_position(lat, lon)} AT {dtg(case.datum_at)} "
        f"(+/- {case.datum_uncertainty_nm:g} NM)",
        f"C. SITUATION: {situation(case)}",
        f"D. NUMBER OF PERSONS: {pob}",
        f"E. ASSISTANCE REQUIRED: {', '.join(assistance(case))}",
        f"F. COORDINATING RCC: {case_service.coordination_label(case)}",
    ]
    if s.form == "full":
        actions = "; ".join(s.actions) if s.actions else "NONE RECORDED"
        lines += [
            f"G. DESCRIPTION OF CASUALTY: {_description(case)}",
            f"H. WEATHER ON SCENE: {_weather(case)}",
            f"J. INITIAL ACTIONS TAKEN: {actions}",
            f"K. SEARCH AREA: {s.search_area or 'NOT YET ASSIGNED'}",
            f"L. COORDINATING INSTRUCTIONS: {s.coordinating_instructions or 'NONE'}",
            f"M. FUTURE PLANS: {s.future_plans or 'NONE'}",
            f"N. ADDITIONAL INFORMATION: {s.additional or 'NONE'}"
            + (". CASE CONCLUDED" if s.final else ""),
        ]
    return "\n".join(lines) + "\n"


def _spoken_position(lat: float, lon: float) -> str:
    """Degrees and minutes, spoken: 35 DEGREES 12.0 MINUTES NORTH 012 DEGREES 36.0 MINUTES EAST."""

    def part(value: float, width: int, pos: str, neg: str) -> str:
        hemi = pos if value >= 0 else neg
        value = abs(value)
        deg = int(value)
        minutes = round((value - deg) * 60.0, 1)
        if minutes >= 60.0:
            deg, minutes = deg + 1, 0.0
        return f"{deg:0{width}d} DEGREES {minutes:04.1f} MINUTES {hemi}"

    return f"{part(lat, 2, 'NORTH', 'SOUTH')} {part(lon, 3, 'EAST', 'WEST')}"


def mayday_relay_text(
    case: DistressCase,
    lon: float,
    lat: float,
    *,
    at: datetime,
    station: Station,
    channel: Channel = "vhf16",
    addressee: str | None = None,
) -> str:
    """A MAYDAY RELAY in the spoken GMDSS form, to all stations (or one coast station)."""
    pob = "UNKNOWN NUMBER OF" if case.persons_on_board is None else str(case.persons_on_board)
    to = (addressee or "ALL STATIONS").upper()
    name = station.name.upper()
    lines = [
        f"CHANNEL: {CHANNELS[channel]}",
        "MAYDAY RELAY MAYDAY RELAY MAYDAY RELAY",
        f"{to} {to} {to}",
        f"THIS IS {name} {name} {name}",
        f"CALL SIGN {station.call_sign.upper()} MMSI {station.mmsi}",
        "MAYDAY",
        f"{_identity(case)}",
        f"POSITION {_spoken_position(lat, lon)} ({fmt_position(lat, lon)}) AT {dtg(case.datum_at)}",
        f"NATURE OF DISTRESS: {situation(case)}",
        f"ASSISTANCE REQUIRED: {', '.join(assistance(case))}",
        f"{pob} PERSONS ON BOARD",
        "ALL VESSELS IN THE VICINITY KEEP A SHARP LOOKOUT, PROCEED TO ASSIST IF ABLE "
        f"AND REPORT TO {case_service.coordination_label(case, unknown=name)}",
        f"REF {case.reference} {dtg(at)}",
        "OVER",
    ]
    return "\n".join(lines) + "\n"


def actions_taken(events: Sequence[tuple[datetime, str, dict[str, object]]]) -> list[str]:
    """SITREP J lines from the case timeline (time, kind, data): alerts, coordination, status."""
    out: list[str] = []
    for at, kind, data in events:
        when = dtg(at)
        if kind == "alert_issued":
            radius = f" WITHIN {data['radius_nm']:g} NM" if data.get("radius_nm") else ""
            out.append(
                f"{when} {str(data.get('kind', '')).upper()} ALERT{radius} TO "
                f"{data.get('recipients', 0)} SHIPS ({data.get('delivered', 0)} DELIVERED)"
            )
        elif kind == "alert_updated":
            out.append(f"{when} ALERT UPDATED")
        elif kind == "alert_cancelled":
            out.append(f"{when} ALERT CANCELLED")
        elif kind.startswith("coordination_"):
            step = kind.removeprefix("coordination_").upper()
            out.append(f"{when} COORDINATION {step}: {data.get('rcc')}")
        elif kind == "status":
            out.append(f"{when} CASE {str(data.get('to', '')).upper().replace('_', ' ')}")
    return out


def search_area_line(plan_no: int, pattern: str, plan: dict[str, object]) -> str:
    """SITREP K from a stored search plan: number, pattern, datum, radius and area."""
    area = plan.get("area")
    datum = plan.get("datum")
    parts = [f"PLAN {plan_no} PATTERN {pattern.upper()}"]
    if isinstance(datum, dict) and datum.get("position"):
        parts.append(f"CENTRED {datum['position']}")
    if isinstance(area, dict) and area.get("radius_nm") is not None:
        parts.append(f"RADIUS {float(area['radius_nm']):.1f} NM")
        if area.get("area_nm2") is not None:
            parts.append(f"AREA {float(area['area_nm2']):.0f} SQ NM")
    return ", ".join(parts)
