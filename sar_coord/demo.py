"""Demo mode: demo users, registry entries for the simulated fleet, scenario events to cases."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sar_coord.auth import service as auth_service
from sar_coord.auth.exceptions import UserExists
from sar_coord.cases import service as case_service
from sar_coord.cases.schemas import CaseCreate, PartnerReport
from sar_coord.core.db import unit_of_work
from sar_coord.vessels import service as vessels_service
from sar_coord.vessels.schemas import VesselRegistryWrite

log = logging.getLogger(__name__)
DEMO_HOTLINE = "Demo civil hotline"
DEMO_RCC = "Demo RCC"


@dataclass(frozen=True)
class DemoVessel:
    """A simulated vessel the demo registers: MMSI, name and kind (cargo, ngo, fishing...)."""

    mmsi: int
    name: str
    kind: str


# Registry capabilities by kind: (class, max persons aboard, medical staff, rescue boats,
# freeboard m, max speed kn, SAR-trained crew). Plausible values for a demonstration only.
CAPABILITIES: dict[str, tuple[str, int, bool, int, float, float, bool]] = {
    "ngo": ("ngo", 350, True, 3, 2.0, 14.0, True),
    "coastguard": ("state", 150, True, 2, 2.5, 24.0, True),
    "cargo": ("commercial", 30, False, 1, 12.0, 16.0, False),
    "tanker": ("commercial", 25, False, 1, 14.0, 14.0, False),
    "passenger": ("commercial", 400, True, 4, 10.0, 22.0, False),
    "fishing": ("fishing", 12, False, 0, 1.5, 10.0, False),
    "pleasure": ("pleasure", 4, False, 0, 1.0, 7.0, False),
}
MASTERS = (("master_ngo", "ngo"), ("master_cargo", "cargo"), ("master_fishing", "fishing"))


@dataclass(frozen=True)
class DemoUser:
    """A demo login: username, role, password, the vessel a master acts for."""

    username: str
    role: str
    password: str
    mmsi: int | None = None
    vessel_name: str | None = None


def _credentials_file(home: Path) -> Path:
    return home / "demo-users.json"


def _load_passwords(home: Path) -> dict[str, str]:
    path = _credentials_file(home)
    if not path.exists():
        return {}
    data: dict[str, str] = json.loads(path.read_text())
    return data


def _save_passwords(home: Path, passwords: dict[str, str]) -> None:
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(_credentials_file(home), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(passwords, fh, indent=1)


async def register_fleet(session: AsyncSession, fleet: list[DemoVessel]) -> None:
    """Put the simulated fleet in the registry with capabilities by kind (keeps RCC edits)."""
    for v in fleet:
        caps = CAPABILITIES.get(v.kind)
        registered = await vessels_service.ensure_vessel(session, mmsi=v.mmsi, name=v.name)
        if registered or caps is None:
            continue
        cls, persons, medical, boats, freeboard, speed, trained = caps
        body = VesselRegistryWrite(
            registry_class=cls,  # type: ignore[arg-type]
            max_persons=persons,
            medical_staff=medical,
            rescue_boats=boats,
            freeboard_m=freeboard,
            max_speed_kn=speed,
            sar_trained_crew=trained,
            receive_all_alerts=v.kind in ("ngo", "coastguard"),
        )
        await vessels_service.upsert_registry(session, mmsi=v.mmsi, body=body)
    await session.flush()


async def seed_demo(
    session: AsyncSession, *, fleet: list[DemoVessel], home: Path
) -> list[DemoUser]:
    """Create the demo users once (passwords kept in SAR_HOME) and register the fleet."""
    await register_fleet(session, fleet)
    passwords = _load_passwords(home)
    by_kind: dict[str, DemoVessel] = {}
    for v in fleet:
        by_kind.setdefault(v.kind, v)
    wanted: list[tuple[str, str, DemoVessel | None]] = [("rcc", "rcc_operator", None)]
    wanted += [(name, "ship_master", by_kind.get(kind)) for name, kind in MASTERS]
    wanted.append(("auditor", "auditor", None))
    users = []
    for username, role, vessel in wanted:
        if role == "ship_master" and vessel is None:
            continue
        password = passwords.get(username) or secrets.token_urlsafe(9)
        with contextlib.suppress(UserExists):  # checked before any write: the session is fine
            await auth_service.create_user(
                session,
                username=username,
                role=role,
                password=password,
                organisation=DEMO_RCC
                if role != "ship_master"
                else f"{vessel.name} (demo)"
                if vessel
                else None,
                vessel_mmsis=[vessel.mmsi] if vessel else [],
            )
        passwords[username] = password
        users.append(
            DemoUser(
                username,
                role,
                password,
                vessel.mmsi if vessel else None,
                vessel.name if vessel else None,
            )
        )
    _save_passwords(home, passwords)
    return users


async def open_case_for(session: AsyncSession, event: dict[str, Any]) -> int | None:
    """Turn one scenario event into a case: hotline reports and engine failures (DSC)."""
    actor = case_service.Actor(name="demo scenario")
    at = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    if event.get("kind") == "hotline_report":
        report = PartnerReport(
            reported_by=DEMO_HOTLINE,
            lat=event["lat"],
            lon=event["lon"],
            datum_at=at,
            datum_uncertainty_nm=float(event.get("uncertainty_nm", 3.0)),
            persons_on_board=event.get("persons"),
            boat_type=event.get("boat_type", "rubber"),
            engine_working=event.get("engine_working"),
            departure_country="LY",
            description=event.get("description"),
            first_rcc=DEMO_RCC,
            first_rcc_informed_at=at,
        )
        case = await case_service.report_from_partner(session, body=report, actor=actor)
        return case.id
    if event.get("kind") == "engine_failure":
        body = CaseCreate(
            source="dsc",
            source_mmsi=event["mmsi"],
            lat=event["lat"],
            lon=event["lon"],
            datum_at=at,
            datum_uncertainty_nm=1.0,
            persons_on_board=event.get("persons"),
            boat_type="fishing",
            engine_working=False,
            description=f"DSC distress: {event.get('name', 'fishing vessel')} engine failure",
            first_rcc=DEMO_RCC,
            first_rcc_informed_at=at,
        )
        case = await case_service.create_case(session, body=body, actor=actor)
        return case.id
    return None  # AIS-SART cases are opened by the distress consumer from ingest


async def run_director(
    sessionmaker: async_sessionmaker[AsyncSession], scenario_file: Path, *, poll_s: float = 1.0
) -> None:
    """Follow the simulator's scenario file and open a case per event (one commit each)."""
    offset = 0
    while True:
        if scenario_file.exists():
            with scenario_file.open(encoding="utf-8") as fh:
                fh.seek(offset)
                for line in fh:
                    if not line.endswith("\n"):
                        break  # a partly written line: read it next time
                    offset += len(line.encode())
                    try:
                        event = json.loads(line)
                        async with unit_of_work(sessionmaker) as session:
                            case_id = await open_case_for(session, event)
                        if case_id is not None:
                            log.info("demo: %s opened case %s", event.get("kind"), case_id)
                    except Exception:
                        log.exception("demo: scenario line skipped: %r", line[:200])
        await asyncio.sleep(poll_s)
