"""Versioned non-refoulement compliance rules (pure): pass, flag or violation, with why."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sar_coord.places.registry import Designation, DesignationStatus, RegistrySnapshot

RULESET_VERSION = "2026-12.1"
DEFAULT_MAX_ON_BOARD_H = 72.0


class Outcome(StrEnum):
    """Result of one rule."""

    PASS = "pass"
    CANNOT_JUDGE = "cannot_judge"
    FLAG = "flag"
    VIOLATION = "violation"


# Worst last: a fact the rule needs is missing (cannot judge) is never a pass.
OUTCOME_ORDER = (Outcome.PASS, Outcome.CANNOT_JUDGE, Outcome.FLAG, Outcome.VIOLATION)


@dataclass(frozen=True)
class Transfer:
    """A ship-to-ship transfer of `persons` people within one case (vessel ids as strings)."""

    from_vessel: str
    to_vessel: str
    persons: int
    at: datetime | None = None


@dataclass(frozen=True)
class Assignment:
    """The RCC's place-of-safety assignment: who assigned it, when (UTC), reference."""

    assigned_by: str
    assigned_at: datetime
    reference: str


@dataclass(frozen=True)
class DisembarkationFacts:
    """What the rules look at: the rescue, the chain of transfers and the landing (UTC times)."""

    rescuing_vessel: str
    persons_rescued: int
    rescued_at: datetime
    disembarking_vessel: str
    port_locode: str | None
    port_country: str
    disembarked_at: datetime
    persons_disembarked: int
    persons_seeking_asylum: int = 0
    departure_country: str | None = None
    assignment: Assignment | None = None
    transfers: tuple[Transfer, ...] = ()
    vessel_names: dict[str, str] = field(default_factory=dict)
    # asked / not_asked / could_not_ask / unknown: were people asked if they sought protection?
    protection_asked: str = "unknown"
    asylum_procedure_access: str = "unknown"  # yes / no / unknown, at the landing place
    medical_screening: str = "unknown"  # yes / no / unknown, on landing
    medical_cases: int = 0

    def name(self, vessel: str) -> str:
        """Return a display name for a vessel id."""
        return self.vessel_names.get(vessel, vessel)

    def place(self) -> str:
        """Return the port as text."""
        return f"{self.port_locode or 'unknown port'} ({self.port_country})"


@dataclass(frozen=True)
class RuleResult:
    """One rule's outcome, explanation and the vessels it is attributed to."""

    rule: str
    outcome: Outcome
    explanation: str
    attributed_to: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {
            "rule": self.rule,
            "outcome": self.outcome.value,
            "explanation": self.explanation,
            "attributed_to": list(self.attributed_to),
        }


@dataclass(frozen=True)
class Evaluation:
    """All rule results with the rule-set version and the registry snapshot hash used."""

    ruleset_version: str
    registry_hash: str
    results: tuple[RuleResult, ...]
    as_known: str = "then"
    designations: tuple[dict[str, object], ...] = ()

    @property
    def outcome(self) -> Outcome:
        """Return the worst outcome across rules."""
        return max((r.outcome for r in self.results), key=OUTCOME_ORDER.index, default=Outcome.PASS)


def _describe(d: Designation | None) -> str:
    if d is None:
        return "no designation (unassessed)"
    where = d.locode or f"country {d.country}"
    return (
        f"{where} is {d.status.value} since {d.effective_from.date()}"
        f" (designation #{d.id}: {d.citation})"
    )


def applied_designations(
    f: DisembarkationFacts, reg: RegistrySnapshot
) -> tuple[dict[str, object], ...]:
    """Return every designation in force for the landing place, the decisive one marked."""
    decisive = reg.status_of(f.port_country, f.port_locode)
    return tuple(
        d.source() | {"applied": decisive is not None and d.id == decisive.id}
        for d in reg.for_place(f.port_country, f.port_locode)
    )


def rule_a_place_not_safe(f: DisembarkationFacts, reg: RegistrySnapshot) -> RuleResult:
    """(a) Disembarkation in a place designated not safe is a violation (refoulement risk)."""
    d = reg.status_of(f.port_country, f.port_locode)
    if d is not None and d.status is DesignationStatus.NOT_SAFE:
        return RuleResult(
            "a_place_not_safe",
            Outcome.VIOLATION,
            f"Disembarked at {f.place()}, not a place of safety at {f.disembarked_at.isoformat()}:"
            f" {_describe(d)}; legal basis: {d.legal_basis}. Refoulement risk.",
            (f.disembarking_vessel,),
        )
    if d is None or d.status is DesignationStatus.UNASSESSED:
        return RuleResult(
            "a_place_not_safe",
            Outcome.CANNOT_JUDGE,
            f"Cannot judge: missing an assessment of {f.place()} on"
            f" {f.disembarked_at.date()}: {_describe(d)}.",
        )
    dissent = [
        x
        for x in reg.for_place(f.port_country, f.port_locode)
        if x.status is DesignationStatus.NOT_SAFE and (x.locode or None) == (d.locode or None)
    ]
    if dissent:
        return RuleResult(
            "a_place_not_safe",
            Outcome.FLAG,
            f"Contradictory sources: {_describe(d)}, but in force the same day "
            + "; ".join(_describe(x) for x in dissent)
            + ". The latest designation was applied; check the sources.",
            (f.disembarking_vessel,),
        )
    return RuleResult(
        "a_place_not_safe",
        Outcome.PASS,
        f"{f.place()}: {_describe(d)}.",
    )


def rule_b_departure_country(f: DisembarkationFacts, reg: RegistrySnapshot) -> RuleResult:
    """(b) Disembarking in the departure country while anyone seeks asylum is flagged."""
    if f.persons_seeking_asylum > 0 and f.protection_asked in ("not_asked", "could_not_ask"):
        return RuleResult(
            "b_departure_country_asylum",
            Outcome.FLAG,
            f"Contradictory facts: {f.persons_seeking_asylum} person(s) seek asylum, yet people"
            f" were recorded as {f.protection_asked.replace('_', ' ')} whether they sought"
            " protection.",
            (f.disembarking_vessel,),
        )
    if f.persons_seeking_asylum > 0 and f.departure_country == f.port_country:
        return RuleResult(
            "b_departure_country_asylum",
            Outcome.FLAG,
            f"{f.persons_seeking_asylum} person(s) said they seek asylum and were disembarked in"
            f" {f.port_country}, the country the boat departed from.",
            (f.disembarking_vessel,),
        )
    if f.persons_seeking_asylum > 0 and f.departure_country is None:
        return RuleResult(
            "b_departure_country_asylum",
            Outcome.FLAG,
            f"{f.persons_seeking_asylum} person(s) seek asylum but the departure country was not"
            " recorded, so return to it cannot be excluded.",
            (f.disembarking_vessel,),
        )
    returned = f.departure_country is None or f.departure_country == f.port_country
    if f.persons_seeking_asylum == 0 and returned and f.protection_asked != "asked":
        return RuleResult(
            "b_departure_country_asylum",
            Outcome.CANNOT_JUDGE,
            "Cannot judge: missing whether anyone seeks asylum (people were"
            f" {f.protection_asked.replace('_', ' ')} whether they sought protection) for a"
            f" landing in {f.port_country}, which is the departure country or may be.",
        )
    return RuleResult(
        "b_departure_country_asylum",
        Outcome.PASS,
        f"Asylum seekers: {f.persons_seeking_asylum}; departure country"
        f" {f.departure_country or 'not recorded'}; port country {f.port_country}.",
    )


def rule_c_assignment(f: DisembarkationFacts, reg: RegistrySnapshot) -> RuleResult:
    """(c) A disembarkation without an RCC place-of-safety assignment is flagged."""
    a = f.assignment
    if a is None:
        return RuleResult(
            "c_rcc_assignment",
            Outcome.FLAG,
            "No place-of-safety assignment by an RCC was recorded"
            " (MSC.167(78) 6.7, SAR Convention).",
            (f.disembarking_vessel,),
        )
    if a.assigned_at > f.disembarked_at:
        return RuleResult(
            "c_rcc_assignment",
            Outcome.FLAG,
            f"Contradictory facts: assigned by {a.assigned_by} at {a.assigned_at.isoformat()},"
            f" after the landing at {f.disembarked_at.isoformat()}.",
            (f.disembarking_vessel,),
        )
    return RuleResult(
        "c_rcc_assignment",
        Outcome.PASS,
        f"Assigned by {a.assigned_by} at {a.assigned_at.isoformat()}, reference {a.reference}.",
    )


def vessel_balances(f: DisembarkationFacts) -> dict[str, int]:
    """Return persons held per vessel after rescue and all transfers (before disembarkation)."""
    bal: dict[str, int] = {f.rescuing_vessel: f.persons_rescued}
    for t in f.transfers:
        bal[t.from_vessel] = bal.get(t.from_vessel, 0) - t.persons
        bal[t.to_vessel] = bal.get(t.to_vessel, 0) + t.persons
    bal.setdefault(f.disembarking_vessel, 0)
    return bal


def rule_d_headcount(f: DisembarkationFacts, reg: RegistrySnapshot) -> RuleResult:
    """(d) rescued - transferred elsewhere - disembarked must be zero, or people are missing."""
    bal = vessel_balances(f)
    negative = sorted(v for v, n in bal.items() if n < 0)
    elsewhere = sum(n for v, n in bal.items() if v != f.disembarking_vessel and n > 0)
    missing = f.persons_rescued - elsewhere - f.persons_disembarked
    if negative:
        return RuleResult(
            "d_headcount",
            Outcome.FLAG,
            "Transfers hand on more people than the vessel held: "
            + ", ".join(f"{f.name(v)} ({bal[v]})" for v in negative),
            tuple(negative),
        )
    if missing != 0:
        word = "unaccounted for" if missing > 0 else "more disembarked than rescued"
        return RuleResult(
            "d_headcount",
            Outcome.FLAG,
            f"Rescued {f.persons_rescued} - transferred elsewhere {elsewhere} - disembarked"
            f" {f.persons_disembarked} = {missing}: {abs(missing)} person(s) {word}.",
            (f.disembarking_vessel,),
        )
    return RuleResult(
        "d_headcount",
        Outcome.PASS,
        f"Rescued {f.persons_rescued} - transferred elsewhere {elsewhere} - disembarked"
        f" {f.persons_disembarked} = 0.",
    )


def make_rule_e(
    max_on_board_h: float,
) -> Callable[[DisembarkationFacts, RegistrySnapshot], RuleResult]:
    """Return rule (e) with the given limit in hours from rescue to disembarkation."""

    def rule_e_time_on_board(f: DisembarkationFacts, reg: RegistrySnapshot) -> RuleResult:
        """(e) A ship is only a temporary place of safety (MSC.167(78) 6.13)."""
        elapsed = f.disembarked_at - f.rescued_at
        hours = elapsed / timedelta(hours=1)
        if elapsed < timedelta(0):
            return RuleResult(
                "e_time_on_board",
                Outcome.FLAG,
                f"Disembarkation time is {-hours:.1f} h before the rescue time: check the record.",
                (f.disembarking_vessel,),
            )
        if hours > max_on_board_h:
            return RuleResult(
                "e_time_on_board",
                Outcome.FLAG,
                f"{hours:.1f} h from rescue to disembarkation, over the {max_on_board_h:g} h limit;"
                " the assisting ship is only a temporary place of safety (MSC.167(78) 6.13).",
                (f.disembarking_vessel,),
            )
        return RuleResult(
            "e_time_on_board",
            Outcome.PASS,
            f"{hours:.1f} h from rescue to disembarkation (limit {max_on_board_h:g} h).",
        )

    return rule_e_time_on_board


def handover_chain(f: DisembarkationFacts) -> list[Transfer]:
    """Return transfers whose people can reach the disembarking vessel, nearest first."""
    chain: list[Transfer] = []
    frontier = [f.disembarking_vessel]
    seen = {f.disembarking_vessel}
    while frontier:
        target = frontier.pop(0)
        for t in f.transfers:
            if t.to_vessel == target and t.persons > 0 and t not in chain:
                chain.append(t)
                if t.from_vessel not in seen:
                    seen.add(t.from_vessel)
                    frontier.append(t.from_vessel)
    return chain


def rule_f_handover(f: DisembarkationFacts, reg: RegistrySnapshot) -> RuleResult:
    """(f) Handing people to a vessel that lands them in a place not safe: chain violation."""
    d = reg.status_of(f.port_country, f.port_locode)
    chain = handover_chain(f)
    if not chain:
        return RuleResult("f_handover_chain", Outcome.PASS, "No ship-to-ship handover.")
    late = [t for t in chain if t.at is not None and t.at > f.disembarked_at]
    if late:
        return RuleResult(
            "f_handover_chain",
            Outcome.FLAG,
            "Contradictory facts: handover(s) recorded after the landing: "
            + "; ".join(f"{f.name(t.from_vessel)} to {f.name(t.to_vessel)}" for t in late),
            tuple(dict.fromkeys(t.from_vessel for t in late)),
        )
    if d is None or d.status is DesignationStatus.UNASSESSED:
        return RuleResult(
            "f_handover_chain",
            Outcome.CANNOT_JUDGE,
            f"Cannot judge: {len(chain)} handover(s) towards a landing at {f.place()}, which"
            " has no assessment that day.",
        )
    if d.status is not DesignationStatus.NOT_SAFE:
        return RuleResult(
            "f_handover_chain",
            Outcome.PASS,
            f"{len(chain)} handover(s); the receiving vessel landed them at {f.place()},"
            " not designated unsafe.",
        )
    steps = "; ".join(
        f"{f.name(t.from_vessel)} handed {t.persons} to {f.name(t.to_vessel)}" for t in chain
    )
    attributed = tuple(dict.fromkeys([t.from_vessel for t in chain] + [f.disembarking_vessel]))
    return RuleResult(
        "f_handover_chain",
        Outcome.VIOLATION,
        f"{steps}; {f.name(f.disembarking_vessel)} disembarked them at {f.place()}, not a place"
        f" of safety ({d.citation}). Each vessel in the chain shares responsibility.",
        attributed,
    )


# What the record may say about each fact; "unknown" is never read as "no problem".
PROTECTION_ASKED = ("asked", "not_asked", "could_not_ask", "unknown")
YES_NO_UNKNOWN = ("yes", "no", "unknown")
_SAID = {
    "asked": "asked",
    "not_asked": "not asked",
    "could_not_ask": "could not be asked",
    "unknown": "not recorded",
}


def protection_contradiction(f: DisembarkationFacts) -> str | None:
    """Return why the record contradicts itself about protection, or None."""
    if f.persons_seeking_asylum > 0 and f.protection_asked in ("not_asked", "could_not_ask"):
        return (
            f"the record says {f.persons_seeking_asylum} person(s) seek asylum but also that"
            f" people were {_SAID[f.protection_asked]} whether they sought protection"
        )
    return None


def rule_g_protection_asked(f: DisembarkationFacts, reg: RegistrySnapshot) -> RuleResult:
    """(g) Were the people asked whether they sought protection (IMO/ICS/UNHCR Rescue at Sea)?"""
    rule = "g_protection_asked"
    contradiction = protection_contradiction(f)
    if contradiction:
        return RuleResult(
            rule, Outcome.FLAG, f"Contradictory facts: {contradiction}.", (f.disembarking_vessel,)
        )
    if f.protection_asked == "not_asked":
        return RuleResult(
            rule,
            Outcome.FLAG,
            "Nobody asked the people whether they sought protection; the master must tell the"
            " RCC of anyone seeking asylum (IMO/ICS/UNHCR, Rescue at Sea).",
            tuple(dict.fromkeys([f.rescuing_vessel, f.disembarking_vessel])),
        )
    if f.protection_asked == "could_not_ask":
        return RuleResult(
            rule,
            Outcome.PASS,
            "People could not be asked whether they sought protection before landing; the"
            " authorities at the landing place must ask.",
        )
    if f.protection_asked == "asked":
        return RuleResult(
            rule,
            Outcome.PASS,
            f"People were asked whether they sought protection; {f.persons_seeking_asylum}"
            " said they did.",
        )
    return RuleResult(
        rule,
        Outcome.CANNOT_JUDGE,
        "Cannot judge: missing whether people were asked if they sought protection.",
    )


def rule_h_asylum_procedure(f: DisembarkationFacts, reg: RegistrySnapshot) -> RuleResult:
    """(h) Had the people access to an asylum procedure at the landing place?"""
    rule = "h_asylum_procedure"
    d = reg.status_of(f.port_country, f.port_locode)
    if (
        f.asylum_procedure_access == "yes"
        and d is not None
        and d.status is DesignationStatus.NOT_SAFE
    ):
        return RuleResult(
            rule,
            Outcome.FLAG,
            f"Contradictory facts: the record says there was access to an asylum procedure at"
            f" {f.place()}, designated not safe (designation #{d.id}: {d.citation}).",
            (f.disembarking_vessel,),
        )
    if f.asylum_procedure_access == "yes":
        return RuleResult(
            rule, Outcome.PASS, f"Access to an asylum procedure at {f.place()} was recorded."
        )
    if f.asylum_procedure_access == "no":
        if f.persons_seeking_asylum > 0 or f.protection_asked != "asked":
            who = (
                f"{f.persons_seeking_asylum} person(s) seek asylum"
                if f.persons_seeking_asylum > 0
                else f"people were {_SAID[f.protection_asked]} whether they sought protection"
            )
            return RuleResult(
                rule,
                Outcome.FLAG,
                f"No access to an asylum procedure at {f.place()} while {who}.",
                (f.disembarking_vessel,),
            )
        return RuleResult(
            rule,
            Outcome.PASS,
            f"No access to an asylum procedure at {f.place()}; everyone was asked and nobody"
            " sought protection.",
        )
    return RuleResult(
        rule, Outcome.CANNOT_JUDGE, "Cannot judge: missing access to an asylum procedure."
    )


def rule_i_medical_screening(f: DisembarkationFacts, reg: RegistrySnapshot) -> RuleResult:
    """(i) Were the people medically screened on landing (MSC.167(78) 6.12: medical care)?"""
    rule = "i_medical_screening"
    if f.medical_screening == "yes" and f.persons_disembarked == 0:
        return RuleResult(
            rule,
            Outcome.FLAG,
            "Contradictory facts: medical screening recorded but nobody was disembarked.",
            (f.disembarking_vessel,),
        )
    if f.medical_screening == "yes":
        return RuleResult(rule, Outcome.PASS, "Medical screening on landing was recorded.")
    if f.medical_screening == "no":
        return RuleResult(
            rule,
            Outcome.FLAG,
            f"No medical screening on landing ({f.medical_cases} medical case(s) recorded);"
            " a place of safety must meet medical needs (MSC.167(78) 6.12).",
            (f.disembarking_vessel,),
        )
    return RuleResult(
        rule, Outcome.CANNOT_JUDGE, "Cannot judge: missing whether people were medically screened."
    )


def evaluate(
    facts: DisembarkationFacts,
    registry: RegistrySnapshot,
    *,
    max_on_board_h: float = DEFAULT_MAX_ON_BOARD_H,
) -> Evaluation:
    """Run every rule of RULESET_VERSION against facts and the registry as it stood then."""
    rules: Sequence[Callable[[DisembarkationFacts, RegistrySnapshot], RuleResult]] = (
        rule_a_place_not_safe,
        rule_b_departure_country,
        rule_c_assignment,
        rule_d_headcount,
        make_rule_e(max_on_board_h),
        rule_f_handover,
        rule_g_protection_asked,
        rule_h_asylum_procedure,
        rule_i_medical_screening,
    )
    return Evaluation(
        RULESET_VERSION,
        registry.digest(),
        tuple(rule(facts, registry) for rule in rules),
        as_known="now" if registry.known_at is None else "then",
        designations=applied_designations(facts, registry),
    )
