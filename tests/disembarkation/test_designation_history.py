"""The law on the day: a July 2018 return to Tripoli judged with the sources in force then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work
from tests.audit.apphelpers import make_case
from tests.disembarkation.test_disembarkation_api import body

ASSO28_AT = datetime(2018, 7, 30, 9, 0, tzinfo=UTC)


def asso28_body(case_id: int) -> dict[str, Any]:
    """Merchant ship rescues 101 in international waters, hands them to the Libyan coast guard,
    who land them in Tripoli; nobody asked about asylum, no RCC assignment."""
    return body(
        case_id,
        rescuing_mmsi=247000028,
        rescuing_vessel_name="Offshore Supply 28",
        rescued_at=ASSO28_AT.isoformat(),
        persons_rescued=101,
        disembarking_mmsi=642000028,
        disembarking_vessel_name="Libyan coast guard patrol",
        transfers=[
            {
                "from_mmsi": 247000028,
                "to_mmsi": 642000028,
                "persons": 101,
                "transferred_at": (ASSO28_AT + timedelta(hours=3)).isoformat(),
            }
        ],
        port_locode="LYTIP",
        disembarked_at=(ASSO28_AT + timedelta(hours=10)).isoformat(),
        persons={"total": 101, "minors": 5},
        persons_seeking_asylum=0,
        departure_country="LY",
        assignment=None,
        notes=None,
    )


def _rule(ev: dict[str, Any], prefix: str) -> dict[str, Any]:
    return next(r for r in ev["results"] if r["rule"].startswith(prefix))


async def test_july_2018_return_to_tripoli_is_a_violation_citing_the_source_then(
    fclient, users, db_url, log_signer
) -> None:
    case_id = await make_case(db_url, lon=13.2, lat=33.6, at=ASSO28_AT)
    r = await fclient.post(
        "/api/v1/disembarkations", json=asso28_body(case_id), headers=users["rcc"]["headers"]
    )
    assert r.status_code == 201, r.text
    ev = r.json()["evaluations"][0]
    assert ev["outcome"] == "violation" and ev["as_known"] == "then"
    a = _rule(ev, "a_")
    assert a["outcome"] == "violation"
    assert "UNHCR Position on Returns to Libya - Update I, 2015-10" in a["explanation"]
    assert _rule(ev, "f_")["outcome"] == "violation"
    applied = [d for d in ev["designations"] if d["applied"]]
    assert len(applied) == 1 and applied[0]["issuing_body"] == "UNHCR"
    assert "Update I," in applied[0]["citation"]
    in_force = {d["citation"].split(",")[0] for d in ev["designations"]}
    # Hirsi (2012), UNHCR 2014 and 2015 were public; Update II (September 2018) and the Asso 28
    # judgments (2021, 2023) were not.
    assert "European Court of Human Rights (Grand Chamber)" in in_force
    assert not any("Update II" in d["citation"] for d in ev["designations"])
    assert not any(d["issuing_body"] == "Corte di Cassazione" for d in ev["designations"])


async def test_reevaluate_as_known_then_and_now_both_logged(
    fclient, users, db_url, log_signer
) -> None:
    case_id = await make_case(db_url, lon=13.2, lat=33.6, at=ASSO28_AT)
    r = await fclient.post(
        "/api/v1/disembarkations", json=asso28_body(case_id), headers=users["rcc"]["headers"]
    )
    d = r.json()
    url = f"/api/v1/disembarkations/{d['id']}/reevaluations"
    r = await fclient.post(url, json={"as_known": "now"}, headers=users["rcc"]["headers"])
    assert r.status_code == 403
    r = await fclient.post(url, json={"as_known": "later"}, headers=users["auditor"]["headers"])
    assert r.status_code == 422

    h = users["auditor"]["headers"]
    now = (await fclient.post(url, json={"as_known": "now"}, headers=h)).json()
    then = (await fclient.post(url, json={"as_known": "then"}, headers=h)).json()
    assert now["as_known"] == "now" and then["as_known"] == "then"
    assert now["outcome"] == then["outcome"] == "violation"
    assert now["requested_by"].startswith("fixture_auditor")
    now_applied = next(x for x in now["designations"] if x["applied"])
    then_applied = next(x for x in then["designations"] if x["applied"])
    assert now_applied["issuing_body"] == "Corte di Cassazione"
    assert now_applied["locode"] == "LYTIP"
    assert then_applied["issuing_body"] == "UNHCR"
    assert now["registry_hash"] != then["registry_hash"]
    assert then["designations"] == d["evaluations"][0]["designations"]

    r = await fclient.get(f"/api/v1/audit/entries?case_id={case_id}", headers=h)
    logged = [e for e in r.json() if e["kind"] == "compliance_evaluation"]
    assert [e["leaf_index"] for e in logged[1:]] == [now["log_index"], then["log_index"]]
    assert [e["entry"]["payload"]["as_known"] for e in logged] == ["then", "now", "then"]
    assert logged[1]["entry"]["payload"]["requested_by"] == now["requested_by"]

    r = await fclient.get(f"/api/v1/disembarkations/{d['id']}", headers=h)
    assert [e["as_known"] for e in r.json()["evaluations"]] == ["then", "now", "then"]
    r = await fclient.post(
        "/api/v1/disembarkations/999999999/reevaluations", json={"as_known": "now"}, headers=h
    )
    assert r.status_code == 404


async def test_seed_covers_the_routes_with_citations_and_every_version_is_logged(
    db_url: str,
) -> None:
    from sar_coord.audit.records import check_records
    from sar_coord.places.service import list_designations

    engine = make_engine(db_url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as session:
            rows = [
                d for d in await list_designations(session) if d.set_by.startswith("seed: issue")
            ]
            assert {d.country for d in rows} >= {"LY", "IT", "MT", "GR", "ES", "TR", "MA", "SN"}
            for d in rows:
                assert d.issuing_body and d.citation_title and d.citation_date, d.id
                assert d.citation.startswith(d.issuing_body)
            libya = sorted(
                (d for d in rows if d.country == "LY" and d.locode is None),
                key=lambda d: d.effective_from,
            )
            assert [d.citation_date for d in libya] == [
                "2012-02-23", "2014-11", "2015-10", "2018-09", "2020-09", "2021-05"
            ]  # fmt: skip
            assert libya[0].citation_reference == "Application no. 27765/09"
            assert all(d.citation_url is None for d in rows)  # no URL we cannot vouch for
            assert await check_records(session) == []
    finally:
        await engine.dispose()
