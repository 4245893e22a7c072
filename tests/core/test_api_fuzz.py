"""schemathesis over every operation of the real app (uvicorn), as an RCC operator and a ship
master: no server error and no response outside the documented schema."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.engine import make_url

from sar_coord.auth import service
from sar_coord.core import migrate
from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work
from tests.alerts.conftest import free_port
from tests.conftest import SERVER_URL, _test_db_name

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("SAR_FUZZ_EXAMPLES", "15"))
PASSWORD = "fuzz password 0123"


async def _prepare(url: str) -> None:
    await migrate.recreate_database(url)
    await migrate.prepare(url)
    engine = make_engine(url)
    async with unit_of_work(make_sessionmaker(engine)) as s:
        await service.create_user(
            s, username="fuzz_rcc", role="rcc_operator", password=PASSWORD, organisation="MRCC"
        )
        await service.create_user(
            s,
            username="fuzz_master",
            role="ship_master",
            password=PASSWORD,
            vessel_mmsis=[247999001],
        )
    await engine.dispose()


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[str]:
    """The real app under uvicorn on its own database (fuzzing writes rows), stopped after."""
    url = (
        make_url(SERVER_URL)
        .set(database=f"{_test_db_name()}_fuzz")
        .render_as_string(hide_password=False)
    )
    asyncio.run(_prepare(url))
    port = free_port()
    env = dict(os.environ, ALERTS_SHIP_WS_PORT=str(free_port()), PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.alerts.appserver",
            "--url",
            url,
            "--port",
            str(port),
            "--real",
        ],
        cwd=REPO_ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        asyncio.run(migrate.drop_database(url))


def _login(base: str, username: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _fuzz(
    operation: Any, base: str, identities: list[dict[str, str]], failures: dict[str, str]
) -> None:
    """Run EXAMPLES generated cases of one operation as each identity; record the first failure."""
    label = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        for headers in identities:
            response = case.call(base_url=base, headers=headers, timeout=30)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

    try:
        run()
    except Exception as exc:  # the first failure of this operation (no shrinking)
        failures[label] = f"{type(exc).__name__}: {str(exc)[:1500]}"


def test_every_operation_answers_within_its_schema(fuzz_server: str) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzz_server}/openapi.json")
    identities = [_login(fuzz_server, "fuzz_rcc"), _login(fuzz_server, "fuzz_master")]
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operations += 1
        _fuzz(result.ok(), fuzz_server, identities, failures)
    assert operations >= 40
    assert failures == {}, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
