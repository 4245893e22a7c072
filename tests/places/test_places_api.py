"""Place-of-safety registry: gazetteer from searoute, versioned designations, admin-only changes."""

from __future__ import annotations

from sar_coord.places.gazetteer import load_searoute_ports


def test_gazetteer_is_the_open_dataset_with_countries_from_locodes() -> None:
    ports = load_searoute_ports()
    assert len(ports) > 3000
    by_code = {p.locode: p for p in ports}
    tripoli = by_code["LYTIP"]
    assert (tripoli.name, tripoli.country) == ("Tripoli", "LY")
    assert 32.5 < tripoli.lat < 33.2 and 12.8 < tripoli.lon < 13.6
    assert all(p.country == p.locode[:2] for p in ports)
    assert len(by_code) == len(ports)


async def test_search_and_port_status(fclient, users, log_signer) -> None:
    h = users["master"]["headers"]
    r = await fclient.get("/api/v1/places/ports?q=tripoli", headers=h)
    assert r.status_code == 200
    assert "LYTIP" in [p["locode"] for p in r.json()]
    r = await fclient.get("/api/v1/places/ports?country=mt", headers=h)
    assert r.json() and all(p["country"] == "MT" for p in r.json())

    r = await fclient.get("/api/v1/places/ports/LYTIP?at=2022-01-01T00:00:00Z", headers=h)
    assert r.status_code == 200
    assert r.json()["status"] == "not_safe"
    assert "Lethal Disregard" in r.json()["designation"]["citation"]
    r = await fclient.get("/api/v1/places/ports/LYTIP?at=2021-01-01T00:00:00Z", headers=h)
    assert "UNHCR" in r.json()["designation"]["citation"]
    r = await fclient.get("/api/v1/places/ports/LYTIP?at=2011-01-01T00:00:00Z", headers=h)
    assert r.json()["status"] == "unassessed" and r.json()["designation"] is None
    # 30 July 2018 as known then: UNHCR Update I (October 2015); as known now: the Asso 28
    # judgment of the Court of Cassation (2023) about that very day.
    r = await fclient.get("/api/v1/places/ports/LYTIP?at=2018-07-30T12:00:00Z", headers=h)
    then = r.json()["designation"]
    assert (then["issuing_body"], then["citation_date"]) == ("UNHCR", "2015-10")
    r = await fclient.get(
        "/api/v1/places/ports/LYTIP?at=2018-07-30T12:00:00Z&as_known=now", headers=h
    )
    now = r.json()["designation"]
    assert (now["issuing_body"], now["citation_date"]) == ("Corte di Cassazione", "2023-10-12")
    r = await fclient.get("/api/v1/places/ports/ITAUG?at=2016-01-01T00:00:00Z", headers=h)
    assert r.json()["status"] == "designated"
    assert "Directive 2013/32/EU" in r.json()["designation"]["citation_title"]
    r = await fclient.get("/api/v1/places/ports/USNYC", headers=h)
    assert r.json()["status"] == "unassessed"
    r = await fclient.get("/api/v1/places/ports/ZZZZZ", headers=h)
    assert r.status_code == 404


async def test_designate_is_admin_only_versioned_and_logged(fclient, users, log_signer) -> None:
    doc = {
        "country": "MT",
        "locode": "MTMAR",
        "status": "designated",
        "legal_basis": "SAR Convention 3.1.9",
        "issuing_body": "test body",
        "citation_title": "test designation",
        "citation_date": "2025-12",
        "effective_from": "2026-01-01T00:00:00Z",
    }
    for who in ("rcc", "auditor", "master"):
        r = await fclient.post(
            "/api/v1/places/designations", json=doc, headers=users[who]["headers"]
        )
        assert r.status_code == 403, who
    r = await fclient.post(
        "/api/v1/places/designations",
        json=doc | {"set_by": "me"},
        headers=users["admin"]["headers"],
    )
    assert r.status_code == 422
    r = await fclient.post(
        "/api/v1/places/designations",
        json=doc | {"locode": "ITAUG"},
        headers=users["admin"]["headers"],
    )
    assert r.status_code == 422
    r = await fclient.post(
        "/api/v1/places/designations", json=doc, headers=users["admin"]["headers"]
    )
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["set_by"].startswith("fixture_admin")
    r = await fclient.post(
        "/api/v1/places/designations",
        json=doc | {"status": "not_safe", "effective_from": "2026-06-01T00:00:00Z"},
        headers=users["admin"]["headers"],
    )
    second = r.json()
    h = users["auditor"]["headers"]
    hist = (await fclient.get("/api/v1/places/designations?locode=MTMAR", headers=h)).json()
    ids = [d["id"] for d in hist]
    assert first["id"] in ids and second["id"] in ids  # the older version is kept
    assert (
        await fclient.get("/api/v1/places/ports/MTMAR?at=2026-03-01T00:00:00Z", headers=h)
    ).json()["status"] == "designated"
    assert (
        await fclient.get("/api/v1/places/ports/MTMAR?at=2026-07-01T00:00:00Z", headers=h)
    ).json()["status"] == "not_safe"
    logged = (
        await fclient.get("/api/v1/audit/entries?kind=designation&port=MTMAR&limit=1000", headers=h)
    ).json()
    assert {e["record_id"] for e in logged} >= {first["id"], second["id"]}
