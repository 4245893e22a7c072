"""Write the API's OpenAPI schema as JSON (no database: the app is built, never started)."""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import Any

# The app needs a database URL to be built; the schema never connects to it.
OFFLINE_DATABASE_URL = "postgresql+asyncpg://offline.invalid/schema-only"


def openapi_schema() -> dict[str, Any]:
    """The schema `create_app().openapi()` serves at /openapi.json."""
    from sar_coord.core.config import get_settings
    from sar_coord.main import create_app

    # A throwaway signing secret: the app is built to read its schema, it never issues a token.
    settings = get_settings().model_copy(update={"jwt_secret": secrets.token_hex(32)})
    return create_app(settings, database_url=OFFLINE_DATABASE_URL).openapi()


def openapi_text() -> str:
    """The schema as stable, diff-friendly JSON text (two-space indent, final newline)."""
    return json.dumps(openapi_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """`python -m tests.openapi_dump OUT.json` (stdout without an argument)."""
    text = openapi_text()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
