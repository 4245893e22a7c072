"""Every rule with its facts present, absent and contradictory: a missing fact is never a pass."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sar_coord.disembarkation.rules import (
    Assignment,
    Designation,
    DesignationStatus,
    DisembarkationFacts,
    Outcome,
    RegistrySnapshot,
    Transfer,
    evaluate,
)
from tests.audit.apphelpers import make_case
from tests.disembarkation.test_disembarkation_api import body

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
SET_AT = datetime(2026, 1, 1, tzinfo=UTC)


def _d(id_: int, country: str, status: DesignationStatus, locode: str | None = None) -> Designation:
    return Designation(
        id=id_,
        country=country,
        locode=locode,
        status=status,
        legal_basis="test basis",
        citation=f"test source {id_}",
        effective_from=datetime(2015, 1, 1, tzinfo=UTC),
        effective_until=None,
        set_at=SET_AT,
    )


IT = _d(1, "IT", DesignationStatus.DESIGNATED)
LY = _d(2, "LY", DesignationStatus.NOT_SAFE)
TN = _d(3, "TN", DesignationStatus.UNASSESSED)
REGISTRY = (IT, LY, TN)

# Every fact present, a compliant landing in Lampedusa after a transfer to a cutter.
GOOD = DisembarkationFacts(
    rescuing_vessel="merchant",
    persons_rescued=48,
    rescued_at=T0,
    disembarking_vessel="cutter",
    port_locode="ITLMP",
    port_country="IT",
    disembarked_at=T0 + timedelta(hours=9),
    persons_disembarked=48,
    persons_seeking_asylum=40,
    departure_country="LY",
    assignment=Assignment("IT MRCC Rome", T0 + timedelta(hours=1), "POS-1"),
    transfers=(Transfer("merchant", "cutter", 48, T0 + timedelta(hours=2)),),
    protection_asked="asked",
    asylum_procedure_access="yes",
    medical_screening="yes",
)


def f(**kw: Any) -> DisembarkationFacts:
    return dataclasses.replace(GOOD, **kw)


# (rule letter, case, facts, extra designations, expected outcome, text the explanation holds)
CASES: list[tuple[str, str, DisembarkationFacts, tuple[Designation, ...], Outcome, str]] = [
    ("a", "present", GOOD, (), Outcome.PASS, "designated"),
    ("a", "absent", f(port_locode="MTMAR", port_country="MT"), (), Outcome.CANNOT_JUDGE,
     "Cannot judge: missing an assessment"),
    ("a", "absent (unassessed)", f(port_locode="TNSFA", port_country="TN", departure_country="LY"),
     (), Outcome.CANNOT_JUDGE, "unassessed"),
    ("a", "contradictory", f(port_locode="LYTIP", port_country="LY"),
     (_d(9, "LY", DesignationStatus.DESIGNATED),), Outcome.FLAG, "Contradictory sources"),
    ("b", "present", GOOD, (), Outcome.PASS, "Asylum seekers: 40"),
    ("b", "absent", f(port_locode="LYTIP", port_country="LY", persons_seeking_asylum=0,
                      protection_asked="unknown"), (), Outcome.CANNOT_JUDGE,
     "Cannot judge: missing whether anyone seeks asylum"),
    ("b", "contradictory", f(protection_asked="not_asked"), (), Outcome.FLAG,
     "Contradictory facts"),
    ("c", "present", GOOD, (), Outcome.PASS, "IT MRCC Rome"),
    ("c", "absent", f(assignment=None), (), Outcome.FLAG, "No place-of-safety assignment"),
    ("c", "contradictory", f(assignment=Assignment("IT MRCC Rome", T0 + timedelta(hours=12), "P")),
     (), Outcome.FLAG, "after the landing"),
    ("d", "present", GOOD, (), Outcome.PASS, "= 0"),
    ("d", "absent", f(persons_disembarked=45), (), Outcome.FLAG, "3 person(s) unaccounted for"),
    ("d", "contradictory", f(transfers=(Transfer("merchant", "cutter", 60),)), (), Outcome.FLAG,
     "more people than the vessel held"),
    ("e", "present", GOOD, (), Outcome.PASS, "9.0 h"),
    ("e", "over the limit", f(disembarked_at=T0 + timedelta(hours=80),
                              transfers=(Transfer("merchant", "cutter", 48),)), (), Outcome.FLAG,
     "over the 72 h limit"),
    ("e", "contradictory", f(disembarked_at=T0 - timedelta(hours=1),
                             transfers=(Transfer("merchant", "cutter", 48),),
                             assignment=Assignment("IT MRCC Rome", T0 - timedelta(hours=2), "P")),
     (), Outcome.FLAG, "before the rescue"),
    ("f", "present", GOOD, (), Outcome.PASS, "not designated unsafe"),
    ("f", "absent", f(port_locode="TNSFA", port_country="TN"), (), Outcome.CANNOT_JUDGE,
     "no assessment that day"),
    ("f", "contradictory",
     f(transfers=(Transfer("merchant", "cutter", 48, T0 + timedelta(hours=10)),)),
     (), Outcome.FLAG, "after the landing"),
    ("g", "present", GOOD, (), Outcome.PASS, "were asked"),
    ("g", "not asked", f(protection_asked="not_asked", persons_seeking_asylum=0), (), Outcome.FLAG,
     "Nobody asked"),
    ("g", "could not ask", f(protection_asked="could_not_ask", persons_seeking_asylum=0), (),
     Outcome.PASS, "could not be asked"),
    ("g", "absent", f(protection_asked="unknown"), (), Outcome.CANNOT_JUDGE,
     "Cannot judge: missing whether people were asked"),
    ("g", "contradictory", f(protection_asked="could_not_ask"), (), Outcome.FLAG,
     "Contradictory facts"),
    ("h", "present", GOOD, (), Outcome.PASS, "was recorded"),
    ("h", "no access", f(asylum_procedure_access="no"), (), Outcome.FLAG,
     "No access to an asylum procedure"),
    ("h", "absent", f(asylum_procedure_access="unknown"), (), Outcome.CANNOT_JUDGE,
     "Cannot judge: missing access to an asylum procedure"),
    ("h", "contradictory", f(port_locode="LYTIP", port_country="LY"), (), Outcome.FLAG,
     "designated not safe"),
    ("i", "present", GOOD, (), Outcome.PASS, "screening on landing was recorded"),
    ("i", "not screened", f(medical_screening="no", medical_cases=2), (), Outcome.FLAG,
     "2 medical case(s)"),
    ("i", "absent", f(medical_screening="unknown"), (), Outcome.CANNOT_JUDGE,
     "Cannot judge: missing whether people were medically screened"),
    ("i", "contradictory", f(persons_disembarked=0, persons_rescued=0,
                             transfers=(), disembarking_vessel="merchant"), (), Outcome.FLAG,
     "nobody was disembarked"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "facts_", "extra", "outcome", "text"),
    [c[:1] + c[2:] for c in CASES],
    ids=[f"{c[0]}-{c[1]}" for c in CASES],
)
def test_rule(
    rule: str,
    facts_: DisembarkationFacts,
    extra: tuple[Designation, ...],
    outcome: Outcome,
    text: str,
) -> None:
    ev = evaluate(facts_, RegistrySnapshot(facts_.disembarked_at, (*REGISTRY, *extra)))
    result = next(r for r in ev.results if r.rule[0] == rule)
    assert result.outcome is outcome, result.explanation
    assert text in result.explanation


def test_every_rule_has_present_absent_and_contradictory_cases() -> None:
    for letter in "abcdefghi":
        kinds = {c[1] for c in CASES if c[0] == letter}
        assert "present" in kinds and "contradictory" in kinds, letter
        assert len(kinds) >= 3, letter


def test_transfer_to_a_cutter_landed_in_lampedusa_is_compliant() -> None:
    ev = evaluate(GOOD, RegistrySnapshot(GOOD.disembarked_at, REGISTRY))
    assert ev.outcome is Outcome.PASS, [r for r in ev.results if r.outcome is not Outcome.PASS]


def test_a_missing_fact_is_never_a_pass_overall() -> None:
    ev = evaluate(f(medical_screening="unknown"), RegistrySnapshot(GOOD.disembarked_at, REGISTRY))
    assert ev.outcome is Outcome.CANNOT_JUDGE
    worse = evaluate(
        f(medical_screening="unknown", assignment=None),
        RegistrySnapshot(GOOD.disembarked_at, REGISTRY),
    )
    assert worse.outcome is Outcome.FLAG


async def test_facts_are_stored_logged_and_validated(fclient, users, db_url, log_signer) -> None:
    case_id = await make_case(db_url, lon=12.6, lat=35.4, at=T0)
    h = users["rcc"]["headers"]
    r = await fclient.post(
        "/api/v1/disembarkations",
        json=body(case_id, protection_asked="maybe"),
        headers=h,
    )
    assert r.status_code == 422
    r = await fclient.post(
        "/api/v1/disembarkations",
        json=body(case_id, protection_asked="not_asked", persons_seeking_asylum=0,
                  asylum_procedure_access="unknown"),
        headers=h,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    d = r.json()
    assert (d["protection_asked"], d["asylum_procedure_access"], d["medical_screening"]) == (
        "not_asked", "unknown", "yes"
    )  # fmt: skip
    got = {x["rule"][0]: x["outcome"] for x in d["evaluations"][0]["results"]}
    assert got["g"] == "flag" and got["h"] == "cannot_judge" and got["i"] == "pass"
    r = await fclient.get(
        f"/api/v1/audit/entries?case_id={case_id}&kind=disembarkation",
        headers=users["auditor"]["headers"],
    )
    logged = r.json()[0]["entry"]["payload"]
    assert logged["protection_asked"] == "not_asked"
    assert logged["asylum_procedure_access"] == "unknown"

    # A record that says nothing about them: the rules cannot judge, they do not pass.
    doc = body(case_id)
    for key in ("protection_asked", "asylum_procedure_access", "medical_screening"):
        doc.pop(key)
    r = await fclient.post("/api/v1/disembarkations", json=doc, headers=h)
    ev = r.json()["evaluations"][0]
    assert ev["outcome"] == "cannot_judge"
    assert r.json()["protection_asked"] == "unknown"
