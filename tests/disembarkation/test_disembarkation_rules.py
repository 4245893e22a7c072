"""Compliance rules, table-driven, including the Asso 28 pattern."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sar_coord.disembarkation.rules import (
    RULESET_VERSION,
    Assignment,
    DisembarkationFacts,
    Outcome,
    Transfer,
    evaluate,
)
from sar_coord.places.registry import Designation, DesignationStatus, RegistrySnapshot

T0 = datetime(2018, 7, 30, 9, 0, tzinfo=UTC)


def _d(
    id_: int,
    country: str,
    status: DesignationStatus,
    start: datetime,
    locode: str | None = None,
    until: datetime | None = None,
    citation: str = "test citation",
) -> Designation:
    return Designation(
        id=id_,
        country=country,
        locode=locode,
        status=status,
        legal_basis="test basis",
        citation=citation,
        effective_from=start,
        effective_until=until,
        set_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


# Seeded designations (DOMAIN.md), plus the Asso 28 judgment, which held that Tripoli was not a
# place of safety in July 2018.
SEED = (
    _d(
        1, "LY", DesignationStatus.NOT_SAFE, datetime(2020, 9, 1, tzinfo=UTC), citation="UNHCR 2020"
    ),
    _d(
        2, "LY", DesignationStatus.NOT_SAFE, datetime(2021, 5, 1, tzinfo=UTC), citation="OHCHR 2021"
    ),
)
ASSO28_JUDGMENT = _d(
    3,
    "LY",
    DesignationStatus.NOT_SAFE,
    datetime(2018, 7, 1, tzinfo=UTC),
    citation="Corte di Cassazione, 12 October 2023 (Asso 28)",
)
ITALY_SAFE = _d(4, "IT", DesignationStatus.DESIGNATED, datetime(2015, 1, 1, tzinfo=UTC))
LAMPEDUSA_WITHDRAWN = _d(
    5,
    "IT",
    DesignationStatus.NOT_SAFE,
    datetime(2018, 7, 1, tzinfo=UTC),
    locode="ITLMP",
    until=datetime(2018, 7, 15, tzinfo=UTC),
)
ALL = (*SEED, ASSO28_JUDGMENT, ITALY_SAFE, LAMPEDUSA_WITHDRAWN)

ASSIGNED = Assignment("MRCC Rome", T0 + timedelta(hours=2), "MRCC-2018-0730-1")

BASE = DisembarkationFacts(
    rescuing_vessel="A",
    persons_rescued=101,
    rescued_at=T0,
    disembarking_vessel="A",
    port_locode="ITAUG",
    port_country="IT",
    disembarked_at=T0 + timedelta(hours=30),
    persons_disembarked=101,
    persons_seeking_asylum=20,
    departure_country="LY",
    assignment=ASSIGNED,
)

ASSO28 = dataclasses.replace(
    BASE,
    rescuing_vessel="asso28",
    disembarking_vessel="ly-patrol",
    transfers=(Transfer("asso28", "ly-patrol", 101, T0 + timedelta(hours=3)),),
    port_locode="LYTIP",
    port_country="LY",
    disembarked_at=T0 + timedelta(hours=10),
    persons_seeking_asylum=0,
    assignment=None,
    vessel_names={"asso28": "Asso Ventotto", "ly-patrol": "Libyan coast guard vessel"},
)


def facts(**kw: Any) -> DisembarkationFacts:
    return dataclasses.replace(BASE, **kw)


CASES: list[tuple[str, DisembarkationFacts, tuple[Designation, ...], dict[str, Outcome]]] = [
    (
        "compliant landing in Italy",
        BASE,
        ALL,
        {r: Outcome.PASS for r in "abcdef"},
    ),
    (
        "Tripoli after UNHCR 2020 is a violation",
        facts(
            port_locode="LYTIP",
            port_country="LY",
            rescued_at=datetime(2022, 1, 1, tzinfo=UTC),
            disembarked_at=datetime(2022, 1, 2, tzinfo=UTC),
        ),
        SEED,
        {"a": Outcome.VIOLATION, "b": Outcome.FLAG, "f": Outcome.PASS},
    ),
    (
        "registry as it stood: Tripoli in 2018 with only the 2020/2021 designations is unassessed",
        facts(port_locode="LYTIP", port_country="LY", persons_seeking_asylum=0),
        SEED,
        {"a": Outcome.CANNOT_JUDGE, "f": Outcome.PASS},
    ),
    (
        "other Libyan port is covered by the country designation",
        facts(port_locode="LYMRA", port_country="LY", persons_seeking_asylum=0),
        ALL,
        {"a": Outcome.VIOLATION},
    ),
    (
        "port-level designation overrides the country while in force",
        facts(port_locode="ITLMP", disembarked_at=datetime(2018, 7, 31, tzinfo=UTC)),
        (ITALY_SAFE, LAMPEDUSA_WITHDRAWN),
        {"a": Outcome.PASS},
    ),
    (
        "port-level not-safe window",
        facts(
            port_locode="ITLMP",
            rescued_at=datetime(2018, 7, 10, tzinfo=UTC),
            disembarked_at=datetime(2018, 7, 11, tzinfo=UTC),
        ),
        (ITALY_SAFE, LAMPEDUSA_WITHDRAWN),
        {"a": Outcome.VIOLATION},
    ),
    (
        "asylum seekers landed in the departure country",
        facts(port_locode="TNTUN", port_country="TN", departure_country="TN"),
        ALL,
        {"a": Outcome.CANNOT_JUDGE, "b": Outcome.FLAG},
    ),
    (
        "asylum seekers, departure country unknown",
        facts(departure_country=None),
        ALL,
        {"b": Outcome.FLAG},
    ),
    (
        "nobody seeks asylum: departure country is no flag",
        facts(
            port_locode="TNTUN",
            port_country="TN",
            departure_country="TN",
            persons_seeking_asylum=0,
            protection_asked="asked",
        ),
        ALL,
        {"b": Outcome.PASS},
    ),
    ("no RCC assignment", facts(assignment=None), ALL, {"c": Outcome.FLAG}),
    ("two people missing", facts(persons_disembarked=99), ALL, {"d": Outcome.FLAG}),
    ("more landed than rescued", facts(persons_disembarked=102), ALL, {"d": Outcome.FLAG}),
    (
        "part transferred to another ship balances",
        facts(transfers=(Transfer("A", "B", 40),), persons_disembarked=61),
        ALL,
        {"d": Outcome.PASS, "f": Outcome.PASS},
    ),
    (
        "transfer of more than on board",
        facts(transfers=(Transfer("A", "B", 140),), persons_disembarked=0),
        ALL,
        {"d": Outcome.FLAG},
    ),
    (
        "over 72 h on board",
        facts(disembarked_at=T0 + timedelta(hours=73)),
        ALL,
        {"e": Outcome.FLAG},
    ),
    (
        "exactly 72 h on board passes",
        facts(disembarked_at=T0 + timedelta(hours=72)),
        ALL,
        {"e": Outcome.PASS},
    ),
    (
        "landing before rescue is flagged",
        facts(disembarked_at=T0 - timedelta(hours=1)),
        ALL,
        {"e": Outcome.FLAG},
    ),
    (
        "Asso 28: handover to a Libyan state vessel, landed in Tripoli",
        ASSO28,
        ALL,
        {
            "a": Outcome.VIOLATION,
            "c": Outcome.FLAG,
            "d": Outcome.PASS,
            "e": Outcome.PASS,
            "f": Outcome.VIOLATION,
        },
    ),
    (
        "two-step chain into Tripoli",
        dataclasses.replace(
            ASSO28,
            transfers=(Transfer("asso28", "tug", 101), Transfer("tug", "ly-patrol", 101)),
        ),
        ALL,
        {"a": Outcome.VIOLATION, "d": Outcome.PASS, "f": Outcome.VIOLATION},
    ),
]


@pytest.mark.parametrize(
    ("facts_", "registry", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rules(
    facts_: DisembarkationFacts,
    registry: tuple[Designation, ...],
    expected: dict[str, Outcome],
) -> None:
    ev = evaluate(facts_, RegistrySnapshot(facts_.disembarked_at, registry))
    got = {r.rule[0]: r.outcome for r in ev.results}
    assert len(ev.results) == 9
    assert ev.ruleset_version == RULESET_VERSION
    for rule, outcome in expected.items():
        assert got[rule] is outcome, next(r for r in ev.results if r.rule[0] == rule).explanation
    assert all(r.explanation for r in ev.results)


def test_asso28_attribution_along_the_chain() -> None:
    ev = evaluate(ASSO28, RegistrySnapshot(ASSO28.disembarked_at, ALL))
    assert ev.outcome is Outcome.VIOLATION
    f = next(r for r in ev.results if r.rule.startswith("f"))
    assert f.attributed_to == ("asso28", "ly-patrol")
    assert "Asso Ventotto handed 101 to Libyan coast guard vessel" in f.explanation
    assert "LYTIP" in f.explanation and "Cassazione" in f.explanation
    a = next(r for r in ev.results if r.rule.startswith("a"))
    assert a.attributed_to == ("ly-patrol",)


def test_two_step_chain_attributes_every_vessel() -> None:
    chain = dataclasses.replace(
        ASSO28, transfers=(Transfer("asso28", "tug", 101), Transfer("tug", "ly-patrol", 101))
    )
    ev = evaluate(chain, RegistrySnapshot(chain.disembarked_at, ALL))
    f = next(r for r in ev.results if r.rule.startswith("f"))
    assert set(f.attributed_to) == {"asso28", "tug", "ly-patrol"}


def test_configurable_limit() -> None:
    f = facts(disembarked_at=T0 + timedelta(hours=30))
    ev = evaluate(f, RegistrySnapshot(f.disembarked_at, ALL), max_on_board_h=24)
    assert next(r for r in ev.results if r.rule.startswith("e")).outcome is Outcome.FLAG


def test_registry_hash_depends_on_versions_in_force() -> None:
    at = datetime(2022, 1, 1, tzinfo=UTC)
    h1 = RegistrySnapshot(at, SEED).digest()
    assert h1 == RegistrySnapshot(at, tuple(reversed(SEED))).digest()
    assert h1 != RegistrySnapshot(at, SEED[:1]).digest()
    # a version not yet in force does not change the snapshot
    future = _d(9, "TN", DesignationStatus.NOT_SAFE, datetime(2030, 1, 1, tzinfo=UTC))
    assert h1 == RegistrySnapshot(at, (*SEED, future)).digest()
