"""Shared fixtures: a migrated PostGIS test database per run, a rolled-back session per test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from sar_coord.core import migrate
from sar_coord.core.db import make_engine
from tests.cleantree import tree_changes, tree_state

# Each test app's /ws/ship server takes a free port: never share one (SO_REUSEPORT) across runs.
os.environ.setdefault("ALERTS_SHIP_WS_PORT", "0")

REPO_ROOT = Path(__file__).resolve().parents[1]
AIS_CORPUS = Path(os.environ.get("SAR_AIS_CORPUS", REPO_ROOT.parent / "shared" / "data" / "ais"))
SERVER_URL = os.environ.get(
    "SAR_TEST_SERVER_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


_TREE_BEFORE = pytest.StashKey[dict[str, str] | None]()
_TREE_CHANGED = pytest.StashKey[list[str]]()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Note the repository's changed and untracked files before any test runs."""
    session.config.stash[_TREE_BEFORE] = tree_state(REPO_ROOT)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when tests changed, added or removed a file of the repository.

    Tests write under temporary directories only; the documentation screenshot command
    (SAR_DOC_SCREENSHOTS=1) is the one run allowed to change tracked files.
    """
    before = session.config.stash.get(_TREE_BEFORE, None)
    if before is None or os.environ.get("SAR_DOC_SCREENSHOTS") == "1":
        return
    after = tree_state(REPO_ROOT)
    changed = tree_changes(before, after) if after is not None else []
    if changed:
        session.config.stash[_TREE_CHANGED] = changed
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    """Name the files a test run changed in the repository (see pytest_sessionfinish)."""
    changed = config.stash.get(_TREE_CHANGED, [])
    if changed:
        terminalreporter.write_line(
            f"FAILED clean tree: the test run changed {len(changed)} file(s) of the repository:",
            red=True,
        )
        for path in changed:
            terminalreporter.write_line(f"  {path}")


def _test_db_name() -> str:
    name = os.environ.get("SAR_TEST_DB", "sar_test")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{name}_{worker}" if worker else name


# One log signing key for the whole run, in this process and every server it starts: the test
# database's transparency log must carry checkpoints of one key, as in a real deployment.
os.environ.setdefault(
    "SAR_LOG_SIGNING_KEY_PATH",
    str(Path(tempfile.gettempdir()) / f"sar-coord-{_test_db_name()}" / "log_ed25519.key"),
)


@pytest.fixture(scope="session")
def ais_corpus() -> Path:
    """The shared AIS corpus directory; tests that need it skip when it is absent."""
    if not (AIS_CORPUS / "manifest.json").exists():
        pytest.skip(f"shared AIS corpus not found at {AIS_CORPUS} (set SAR_AIS_CORPUS)")
    return AIS_CORPUS


@pytest.fixture(scope="session")
async def db_url() -> AsyncIterator[str]:
    """URL of a fresh test database with PostGIS, migrated to heads, dropped at the end."""
    name = _test_db_name()
    url = make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    await migrate.recreate_database(url)
    await migrate.prepare(url)
    yield url
    await migrate.drop_database(url)


@pytest.fixture(scope="session")
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database."""
    eng = make_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    async with engine.connect() as conn:
        trans = await conn.begin()
        yield conn
        if trans.is_active:
            await trans.rollback()


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """An AsyncSession whose commits become savepoints of the rolled-back outer transaction."""
    sess = AsyncSession(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    yield sess
    await sess.close()


@pytest.fixture(scope="session", autouse=True)
def wired_features() -> None:
    """Wire the features' interfaces as the composition root does (services called directly)."""
    from sar_coord.main import wire_features

    wire_features()


@pytest.fixture(scope="session")
async def app(db_url: str) -> AsyncIterator[object]:
    """The real app on the test database, with its lifespan running."""
    from sar_coord.main import create_app

    application = create_app(database_url=db_url)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: object) -> AsyncIterator[object]:
    """An HTTP client speaking ASGI to the real app (no network)."""
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://sar.test") as c:
        yield c


@pytest.fixture(scope="session")
async def users(app: object, db_url: str) -> dict[str, dict[str, object]]:
    """One committed user per role (password 'correct horse battery'), with login tokens."""
    import httpx

    from sar_coord.auth import service
    from sar_coord.core.db import make_sessionmaker, unit_of_work

    eng = make_engine(db_url)
    made: dict[str, dict[str, object]] = {}
    specs = {
        "rcc": ("rcc_operator", []),
        "master": ("ship_master", [247000001]),
        "auditor": ("auditor", []),
        "admin": ("admin", []),
    }
    async with unit_of_work(make_sessionmaker(eng)) as s:
        for key, (role, mmsis) in specs.items():
            await service.create_user(
                s,
                username=f"fixture_{key}",
                role=role,
                password="correct horse battery",
                organisation="Fixture RCC" if role != "ship_master" else "Fixture Shipping",
                vessel_mmsis=mmsis,
            )
    await eng.dispose()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://sar.test") as c:
        for key in specs:
            r = await c.post(
                "/api/v1/auth/login",
                json={"username": f"fixture_{key}", "password": "correct horse battery"},
            )
            assert r.status_code == 200, r.text
            made[key] = {
                "username": f"fixture_{key}",
                "headers": {"Authorization": f"Bearer {r.json()['access_token']}"},
            }
    return made
