"""Run the real app (sar_coord.main.create_app, dashboard at /) under uvicorn for browser tests."""

from __future__ import annotations

import argparse

import uvicorn

from sar_coord.main import create_app, server_options


def main() -> None:
    """Run under uvicorn: --url DATABASE_URL --port HTTP_PORT (ship port: ALERTS_SHIP_WS_PORT)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(database_url=args.url),
        host="127.0.0.1",
        port=args.port,
        **server_options(),
        log_level="info",
        lifespan="on",
    )


if __name__ == "__main__":
    main()
