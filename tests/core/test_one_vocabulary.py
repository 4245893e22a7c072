"""One vocabulary: no package keeps its own copy of a domain rule that sar_coord.core defines.

The rules live in sar_coord/core/ais.py (MMSI kinds and ranges, checksum, six-bit text),
sar_coord/core/geo.py (nautical mile, great-circle formulas) and sar_coord/core/landmask.py (the
one land mask).
This test reads the source of sar_coord/, alerts/ and ais_ingest/ (AST, nothing is imported) and
fails on a second copy anywhere else.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("sar_coord", "alerts", "ais_ingest")
VOCABULARY = frozenset(
    {"sar_coord/core/ais.py", "sar_coord/core/geo.py", "sar_coord/core/landmask.py"}
)

# Files that still keep copies because another change owns them. Each entry names the rules the
# file still breaks; delete the entry (or a rule) when the file speaks the vocabulary. The test
# fails on an entry that is no longer needed, so this list can only shrink.
NOT_YET_CONVERTED: dict[str, frozenset[str]] = {}

DEVICE_PREFIXES = frozenset({970, 972, 974})
EARTH_RADII = (6371.0, 6371.0088, 6_371_000.0, 6_371_008.8, 3440.065, 3440.07)
SIXBIT_STRING_METHODS = frozenset(
    {"rstrip", "strip", "lstrip", "replace", "split", "partition", "find", "index"}
)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (prose may name 1852 or 970)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _mentions_mmsi(node: ast.AST) -> bool:
    return "mmsi" in ast.unparse(node).lower()


def _function_findings(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[int, str]]:
    calls = {_called_name(n) for n in ast.walk(fn) if isinstance(n, ast.Call)}
    if calls & {"asin", "acos"} or {"atan2", "sin", "cos"} <= calls:
        yield fn.lineno, "great-circle"
    xor = any(
        isinstance(n, ast.BinOp | ast.AugAssign) and isinstance(n.op, ast.BitXor)
        for n in ast.walk(fn)
    ) or any(isinstance(n, ast.Attribute) and n.attr == "xor" for n in ast.walk(fn))
    if xor:
        yield fn.lineno, "xor-checksum"


def findings(source: str) -> list[tuple[int, str]]:
    """(line, rule) for every copy of a domain rule in one module's source."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.extend(_function_findings(node))
        elif isinstance(node, ast.Constant) and id(node) not in docs:
            v = node.value
            if isinstance(v, bool):
                continue
            if isinstance(v, int | float):
                if v == 1852:
                    out.append((line, "nautical-mile"))
                if any(abs(v - r) < 1e-6 for r in EARTH_RADII):
                    out.append((line, "great-circle"))
                if v in DEVICE_PREFIXES or v in {p * 1_000_000 for p in DEVICE_PREFIXES}:
                    out.append((line, "distress-prefix"))
                if v == 999_999_999:
                    out.append((line, "mmsi-range"))
            elif isinstance(v, str):
                if v in {str(p) for p in DEVICE_PREFIXES}:
                    out.append((line, "distress-prefix"))
                if "1852" in v:  # SQL text dividing by a literal
                    out.append((line, "nautical-mile"))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            if any(n.split(".")[0] == "global_land_mask" for n in names):
                out.append((line, "land-mask"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args = node.args
            first = args[0] if args else None
            if (
                node.func.attr in SIXBIT_STRING_METHODS
                and isinstance(first, ast.Constant)
                and first.value == "@"
            ):
                out.append((line, "sixbit-text"))
            if node.func.attr == "startswith" and _mentions_mmsi(node.func.value):
                out.append((line, "mmsi-prefix-arithmetic"))
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.FloorDiv | ast.Div)
            and isinstance(node.right, ast.Constant)
            and node.right.value in (1_000_000, 10_000_000)
            and _mentions_mmsi(node.left)
        ):
            out.append((line, "mmsi-prefix-arithmetic"))
    return sorted(set(out))


def _modules() -> Iterator[tuple[str, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in VOCABULARY:
                yield rel, path.read_text(encoding="utf-8")


def test_no_second_copy_of_a_domain_rule() -> None:
    copies: list[str] = []
    stale: list[str] = []
    for rel, source in _modules():
        found = findings(source)
        allowed = NOT_YET_CONVERTED.get(rel, frozenset())
        copies += [f"{rel}:{line} {rule}" for line, rule in found if rule not in allowed]
        stale += [f"{rel} {rule}" for rule in allowed - {rule for _, rule in found}]
    assert not copies, "use sar_coord.core.ais / core.geo / core.landmask instead:\n" + "\n".join(
        copies
    )
    assert not stale, "converted: remove from NOT_YET_CONVERTED:\n" + "\n".join(stale)


def test_every_allow_listed_file_exists() -> None:
    assert all((ROOT / rel).is_file() for rel in NOT_YET_CONVERTED)


COPIES = {
    # the shapes the copies removed by the "one vocabulary" change had
    "nautical-mile": "NM_M = 1852.0\nSQL = 'SELECT ST_Distance(a, b) / 1852.0'\n",
    "great-circle": (
        "import math\n"
        "def distance_nm(lat1, lon1, lat2, lon2):\n"
        "    a = math.sin(lat2 - lat1) ** 2\n"
        "    return 2 * 3440.065 * math.asin(min(1.0, math.sqrt(a)))\n"
    ),
    "xor-checksum": (
        "from functools import reduce\n"
        "def nmea_checksum(body):\n"
        "    return f'{reduce(lambda a, c: a ^ ord(c), body, 0):02X}'\n"
    ),
    "distress-prefix": (
        "BEACON_PREFIXES = ('970', '972', '974')\nBEACON_SOURCES = {970: 'ais_sart'}\n"
    ),
    "mmsi-range": "def valid(mmsi):\n    return 100_000_000 <= mmsi <= 999_999_999\n",
    "land-mask": "def is_land(lat, lon):\n    from global_land_mask import globe\n",
    "sixbit-text": "def name(s):\n    return s.rstrip('@').strip()\n",
    "mmsi-prefix-arithmetic": (
        "def sart(mmsi):\n    return mmsi // 1_000_000 == 123 or str(mmsi).startswith('12')\n"
    ),
}


def test_the_scan_recognises_each_kind_of_copy() -> None:
    for rule, source in COPIES.items():
        assert rule in {r for _, r in findings(source)}, rule
    clean = '"""1 nm = 1852 m; 970xxyyyy is an AIS-SART."""\nfrom x import METRES_PER_NM\n'
    assert findings(clean) == []
