"""The dashboard's API types are what the live OpenAPI schema generates (no hand-written drift)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.openapi_dump import openapi_text

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
GENERATOR = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"
# The same options as frontend/scripts/gen-api.mjs (asserted below).
GENERATOR_OPTIONS = ["--default-non-nullable", "false"]
REGENERATE = "run `cd frontend && npm run gen:api` and commit openapi.json and src/shared/api-types.ts"


def test_checked_in_openapi_json_is_the_live_schema() -> None:
    checked_in = (FRONTEND / "openapi.json").read_text(encoding="utf-8")
    assert checked_in == openapi_text(), f"frontend/openapi.json is out of date: {REGENERATE}"


def test_checked_in_api_types_are_generated_from_the_live_schema(tmp_path: Path) -> None:
    if not GENERATOR.exists() or shutil.which("npx") is None:
        pytest.skip("openapi-typescript not installed: run `cd frontend && npm ci`")
    script = (FRONTEND / "scripts" / "gen-api.mjs").read_text(encoding="utf-8")
    assert ", ".join(f'"{o}"' for o in GENERATOR_OPTIONS) in script
    schema = tmp_path / "openapi.json"
    schema.write_text(openapi_text(), encoding="utf-8")
    out = tmp_path / "api-types.ts"
    subprocess.run(
        ["npx", "--no-install", "openapi-typescript", str(schema), *GENERATOR_OPTIONS, "-o", str(out)],
        cwd=FRONTEND,
        check=True,
        capture_output=True,
        timeout=120,
    )
    generated = out.read_text(encoding="utf-8")
    checked_in = (FRONTEND / "src" / "shared" / "api-types.ts").read_text(encoding="utf-8")
    assert "export interface components" in generated
    assert checked_in == generated, f"src/shared/api-types.ts is out of date: {REGENERATE}"
