"""ARCHITECTURE.md names only modules, folders and symbols that exist."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "ARCHITECTURE.md"
TOP = ("sar_coord", "ais_ingest", "alerts", "frontend", "migrations", "tests", "deploy")
# `path/to/file.ext` or `path/to/folder/`, optionally with one {a,b,c} alternation
PATH = re.compile(r"`((?:" + "|".join(TOP) + r")/[\w./{},-]*)`")
# `path/to/module.py` (`Symbol`) or (`Symbol.method`), or (`function`; ...): the symbol is there
SYMBOL = re.compile(r"`([\w/]+\.(?:py|ts))`\s+\(`(\w+)(?:\.(\w+))?`[);]")


def _expand(path: str) -> list[str]:
    match = re.search(r"\{([^}]*)\}", path)
    if match is None:
        return [path]
    head, tail = path[: match.start()], path[match.end() :]
    return [f"{head}{alt}{tail}" for alt in match.group(1).split(",")]


def test_every_cited_path_exists() -> None:
    text = DOC.read_text()
    cited = list(itertools.chain.from_iterable(_expand(p) for p in PATH.findall(text)))
    assert len(cited) > 40, "the page should name the modules of both paths"
    built = ("frontend/dist",)  # build output, made by `npm run build`, not tracked
    missing = [p for p in cited if not (REPO / p).exists() and not p.startswith(built)]
    assert missing == [], f"ARCHITECTURE.md names paths that do not exist: {missing}"


def test_cited_symbols_live_in_the_cited_module() -> None:
    text = DOC.read_text()
    pairs = SYMBOL.findall(text)
    assert len(pairs) >= 10, "expected symbols such as `Framer` beside their modules"
    wrong = []
    for module, symbol, attribute in pairs:
        if not (REPO / module).exists():
            wrong.append(f"{module} does not exist")
            continue
        source = (REPO / module).read_text()
        if not re.search(rf"\b(class|def|function)\s+{symbol}\b", source):
            wrong.append(f"{symbol} not defined in {module}")
        elif attribute and not re.search(
            rf"\b(async\s+)?def\s+{attribute}\b|\b{attribute}\(", source
        ):
            wrong.append(f"{symbol}.{attribute} not in {module}")
    assert wrong == [], wrong


def test_readme_links_the_page() -> None:
    assert "(ARCHITECTURE.md)" in (REPO / "README.md").read_text()
