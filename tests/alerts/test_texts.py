"""SITREP (IAMSAR Vol. II) and MAYDAY RELAY (ITU RR / IAMSAR Vol. III): every field on the text."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from alerts.lifecycle import texts
from sar_coord.cases.models import DistressCase

AT = datetime(2026, 11, 28, 10, 15, tzinfo=UTC)
DATUM_AT = datetime(2026, 11, 28, 9, 40, tzinfo=UTC)
LAT, LON = 35.2, 12.6  # 3512.0N 01236.0E


def _case(**kw: Any) -> DistressCase:
    fields: dict[str, Any] = dict(
        id=7, reference="SAR-20261128-ABC123", status="alerting", source="partner",
        reported_by="Alarm Phone", datum_at=DATUM_AT, datum_uncertainty_nm=2.0,
        persons_on_board=85, boat_type="rubber", boat_colour="grey", engine_working=False,
        people_in_water=3, medical_emergencies=1, children=12, deceased=None,
        departure_country="LY", departure_place="Zuwara", drift_speed_kn=None,
        drift_toward_deg=None, wind_speed_kn=18.0, wind_from_deg=320.0, description=None,
        first_rcc="MRCC Rome", responsible_rcc="RCC Malta", coordinating_rcc="MRCC Rome",
        responsible_rcc_accepted_at=None, source_mmsi=None,
    )  # fmt: skip
    fields.update(kw)
    return DistressCase(**fields)


def _sitrep(case: DistressCase, **kw: Any) -> list[str]:
    given: dict[str, Any] = dict(number=3, at=AT, sender="MRCC ROME", to=["RCC MALTA"])
    given.update(kw)
    return texts.sitrep_text(case, LON, LAT, texts.SitrepInput(**given)).splitlines()


def test_short_form_heading_and_fields_a_to_f() -> None:
    lines = _sitrep(_case())
    assert lines[:5] == [
        "DISTRESS",
        "281015Z NOV 2026",
        "FROM: MRCC ROME",
        "TO: RCC MALTA",
        "SAR SITREP (3) SAR-20261128-ABC123",
    ]
    assert re.fullmatch(r"\d{6}Z [A-Z]{3} \d{4}", lines[1])
    body = dict(line.split(": ", 1) for line in lines[5:])
    assert list(body) == [
        "A. IDENTITY OF CASUALTY", "B. POSITION", "C. SITUATION", "D. NUMBER OF PERSONS",
        "E. ASSISTANCE REQUIRED", "F. COORDINATING RCC",
    ]  # fmt: skip
    assert body["A. IDENTITY OF CASUALTY"] == "GREY RUBBER BOAT"
    assert body["B. POSITION"] == "3512.0N 01236.0E AT 280940Z NOV 2026 (+/- 2 NM)"
    situation = body["C. SITUATION"]
    assert "ENGINE NOT WORKING" in situation and "3 PERSONS IN WATER" in situation
    assert "REPORTED BY ALARM PHONE 280940Z NOV 2026" in situation
    assert "ALERTING" not in situation  # the distress, not the record's status
    assert body["D. NUMBER OF PERSONS"] == "85"
    assert "SURFACE UNITS TO RESCUE" in body["E. ASSISTANCE REQUIRED"]
    assert "MEDICAL ASSISTANCE" in body["E. ASSISTANCE REQUIRED"]
    assert body["F. COORDINATING RCC"] == (
        "MRCC Rome (RESPONSIBLE RCC RCC Malta: NOT YET ACCEPTED)"
    )


def test_full_form_adds_g_to_n_and_final() -> None:
    lines = _sitrep(
        _case(),
        form="full",
        actions=["281000Z TARGETED ALERT TO 3 SHIPS (2 DELIVERED)"],
        search_area="PLAN 1 PATTERN VS, RADIUS 5.0 NM",
        coordinating_instructions="OSC MV EXAMPLE",
        future_plans="AIRCRAFT AT FIRST LIGHT",
        additional="SURVIVORS TO BE LANDED AT A PLACE OF SAFETY",
        final=True,
    )
    assert lines[4] == "SAR SITREP (3) FINAL SAR-20261128-ABC123"
    body = dict(line.split(": ", 1) for line in lines[5:])
    assert list(body)[6:] == [
        "G. DESCRIPTION OF CASUALTY", "H. WEATHER ON SCENE", "J. INITIAL ACTIONS TAKEN",
        "K. SEARCH AREA", "L. COORDINATING INSTRUCTIONS", "M. FUTURE PLANS",
        "N. ADDITIONAL INFORMATION",
    ]  # fmt: skip
    assert body["G. DESCRIPTION OF CASUALTY"] == "GREY RUBBER BOAT, DEPARTED ZUWARA LY"
    assert body["H. WEATHER ON SCENE"] == "WIND 320 18 KN"
    assert body["J. INITIAL ACTIONS TAKEN"] == "281000Z TARGETED ALERT TO 3 SHIPS (2 DELIVERED)"
    assert body["K. SEARCH AREA"] == "PLAN 1 PATTERN VS, RADIUS 5.0 NM"
    assert body["L. COORDINATING INSTRUCTIONS"] == "OSC MV EXAMPLE"
    assert body["M. FUTURE PLANS"] == "AIRCRAFT AT FIRST LIGHT"
    assert body["N. ADDITIONAL INFORMATION"].endswith("CASE CONCLUDED")


def test_priority_follows_the_phase_and_coordination_once_accepted() -> None:
    rescued = _case(status="rescued", coordinating_rcc="RCC Malta", responsible_rcc_accepted_at=AT)
    lines = _sitrep(rescued, number=None)
    assert lines[0] == "URGENCY" and lines[4].startswith("SAR SITREP (DRAFT")
    assert "F. COORDINATING RCC: RCC Malta" in lines


def test_actions_taken_and_search_area_from_the_record() -> None:
    actions = texts.actions_taken(
        [
            (
                AT,
                "alert_issued",
                {"kind": "area", "radius_nm": 20.0, "recipients": 9, "delivered": 4},
            ),
            (AT, "coordination_accepted", {"rcc": "RCC Malta"}),
            (AT, "updated", {}),
        ]
    )
    assert actions == [
        "281015Z NOV 2026 AREA ALERT WITHIN 20 NM TO 9 SHIPS (4 DELIVERED)",
        "281015Z NOV 2026 COORDINATION ACCEPTED: RCC Malta",
    ]
    line = texts.search_area_line(
        2,
        "ss",
        {"datum": {"position": "3512.0N 01236.0E"}, "area": {"radius_nm": 4.25, "area_nm2": 72.3}},
    )
    assert line == "PLAN 2 PATTERN SS, CENTRED 3512.0N 01236.0E, RADIUS 4.2 NM, AREA 72 SQ NM"


STATION = texts.Station(name="Roma Radio", call_sign="IAR", mmsi="002470001")


@pytest.mark.parametrize(
    ("channel", "heard"),
    [("vhf16", "VHF CHANNEL 16"), ("mf2182", "MF 2182 KHZ"), ("dsc", "DSC")],
)
def test_mayday_relay_in_the_spoken_form(channel: texts.Channel, heard: str) -> None:
    lines = texts.mayday_relay_text(
        _case(), LON, LAT, at=AT, station=STATION, channel=channel
    ).splitlines()
    assert lines[0].startswith(f"CHANNEL: {heard}")
    assert lines[1] == "MAYDAY RELAY MAYDAY RELAY MAYDAY RELAY"
    assert lines[2] == "ALL STATIONS ALL STATIONS ALL STATIONS"
    assert lines[3] == "THIS IS ROMA RADIO ROMA RADIO ROMA RADIO"
    assert lines[4] == "CALL SIGN IAR MMSI 002470001"
    assert lines[5] == "MAYDAY"
    assert lines[6] == "GREY RUBBER BOAT"
    assert lines[7] == (
        "POSITION 35 DEGREES 12.0 MINUTES NORTH 012 DEGREES 36.0 MINUTES EAST "
        "(3512.0N 01236.0E) AT 280940Z NOV 2026"
    )
    assert lines[8].startswith("NATURE OF DISTRESS: GREY RUBBER BOAT IN DISTRESS, ENGINE NOT")
    assert lines[9].startswith("ASSISTANCE REQUIRED: SURFACE UNITS TO RESCUE")
    assert lines[10] == "85 PERSONS ON BOARD"
    assert "REPORT TO MRCC Rome (RESPONSIBLE RCC RCC Malta: NOT YET ACCEPTED)" in lines[11]
    assert lines[-1] == "OVER"


def test_mayday_relay_to_a_coast_station_with_unknown_persons() -> None:
    text = texts.mayday_relay_text(
        _case(persons_on_board=None), LON, LAT, at=AT, station=STATION, addressee="Malta Radio"
    )
    assert "\nMALTA RADIO MALTA RADIO MALTA RADIO\n" in text
    assert "\nUNKNOWN NUMBER OF PERSONS ON BOARD\n" in text


async def test_sitrep_and_mayday_over_http(client: Any, users: dict[str, Any]) -> None:
    rcc = users["rcc"]["headers"]
    r = await client.post(
        "/api/v1/cases",
        json={"lat": LAT, "lon": LON, "persons_on_board": 40, "first_rcc": "JRCC Other"},
        headers=rcc,
    )
    case_id = r.json()["id"]
    issued = await client.post(
        f"/api/v1/cases/{case_id}/sitrep",
        json={"form": "full", "future_plans": "CONTINUE", "to": ["JRCC OTHER"]},
        headers=rcc,
    )
    assert issued.status_code == 200 and issued.headers["x-sitrep-number"] == "1"
    lines = issued.text.splitlines()
    assert (
        lines[0] == "DISTRESS" and lines[2] == "FROM: FIXTURE RCC" and lines[3] == "TO: JRCC OTHER"
    )
    assert "M. FUTURE PLANS: CONTINUE" in lines
    plain = await client.post(f"/api/v1/cases/{case_id}/sitrep", headers=rcc)
    assert "\nSAR SITREP (2) " in plain.text and "\nTO: JRCC Other\n" in plain.text
    events = (await client.get(f"/api/v1/cases/{case_id}/events", headers=rcc)).json()
    stored = [e["data"] for e in events if e["kind"] == "sitrep"]
    assert [(d["number"], d["form"]) for d in stored] == [(1, "full"), (2, "short")]
    assert stored[0]["text"] == issued.text
    r = await client.post(f"/api/v1/cases/{case_id}/sitrep", json={"bogus": 1}, headers=rcc)
    assert r.status_code == 422
    mayday = await client.get(f"/api/v1/cases/{case_id}/mayday-relay?channel=mf2182", headers=rcc)
    assert mayday.text.startswith("CHANNEL: MF 2182 KHZ")
    assert "\nTHIS IS FIXTURE RCC FIXTURE RCC FIXTURE RCC\n" in mayday.text
    assert "\nCALL SIGN NOT SET MMSI NOT SET\n" in mayday.text
