"""Rescue chains: rescue -> transfer -> landing across vessels, judged whole; open ends flagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sar_coord.disembarkation.chain import Landing, Step, judge_chain
from sar_coord.disembarkation.rules import Outcome
from tests.audit.apphelpers import make_case
from tests.disembarkation.test_disembarkation_api import body

MERCHANT, CUTTER = 247000048, 247000901


def test_chain_judgement_pure() -> None:
    t0 = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
    rescue = Step(t0, "m", 48)
    handover = Step(t0 + timedelta(hours=2), "c", 48, "m")
    landed = Landing(t0 + timedelta(hours=9), "c", 48, "ITLMP")
    done = judge_chain([rescue, handover], [landed], now=t0 + timedelta(days=9), open_after_h=72)
    assert done.outcome is Outcome.PASS and "All 48" in done.explanation
    waiting = judge_chain([rescue, handover], [], now=t0 + timedelta(hours=73), open_after_h=72)
    assert waiting.outcome is Outcome.FLAG and "No landing recorded: 48 on c" in waiting.explanation
    assert waiting.attributed_to == ("c",)
    young = judge_chain([rescue], [], now=t0 + timedelta(hours=10), open_after_h=72)
    assert young.outcome is Outcome.PASS and "Chain open" in young.explanation
    too_many = judge_chain([rescue, Step(t0, "c", 60, "m")], [], now=t0, open_after_h=72)
    assert too_many.outcome is Outcome.FLAG and "Contradictory chain" in too_many.explanation
    nothing = judge_chain([], [landed], now=t0, open_after_h=72)
    assert nothing.outcome is Outcome.FLAG  # landed people nobody rescued: contradictory


async def test_transfer_to_a_cutter_landed_in_lampedusa_is_compliant(
    fclient, users, db_url, log_signer
) -> None:
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)
    case_id = await make_case(db_url, lon=12.4, lat=35.6, at=t0)
    h = users["rcc"]["headers"]
    url = f"/api/v1/disembarkations/chains/{case_id}/steps"
    counts = {"total": 48, "minors": 6, "women": 9}
    r = await fclient.post(
        url,
        json={"kind": "rescue", "at": t0.isoformat(), "lat": 35.6, "lon": 12.4,
              "to_mmsi": MERCHANT, "to_vessel_name": "Fixture Bulk", "persons": counts},
        headers=h,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["log_index"] is not None
    r = await fclient.post(
        url,
        json={"kind": "transfer", "at": (t0 + timedelta(hours=2)).isoformat(),
              "lat": 35.55, "lon": 12.45, "from_mmsi": MERCHANT, "to_mmsi": CUTTER,
              "to_vessel_name": "Coast guard cutter", "persons": counts},
        headers=h,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    landing = body(
        case_id,
        rescuing_mmsi=MERCHANT,
        rescuing_vessel_name="Fixture Bulk",
        rescued_at=t0.isoformat(),
        persons_rescued=48,
        disembarking_mmsi=CUTTER,
        disembarking_vessel_name="Coast guard cutter",
        transfers=[{"from_mmsi": MERCHANT, "to_mmsi": CUTTER, "persons": 48,
                    "transferred_at": (t0 + timedelta(hours=2)).isoformat()}],
        port_locode="ITLMP",
        disembarked_at=(t0 + timedelta(hours=9)).isoformat(),
        persons=counts,
        assignment={"assigned_by": "IT MRCC Rome", "reference": "POS-LMP-1",
                    "assigned_at": (t0 + timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    r = await fclient.post("/api/v1/disembarkations", json=landing, headers=h)
    assert r.status_code == 201, r.text
    ev = r.json()["evaluations"][0]
    assert ev["outcome"] == "pass", [x for x in ev["results"] if x["outcome"] != "pass"]

    r = await fclient.get(
        f"/api/v1/disembarkations/chains/{case_id}", headers=users["auditor"]["headers"]
    )
    chain = r.json()
    assert [s["kind"] for s in chain["steps"]] == ["rescue", "transfer"]
    assert chain["on_board"] == {}
    assert chain["result"]["outcome"] == "pass"
    assert chain["landings"][0]["outcome"] == "pass"
    r = await fclient.get(
        "/api/v1/disembarkations/chains/flagged", headers=users["auditor"]["headers"]
    )
    assert case_id not in [c["case_id"] for c in r.json()]
    r = await fclient.get(
        f"/api/v1/audit/entries?case_id={case_id}&kind=rescue_step",
        headers=users["auditor"]["headers"],
    )
    assert len(r.json()) == 2


async def test_open_chain_after_72_h_is_flagged(fclient, users, db_url, log_signer) -> None:
    now = datetime.now(UTC)
    h = users["rcc"]["headers"]
    old_case = await make_case(db_url, lon=12.1, lat=35.2, at=now - timedelta(hours=80))
    new_case = await make_case(db_url, lon=12.2, lat=35.3, at=now - timedelta(hours=5))
    for case_id, at in (
        (old_case, now - timedelta(hours=80)),
        (new_case, now - timedelta(hours=5)),
    ):
        r = await fclient.post(
            f"/api/v1/disembarkations/chains/{case_id}/steps",
            json={"kind": "rescue", "at": at.isoformat(), "to_mmsi": MERCHANT,
                  "persons": {"total": 30}},
            headers=h,
        )  # fmt: skip
        assert r.status_code == 201, r.text
    r = await fclient.get("/api/v1/disembarkations/chains/flagged", headers=h)
    flagged = {c["case_id"]: c for c in r.json()}
    assert old_case in flagged and new_case not in flagged
    result = flagged[old_case]["result"]
    assert result["outcome"] == "flag"
    assert result["explanation"].startswith(f"No landing recorded: 30 on {MERCHANT}")
    assert flagged[old_case]["on_board"] == {str(MERCHANT): 30}


async def test_steps_are_validated_and_role_checked(fclient, users, db_url, log_signer) -> None:
    case_id = await make_case(db_url, lon=12.3, lat=35.1, at=datetime.now(UTC))
    url = f"/api/v1/disembarkations/chains/{case_id}/steps"
    step = {"kind": "transfer", "at": datetime.now(UTC).isoformat(), "to_mmsi": CUTTER,
            "persons": {"total": 3}}  # fmt: skip
    r = await fclient.post(url, json=step, headers=users["rcc"]["headers"])
    assert r.status_code == 422  # a transfer needs from_mmsi
    r = await fclient.post(
        url, json=step | {"from_mmsi": MERCHANT, "name": "x"}, headers=users["rcc"]["headers"]
    )
    assert r.status_code == 422  # unknown fields are refused (no personal data slips in)
    r = await fclient.post(
        url, json=step | {"from_mmsi": MERCHANT}, headers=users["master"]["headers"]
    )
    assert r.status_code == 403
    r = await fclient.post(
        "/api/v1/disembarkations/chains/999999999/steps",
        json=step | {"from_mmsi": MERCHANT},
        headers=users["rcc"]["headers"],
    )
    assert r.status_code == 404
