"""Disembarkation API on the real app and database: evaluation, logging, roles, no personal data."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from sar_coord.core.db import make_engine
from tests.audit.apphelpers import make_case

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
NAME = "Amina Haddad"
PASSPORT = "P98765432"


def body(case_id: int, **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "case_id": case_id,
        "rescuing_mmsi": 247000001,
        "rescuing_vessel_name": "Fixture Trader",
        "rescued_at": T0.isoformat(),
        "persons_rescued": 60,
        "port_locode": "ITAUG",
        "disembarked_at": (T0 + timedelta(hours=20)).isoformat(),
        "persons": {"total": 60, "minors": 12, "unaccompanied_minors": 5, "women": 9},
        "persons_seeking_asylum": 40,
        "departure_country": "LY",
        "assignment": {
            "assigned_by": "MRCC Rome",
            "assigned_at": (T0 + timedelta(hours=2)).isoformat(),
            "reference": "IT-POS-1",
        },
        "notes": "two medical evacuations requested",
        "protection_asked": "asked",
        "asylum_procedure_access": "yes",
        "medical_screening": "yes",
    }
    doc.update(over)
    return doc


async def test_record_and_evaluate_compliant(fclient, users, db_url, log_signer) -> None:
    case_id = await make_case(db_url, lon=13.0, lat=34.5, at=T0)
    r = await fclient.post(
        "/api/v1/disembarkations", json=body(case_id), headers=users["rcc"]["headers"]
    )
    assert r.status_code == 201, r.text
    d = r.json()
    ev = d["evaluations"][0]
    assert ev["outcome"] == "pass", ev
    assert len(ev["results"]) == 9 and len(ev["registry_hash"]) == 64
    assert d["log_index"] is not None and ev["log_index"] == d["log_index"] + 1

    r = await fclient.get(
        f"/api/v1/audit/entries?case_id={case_id}", headers=users["auditor"]["headers"]
    )
    kinds = [e["kind"] for e in r.json()]
    assert kinds == ["disembarkation", "compliance_evaluation"]
    logged = r.json()[0]["entry"]["payload"]
    assert "notes" not in logged and len(logged["notes_sha256"]) == 64

    r = await fclient.get(f"/api/v1/disembarkations/{d['id']}", headers=users["auditor"]["headers"])
    assert r.status_code == 200 and r.json()["notes"] == "two medical evacuations requested"
    r = await fclient.get(f"/api/v1/disembarkations/{d['id']}", headers=users["master"]["headers"])
    assert r.status_code == 403


async def test_asso28_pattern_via_api(fclient, users, db_url, log_signer) -> None:
    """Handover to a Libyan state vessel, landed in Tripoli: violation along the chain."""
    at = datetime(2025, 7, 30, 9, 0, tzinfo=UTC)
    case_id = await make_case(db_url, lon=13.2, lat=33.5, at=at)
    doc = body(
        case_id,
        rescuing_vessel_name="Offshore Supply",
        rescued_at=at.isoformat(),
        persons_rescued=101,
        disembarking_mmsi=642000001,
        disembarking_vessel_name="Libyan coast guard patrol",
        transfers=[
            {
                "from_mmsi": 247000001,
                "to_mmsi": 642000001,
                "persons": 101,
                "transferred_at": (at + timedelta(hours=3)).isoformat(),
            }
        ],
        port_locode="LYTIP",
        disembarked_at=(at + timedelta(hours=10)).isoformat(),
        persons={"total": 101, "minors": 5},
        persons_seeking_asylum=0,
        assignment=None,
    )
    r = await fclient.post("/api/v1/disembarkations", json=doc, headers=users["rcc"]["headers"])
    assert r.status_code == 201, r.text
    ev = r.json()["evaluations"][0]
    by_rule = {x["rule"][0]: x for x in ev["results"]}
    assert ev["outcome"] == "violation"
    assert (
        by_rule["a"]["outcome"] == "violation" and "Lethal Disregard" in by_rule["a"]["explanation"]
    )
    assert by_rule["f"]["outcome"] == "violation"
    assert by_rule["f"]["attributed_to"] == ["247000001", "642000001"]
    assert by_rule["c"]["outcome"] == "flag"

    r = await fclient.get(
        "/api/v1/audit/entries?outcome=violation&port=LYTIP&mmsi=247000001",
        headers=users["auditor"]["headers"],
    )
    assert [e["case_id"] for e in r.json()] == [case_id]


@pytest.mark.parametrize(
    "plant",
    [
        {"survivor_names": [NAME]},
        {"persons": {"total": 60, "names": [NAME]}},
        {"transfers": [{"from_mmsi": 247000001, "to_mmsi": 247000002, "persons": 1,
                        "passport_no": PASSPORT, "person": NAME}]},
        {"assignment": {"assigned_by": "MRCC Rome", "assigned_at": T0.isoformat(),
                        "reference": "x", "people": [{"name": NAME, "passport": PASSPORT}]}},
    ],
    ids=["top-level", "in-counts", "in-transfer", "in-assignment"],
)  # fmt: skip
async def test_personal_data_never_reaches_db_or_logs(
    fclient, users, db_url, log_signer, caplog, plant
) -> None:
    case_id = await make_case(db_url, lon=13.0, lat=34.5, at=T0)
    caplog.set_level(logging.DEBUG)
    r = await fclient.post(
        "/api/v1/disembarkations",
        json=body(case_id, **plant),
        headers=users["rcc"]["headers"],
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "validation_error"
    assert NAME not in r.text and PASSPORT not in r.text
    assert NAME not in caplog.text and PASSPORT not in caplog.text

    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            for table in (
                "disembarkation",
                "disembarkation_transfer",
                "compliance_evaluation",
                "case_event",
            ):
                hits = await conn.scalar(
                    text(
                        f"SELECT count(*) FROM {table} t WHERE t::text ILIKE :n OR t::text ILIKE :p"
                    ),
                    {"n": f"%{NAME}%", "p": f"%{PASSPORT}%"},
                )
                assert hits == 0, table
            hits = await conn.scalar(
                text(
                    "SELECT count(*) FROM transparency_log WHERE position(convert_to(:n, 'UTF8')"
                    " in entry) > 0 OR position(convert_to(:p, 'UTF8') in entry) > 0"
                ),
                {"n": NAME, "p": PASSPORT},
            )
            assert hits == 0
            stored = await conn.scalar(
                text("SELECT count(*) FROM disembarkation WHERE case_id = :c"), {"c": case_id}
            )
            assert stored == 0
    finally:
        await engine.dispose()


async def test_validation_and_roles(fclient, users, db_url, log_signer) -> None:
    case_id = await make_case(db_url, lon=13.0, lat=34.5, at=T0)
    bad = body(case_id, persons={"total": 10, "minors": 11})
    r = await fclient.post("/api/v1/disembarkations", json=bad, headers=users["rcc"]["headers"])
    assert r.status_code == 422
    r = await fclient.post(
        "/api/v1/disembarkations", json=body(case_id), headers=users["auditor"]["headers"]
    )
    assert r.status_code == 403
    r = await fclient.post(
        "/api/v1/disembarkations", json=body(case_id), headers=users["master"]["headers"]
    )
    assert r.status_code == 403
    r = await fclient.post(
        "/api/v1/disembarkations", json=body(999_999_999), headers=users["rcc"]["headers"]
    )
    assert r.status_code == 404 and r.json()["error"] == "case_not_found"
    r = await fclient.post(
        "/api/v1/disembarkations",
        json=body(case_id, port_locode="ZZZZZ"),
        headers=users["rcc"]["headers"],
    )
    assert r.status_code == 404 and r.json()["error"] == "port_not_found"


async def test_times_must_be_past_and_in_order(fclient, users, db_url, log_signer) -> None:
    case_id = await make_case(db_url, lon=13.0, lat=34.5, at=T0)
    rcc = users["rcc"]["headers"]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()

    async def refused(doc: dict[str, Any]) -> str:
        r = await fclient.post("/api/v1/disembarkations", json=doc, headers=rcc)
        assert r.status_code == 422, r.text
        return " | ".join(str(e["msg"]) for e in r.json()["detail"])

    assert "is in the future" in await refused(body(case_id, disembarked_at=future))
    assert "is in the future" in await refused(body(case_id, rescued_at=future))
    late = {"assigned_by": "MRCC Rome", "reference": "IT-POS-2"}
    late["assigned_at"] = (T0 + timedelta(hours=21)).isoformat()
    msg = await refused(body(case_id, assignment=late))
    assert "is after disembarked_at" in msg and "before the landing" in msg
    early = body(case_id, disembarked_at=(T0 - timedelta(hours=1)).isoformat(), assignment=None)
    assert "is before rescued_at" in await refused(early)
    assert "ISO 3166-1 alpha-2" in await refused(body(case_id, departure_country="XX"))
    assert "at most 4000 characters" in await refused(body(case_id, notes="n" * 4001))
