"""Browser: an RCC operator enters a partner report, records disembarkations, sees compliance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import LiveServer
from tests.e2e.seed import PASSWORD, World, seed_world

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def world(engine: AsyncEngine) -> World:
    """Accounts and vessels for this module."""
    return await seed_world(engine)


async def rcc_page(browser: Any, server: LiveServer, world: World) -> tuple[Any, list[str]]:
    """A signed-in RCC operator on the RCC view (tall window), and the page's script errors."""
    ctx = await browser.new_context(viewport={"width": 1440, "height": 1600})
    page = await ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(f"{server.url}/")
    await page.fill("input[name=username]", world.rcc)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#case-list", timeout=15_000)
    return page, errors


def local(t: datetime) -> str:
    """A UTC time as typed in the form (24-hour UTC)."""
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


async def choose_port(page: Any, locode: str) -> str:
    """Search the gazetteer by UN/LOCODE and click the port; returns its listed status."""
    await page.fill("#dis-port-q", locode)
    item = page.locator(f"#dis-port-results li[data-locode='{locode}']")
    await item.wait_for(timeout=10_000)
    status = await item.get_attribute("data-status")
    await item.locator("button").click()
    return str(status)


async def test_rcc_records_disembarkations_and_sees_compliance(
    browser: Any, live_server: LiveServer, world: World, artifacts: Path
) -> None:
    """Partner report opens a case; Augusta is compliant; Tripoli warns, then is a violation."""
    page, errors = await rcc_page(browser, live_server, world)

    # A hotline report opens the case (counts only).
    await page.click("#partner-report")
    await page.fill("#pr-reported_by", f"Alarm Phone {world.tag}")
    await page.fill("#pr-lat", "34.9")
    await page.fill("#pr-lon", "12.6")
    await page.fill("#pr-persons_on_board", "47")
    await page.select_option("#pr-boat_type", "rubber")
    await page.fill("#pr-boat_colour", "grey")
    await page.select_option("#pr-engine_working", "no")
    await page.fill("#pr-departure_country", "ly")
    await page.screenshot(path=str(artifacts / "rcc-partner-report.png"))
    await page.click("#pr-submit")
    await page.wait_for_selector("#disembark-panel", timeout=15_000)
    assert await page.locator("#dis-departure_country").input_value() == "LY"
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        r = await client.post(
            "/api/v1/auth/login", json={"username": world.rcc, "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        cases = (await client.get("/api/v1/cases", headers=headers)).json()
    cases = cases["items"] if isinstance(cases, dict) else cases
    case = next(c for c in cases if c.get("reported_by") == f"Alarm Phone {world.tag}")
    assert (case["source"], case["persons_on_board"], case["boat_type"]) == (
        "partner",
        47,
        "rubber",
    )
    assert (case["boat_colour"], case["engine_working"], case["departure_country"]) == (
        "grey",
        False,
        "LY",
    )

    # Empty form: the browser says what is missing and sends nothing.
    await page.click("#disembark-panel summary")
    await page.click("#dis-submit")
    await page.wait_for_selector("#dis-form-error:not(.hidden)")
    assert await page.locator("[data-error-for=rescuing_mmsi]").inner_text() != ""
    assert await page.locator("[data-error-for=port_locode]").inner_text() != ""
    assert await page.locator("#dis-outcome").count() == 0

    # No free-text field for people except the RCC notes, which carry the warning.
    names = await page.eval_on_selector_all(
        "#disembark-form input:not([type=hidden]):not([type=search]), #disembark-form textarea",
        "els => els.map(e => e.name)",
    )
    text_fields = await page.eval_on_selector_all(
        "#disembark-form textarea, #disembark-form input:not([type]), "
        "#disembark-form input[type=text]",
        "els => els.map(e => e.name)",
    )
    assert "notes" in names
    # Free text only for vessel ids, codes, the RCC and times: nothing that could hold a person.
    assert set(text_fields) <= {
        "notes",
        "rescuing_mmsi",
        "rescued_at",
        "disembarked_at",
        "departure_country",
        "assigned_by",
        "assigned_at",
        "assignment_reference",
    }, text_fields
    assert "never names or identifiers" in (await page.inner_text("#dis-notes-hint")).lower()

    now = datetime.now(UTC)
    await page.fill("#dis-rescuing_mmsi", str(world.master_mmsi))
    await page.fill("#dis-rescued_at", local(now - timedelta(hours=20)))
    await page.fill("#dis-persons_rescued", "47")
    assert await choose_port(page, "ITAUG") in {"unassessed", "designated"}
    await page.wait_for_selector("#dis-port-status")
    assert await page.locator("#dis-refoulement-warning").count() == 0
    await page.fill("#dis-disembarked_at", local(now - timedelta(hours=1)))
    await page.fill("#dis-total", "47")
    await page.fill("#dis-minors", "9")
    await page.fill("#dis-unaccompanied_minors", "4")
    await page.fill("#dis-women", "11")
    await page.fill("#dis-medical_cases", "2")
    await page.fill("#dis-persons_seeking_asylum", "20")
    await page.fill("#dis-assigned_by", "IT MRCC Rome")
    await page.fill("#dis-assigned_at", local(now - timedelta(hours=10)))
    await page.fill("#dis-assignment_reference", f"POS-{world.tag}")
    await page.fill("#dis-notes", "Handover at the quay went smoothly.")
    await page.click("#dis-submit")
    outcome = page.locator("#dis-outcome")
    await outcome.wait_for(timeout=15_000)
    # The form does not ask rules (g) to (i)'s facts yet (protection asked, asylum procedure,
    # medical screening): those rules cannot judge, so the landing is not shown as compliant.
    assert await outcome.get_attribute("data-outcome") == "cannot_judge", await page.inner_text(
        "#dis-result"
    )
    assert "cannot judge" in (await outcome.inner_text()).lower()
    assert await page.locator("#dis-result li[data-outcome=cannot_judge]").count() == 3
    assert await page.locator("#dis-result li[data-outcome=flag]").count() == 0
    assert await page.locator("#dis-result li[data-rule]").count() >= 9
    assert await page.locator("#dis-result li[data-outcome=violation]").count() == 0
    assert await page.locator("#dis-form-error.hidden").count() == 1

    # The case moves to "disembarked" (through "rescued") from the result.
    await page.click("#dis-set-status")
    await page.wait_for_selector("#case-panel .case-head .badge.status-disembarked", timeout=10_000)
    assert "disembarked" in await page.inner_text("#dis-result")

    # Tripoli: listed as not a place of safety; choosing it needs a confirmation.
    # Enter in the search box picks the only match (and does not submit the form).
    await page.fill("#dis-port-q", "LYTIP")
    tripoli = page.locator("#dis-port-results li[data-locode='LYTIP']")
    await tripoli.wait_for(timeout=10_000)
    assert await tripoli.get_attribute("data-status") == "not_safe"
    assert "NOT a place of safety" in await tripoli.inner_text()
    await page.press("#dis-port-q", "Enter")
    warning = page.locator("#dis-refoulement-warning")
    await warning.wait_for()
    assert "refoulement" in (await warning.inner_text()).lower()
    assert await page.locator("#dis-port_locode").input_value() == "ITAUG"
    await page.click("#dis-port-confirm")
    await page.wait_for_selector("#dis-port-status[data-status=not_safe]")
    assert await page.locator("#dis-port_locode").input_value() == "LYTIP"
    assert await page.locator("#dis-refoulement-warning").count() == 1
    await page.click("#dis-submit")
    await page.wait_for_selector("#dis-outcome[data-outcome=violation]", timeout=15_000)
    rule_a = page.locator("#dis-result li[data-rule=a_place_not_safe]")
    assert await rule_a.get_attribute("data-outcome") == "violation"
    assert "Refoulement risk" in await rule_a.inner_text()
    assert "violation" in (await page.inner_text("#dis-outcome")).lower()

    await page.evaluate("() => document.querySelector('.notices')?.replaceChildren()")
    panel = page.locator("#disembark-section")
    await panel.scroll_into_view_if_needed()
    await panel.screenshot(path=str(artifacts / "rcc-disembarkation.png"))
    assert errors == []
    await page.context.close()


async def token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    """Bearer header for `username`."""
    r = await client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def test_ship_answers_prefill_and_a_refusal_is_shown_in_the_form(
    browser: Any, live_server: LiveServer, world: World
) -> None:
    """The rescuing ship's answer prefills the form; a record the server refuses says why."""
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        rcc = await token(client, world.rcc)
        master = await token(client, world.master)
        case = (
            await client.post("/api/v1/cases", json={"lat": 35.1, "lon": 13.0}, headers=rcc)
        ).json()
        alert = (
            await client.post(
                "/api/v1/alerts",
                headers=rcc,
                json={
                    "case_id": case["id"],
                    "kind": "targeted",
                    "mmsis": [world.master_mmsi],
                    "message": "prefill check",
                },
            )
        ).json()
        r = await client.post(
            f"/api/v1/alerts/{alert['id']}/answers",
            params={"mmsi": world.master_mmsi},
            headers=master,
            json={
                "kind": "rescued",
                "client_msg_id": f"prefill-{world.tag}",
                "counts": {"adults": 4, "minors": 1},
            },
        )
        assert r.status_code in (200, 201), r.text

    page, _ = await rcc_page(browser, live_server, world)
    await page.click(f"#case-list li[data-case-id='{case['id']}']")
    await page.wait_for_selector("#disembark-panel", timeout=15_000)
    await page.click("#disembark-panel summary")
    mmsi = page.locator("#dis-rescuing_mmsi")
    await page.wait_for_function(
        "() => document.querySelector('#dis-rescuing_mmsi').value !== ''", timeout=10_000
    )
    assert await mmsi.input_value() == str(world.master_mmsi)
    assert await page.locator("#dis-persons_rescued").input_value() == "5"
    assert await page.locator("#dis-rescued_at").input_value() != ""
    assert "rescued" in await page.inner_text("#dis-prefill")
    await page.fill("#dis-total", "5")
    # A well-formed UN/LOCODE that the gazetteer does not hold (typed into the hidden value).
    await page.eval_on_selector("#dis-port_locode", "e => { e.value = 'ZZZZZ'; }")
    await page.click("#dis-submit")
    banner = page.locator("#dis-form-error:not(.hidden)")
    await banner.wait_for(timeout=10_000)
    assert "not found" in (await banner.inner_text()).lower()
    assert await page.locator("#dis-outcome").count() == 0
    await page.context.close()
