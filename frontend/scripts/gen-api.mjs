// `npm run gen:api`: dump the API's OpenAPI schema to openapi.json (Python, no database) and
// generate src/shared/api-types.ts from it with openapi-typescript. Both files are checked in;
// tests/test_frontend_api_types.py fails when they differ from what the live schema gives.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(frontend, "..");
const venvPython = join(repo, ".venv", "bin", "python");
const python = process.env.SAR_PYTHON ?? (existsSync(venvPython) ? venvPython : "python3");

execFileSync(python, ["-m", "tests.openapi_dump", join(frontend, "openapi.json")], {
  cwd: repo,
  env: { ...process.env, PYTHONPATH: repo },
  stdio: "inherit",
});
execFileSync(join(frontend, "node_modules", ".bin", "openapi-typescript"), ["openapi.json", "--default-non-nullable", "false", "-o", "src/shared/api-types.ts"], {
  cwd: frontend,
  stdio: "inherit",
});
