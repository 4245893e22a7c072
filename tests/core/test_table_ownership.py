"""Each table is read and written by its owning feature only (DESIGN.md rule 5).

A module outside the owner that names a table in SQL text (FROM/JOIN/INTO/UPDATE/...,
or COPY into it) or imports the owner's ORM model fails this test: it must call the owning
feature's service instead. Importing a model under `if TYPE_CHECKING:` only names the type of
objects a service returned; that reads nothing and is allowed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("sar_coord", "ais_ingest", "alerts")

# Every table of the schema and the package that owns it.
OWNERS: dict[str, str] = {
    "organisation": "sar_coord.auth",
    "app_user": "sar_coord.auth",
    "user_vessel": "sar_coord.auth",
    "api_token": "sar_coord.auth",
    "vessel": "sar_coord.vessels",
    "vessel_latest": "sar_coord.vessels",
    "vessel_position": "sar_coord.vessels",
    "distress_case": "sar_coord.cases",
    "case_event": "sar_coord.cases",
    "case_coordination": "sar_coord.cases",
    "sar_region": "sar_coord.cases",
    "place_of_safety": "sar_coord.places",
    "place_designation": "sar_coord.places",
    "disembarkation": "sar_coord.disembarkation",
    "disembarkation_transfer": "sar_coord.disembarkation",
    "compliance_evaluation": "sar_coord.disembarkation",
    "rescue_step": "sar_coord.disembarkation",
    "search_plan": "sar_coord.search_planning",
    "transparency_log": "sar_coord.audit",
    "log_checkpoint": "sar_coord.audit",
    "alert": "alerts",
    "alert_recipient": "alerts",
    "ship_sequence": "alerts",
    "ship_delivery": "alerts",
    "ship_answer": "alerts",
    "ship_cursor": "alerts",
}

# Ingest is the one writer of AIS data: its batch writer COPYs positions into vessel_position and
# upserts vessel_latest and the AIS columns of vessel (static and voyage data). The vessels feature
# owns the tables (schema, registry columns, retention) and is the reader everybody else asks.
# Only the batch writer has this right, not the rest of ais_ingest.
CO_WRITERS: dict[str, frozenset[str]] = {
    "ais_ingest.sink": frozenset({"vessel", "vessel_latest", "vessel_position"}),
}

# Benchmarks build their own throwaway database (never the live one) and fill it in bulk, as a
# data loader: they may write any table. They are CLI commands, not part of the service.
LOADERS = frozenset(
    {"alerts.live.bench", "alerts.matching.bench", "sar_coord.search_planning.bench"}
)

_TABLE = "|".join(sorted(OWNERS, key=len, reverse=True))
# SQL keywords in capitals, as the house writes SQL: prose ("from vessel") is not a query.
_SQL_USE = re.compile(
    rf"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE)\s+(?:ONLY\s+)?({_TABLE})\b(?!\.)"
)
_COPY_CALLS = frozenset({"copy_records_to_table", "copy_to_table", "copy_from_table"})


@dataclass(frozen=True, order=True)
class Use:
    """A module touching a table or importing a model it does not own."""

    module: str
    line: int
    what: str


def owner_of(module: str) -> str:
    """sar_coord.<feature> for feature modules, else the module itself (sar_coord.demo) or the
    top-level package (alerts, ais_ingest)."""
    parts = module.split(".")
    if parts[0] != "sar_coord":
        return parts[0]
    return ".".join(parts[:2])


def _owns(module: str, owner: str) -> bool:
    return owner_of(module) == owner


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            found.append((".".join(parts), path))
    return found


def _model_modules() -> dict[str, str]:
    """Module of each ORM model file -> its feature (models.py files holding tables)."""
    return {
        module: owner_of(module)
        for module, path in _modules()
        if module.endswith(".models") and "__tablename__" in path.read_text()
    }


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines |= set(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def _strings(tree: ast.Module) -> list[tuple[int, str]]:
    """Every string constant, f-strings joined with their holes blanked, with its line."""
    out: list[tuple[int, str]] = []
    inside_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else " ? "
                for v in node.values
            )
            out.append((node.lineno, text))
            inside_fstring |= {id(v) for v in node.values}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in inside_fstring
        ):
            out.append((node.lineno, node.value))
    return out


def uses_in(module: str, source: str, models: dict[str, str]) -> list[Use]:
    """The foreign tables and models this module's source touches."""
    tree = ast.parse(source)
    mine = owner_of(module)
    typing_only = _type_checking_lines(tree)
    found: list[Use] = []

    def foreign(table: str) -> bool:
        if module in LOADERS or _owns(module, OWNERS[table]):
            return False
        return table not in CO_WRITERS.get(module, frozenset())

    for line, text in _strings(tree):
        for m in _SQL_USE.finditer(text):
            table = m.group(1).lower()
            if foreign(table):
                found.append(Use(module, line, f"SQL on {table} (owner {OWNERS[table]})"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            first = node.args[0] if node.args else None
            if (
                name in _COPY_CALLS
                and isinstance(first, ast.Constant)
                and first.value in OWNERS
                and foreign(first.value)
            ):
                found.append(Use(module, node.lineno, f"COPY into {first.value}"))
        imported: list[str] = []
        if isinstance(node, ast.Import | ast.ImportFrom) and node.lineno in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            # `from x.models import M` and `from x import models` both import the model module.
            imported = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            imported = [a.name for a in node.names]
        for name in imported:
            owner = models.get(name)
            if owner is not None and owner != mine and module not in LOADERS:
                found.append(Use(module, node.lineno, f"imports {name} (owner {owner})"))
    return sorted(set(found))


def all_uses() -> list[Use]:
    """Every foreign table use in our packages."""
    models = _model_modules()
    found: list[Use] = []
    for module, path in _modules():
        found += uses_in(module, path.read_text(), models)
    return sorted(found)


def test_every_table_has_an_owner() -> None:
    import alerts.models
    import sar_coord.audit.models
    import sar_coord.auth.models
    import sar_coord.cases.models
    import sar_coord.disembarkation.models
    import sar_coord.places.models
    import sar_coord.vessels.models
    from sar_coord.core.db import Base

    metadata: MetaData = Base.metadata
    assert sar_coord.audit.models and sar_coord.auth.models and sar_coord.cases.models
    assert sar_coord.disembarkation.models and sar_coord.places.models
    assert sar_coord.vessels.models and alerts.models
    assert set(metadata.tables) == set(OWNERS)
    for table in metadata.tables.values():
        defined_in = {
            m.class_.__module__
            for m in Base.registry.mappers
            if getattr(m.class_, "__tablename__", None) == table.name
        }
        assert {owner_of(d) for d in defined_in} == {OWNERS[table.name]}, table.name


def test_the_checker_sees_sql_copy_and_model_imports() -> None:
    models = {"sar_coord.cases.models": "sar_coord.cases"}
    src = (
        "from typing import TYPE_CHECKING\n"
        "from sar_coord.cases.models import DistressCase\n"
        "if TYPE_CHECKING:\n"
        "    from sar_coord.cases.models import CaseEvent\n"
        'Q = "SELECT id FROM distress_case WHERE id = :id"\n'
        'W = f"INSERT INTO ship_answer (x) VALUES ({1})"\n'
        "async def f(conn):\n"
        '    await conn.copy_records_to_table("vessel_position", records=[])\n'
        'KIND = "disembarkation"\n'
    )
    uses = uses_in("sar_coord.audit.evidence", src, models)
    assert sorted(u.what for u in uses) == [
        "COPY into vessel_position",
        "SQL on distress_case (owner sar_coord.cases)",
        "SQL on ship_answer (owner alerts)",
        "imports sar_coord.cases.models (owner sar_coord.cases)",
    ]
    own = src.replace("ship_answer", "case_event").replace("vessel_position", "sar_region")
    assert uses_in("sar_coord.cases.service", own, models) == []
    assert uses_in("ais_ingest.sink", 'Q = "INSERT INTO vessel_latest (mmsi) VALUES (1)"', {}) == []
    assert uses_in("ais_ingest.track", 'Q = "SELECT 1 FROM vessel_latest"', {}) != []
    assert uses_in("ais_ingest.track", '"""A rescue (no from vessel)."""', {}) == []


def test_no_module_touches_another_features_tables() -> None:
    uses = all_uses()
    assert uses == [], "tables used outside their owner (call its service):\n" + "\n".join(
        f"  {u.module}:{u.line}: {u.what}" for u in uses
    )
