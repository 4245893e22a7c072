"""AIS traffic simulator: real NMEA (!AIVDM) from pyais's encoder, paced to UDP/TCP/file/stdout.

This is the one module besides ais_ingest/decode.py allowed to import pyais (its encoder only).
Times are Unix seconds UTC; see simulate_scenario for the fleet, simulate_geo for the sea.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ais_ingest.simulator.geo import CENTRAL_MED, Region
from ais_ingest.simulator.outputs import Output, TcpServerOutput, open_output
from ais_ingest.simulator.scenario import AisMessage, ScenarioEvent, SimConfig, Simulation
from sar_coord.core.ais import nmea_checksum_hex

__all__ = [
    "AisMessage",
    "Output",
    "ScenarioEvent",
    "SimConfig",
    "SimStats",
    "TcpServerOutput",
    "app",
    "iter_nmea",
    "run_simulator",
]
STATION = "sarsim"
ScenarioCallback = Callable[[ScenarioEvent], Awaitable[None] | None]


def tag_block(t: float) -> str:
    """NMEA 4.10 tag block carrying source and receive time (c: Unix seconds)."""
    body = f"s:{STATION},c:{int(t)}"
    return f"\\{body}*{nmea_checksum_hex(body)}\\"


class Encoder:
    """AisMessage -> !AIVDM sentences (multipart ids rotate 0-9 per channel)."""

    def __init__(self, tag_blocks: bool) -> None:
        from pyais.encode import encode_dict  # imported on first use: keeps the CLI start fast

        self._encode_dict = encode_dict
        self.tag_blocks = tag_blocks
        self._seq = {"A": 0, "B": 0}

    def encode(self, msg: AisMessage) -> list[str]:
        """The sentences of one message, each prefixed with a tag block when enabled."""
        seq = self._seq[msg.channel]
        sentences: list[str] = self._encode_dict(
            msg.fields,
            talker_id="AI",
            sentence_type="VDM",
            radio_channel=msg.channel,
            seq_id=seq,
        )
        if len(sentences) > 1:
            self._seq[msg.channel] = (seq + 1) % 10
        if self.tag_blocks:
            tag = tag_block(msg.t)
            return [tag + s for s in sentences]
        return sentences


def iter_items(
    cfg: SimConfig, duration_s: float | None = None, *, tag_blocks: bool = True
) -> Iterator[tuple[float, str | ScenarioEvent]]:
    """(sim time, NMEA line or scenario event) in time order; forever when duration_s is None."""
    sim = Simulation(cfg)
    enc = Encoder(tag_blocks)
    for item in sim.emissions(duration_s):
        if isinstance(item, ScenarioEvent):
            yield item.t, item
        else:
            for line in enc.encode(item):
                yield item.t, line


def iter_nmea(
    cfg: SimConfig,
    duration_s: float | None = None,
    *,
    tag_blocks: bool = True,
    on_scenario: Callable[[ScenarioEvent], object] | None = None,
) -> Iterator[tuple[float, str]]:
    """(sim time Unix s, NMEA line) pairs; scenario events go to on_scenario (synchronously)."""
    for t, item in iter_items(cfg, duration_s, tag_blocks=tag_blocks):
        if isinstance(item, ScenarioEvent):
            if on_scenario is not None:
                on_scenario(item)
        else:
            yield t, item


# ---- running -------------------------------------------------------------------------------


@dataclass
class SimStats:
    """Counters of one run: sentences written, dropped, scenario events, sim seconds covered."""

    sentences: int = 0
    dropped: int = 0
    scenario_events: int = 0
    sim_seconds: float = 0.0


async def run_simulator(
    cfg: SimConfig | None = None,
    out: str | Output = "-",
    *,
    speed: float = 1.0,
    duration_s: float | None = None,
    tag_blocks: bool = True,
    scenario_out: Path | None = None,
    on_scenario: ScenarioCallback | None = None,
) -> SimStats:
    """Run the simulation into `out` (closed at the end), paced at `speed` x real time.

    speed 0 runs as fast as possible (needs duration_s). Scenario events are appended to
    scenario_out as JSON lines and passed to on_scenario (a plain or async callable).
    """
    cfg = cfg or SimConfig()
    if speed <= 0 and duration_s is None:
        raise ValueError("as fast as possible (speed 0) needs a duration")
    # Building the fleet may open the land mask (seconds on a cold cache): off the event loop,
    # and before the pacing clock starts.
    sim = await asyncio.to_thread(Simulation, cfg)
    enc = Encoder(tag_blocks)
    output = await open_output(out) if isinstance(out, str) else out
    scen_fh = scenario_out.open("a", encoding="utf-8") if scenario_out else None
    stats = SimStats()
    loop = asyncio.get_running_loop()
    t0 = sim.t0
    wall0 = loop.time()
    batch: list[str] = []
    try:
        for item in sim.emissions(duration_s):
            if speed > 0:
                delay = wall0 + (item.t - t0) / speed - loop.time()
                if delay > 0:
                    if batch:
                        await output.send(batch)
                        batch = []
                    await asyncio.sleep(delay)
            stats.sim_seconds = item.t - t0
            if isinstance(item, ScenarioEvent):
                stats.scenario_events += 1
                if scen_fh is not None:
                    scen_fh.write(json.dumps(item.as_json()) + "\n")
                    scen_fh.flush()
                if on_scenario is not None:
                    res = on_scenario(item)
                    if inspect.isawaitable(res):
                        await res
                continue
            lines = enc.encode(item)
            batch.extend(lines)
            stats.sentences += len(lines)
            if len(batch) >= 500:
                await output.send(batch)
                batch = []
                await asyncio.sleep(0)
        if batch:
            await output.send(batch)
    finally:
        stats.dropped = output.dropped
        await output.close()
        if scen_fh is not None:
            scen_fh.close()
    return stats


# ---- command line --------------------------------------------------------------------------

app = typer.Typer(help="Simulated AIS traffic (real NMEA) with scripted distress events.")


def _opt_time(value: float) -> float | None:
    return None if value < 0 else value


@app.callback(invoke_without_command=True)
def simulate(
    vessels: Annotated[int, typer.Option(min=0, help="Number of vessels.")] = 40,
    region: Annotated[
        str, typer.Option(help="lon1,lat1,lon2,lat2 (default: central Mediterranean).")
    ] = f"{CENTRAL_MED.lon1},{CENTRAL_MED.lat1},{CENTRAL_MED.lon2},{CENTRAL_MED.lat2}",
    speed: Annotated[
        float, typer.Option(min=0, help="x real time; 0 = as fast as possible.")
    ] = 1.0,
    duration_s: Annotated[
        float | None, typer.Option(min=0, help="Simulated seconds (default: forever).")
    ] = None,
    out: Annotated[
        str,
        typer.Option(help="udp://host:port, tcp://host:port, tcp-listen://:port, file:PATH, -"),
    ] = "-",
    seed: Annotated[int, typer.Option(help="Random seed (same seed + start: same output).")] = 1,
    start: Annotated[
        datetime | None, typer.Option(help="Sim start time, UTC (default: now).")
    ] = None,
    scenario_out: Annotated[
        Path | None, typer.Option(help="Append scenario events (JSON lines) to this file.")
    ] = None,
    tag_blocks: Annotated[
        bool, typer.Option(help="Prefix NMEA 4.10 tag blocks carrying the sim time (c:).")
    ] = True,
    boat_at_s: Annotated[
        float, typer.Option(help="Hotline report of the rubber boat, s after start (<0: off).")
    ] = 120.0,
    engine_failure_at_s: Annotated[
        float, typer.Option(help="Fishing vessel engine failure, s after start (<0: off).")
    ] = 300.0,
    sart_at_s: Annotated[
        float, typer.Option(help="AIS-SART activation, s after start (<0: off).")
    ] = 600.0,
    gaps: Annotated[bool, typer.Option(help="Occasional AIS gaps (vessels fall silent).")] = True,
) -> None:
    """Generate AIS traffic until the duration ends or Ctrl-C; counters go to stderr as JSON."""
    try:
        reg = Region.parse(region)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--region") from exc
    if speed == 0 and duration_s is None:
        raise typer.BadParameter("--speed 0 needs --duration-s", param_hint="--speed")
    start_s = None
    if start is not None:
        start_s = (start if start.tzinfo else start.replace(tzinfo=UTC)).timestamp()
    cfg = replace(
        SimConfig(),
        vessels=vessels,
        region=reg,
        seed=seed,
        start_s=start_s,
        boat_at_s=_opt_time(boat_at_s),
        engine_failure_at_s=_opt_time(engine_failure_at_s),
        sart_at_s=_opt_time(sart_at_s),
        gaps=gaps,
    )
    try:
        stats = asyncio.run(
            run_simulator(
                cfg,
                out,
                speed=speed,
                duration_s=duration_s,
                tag_blocks=tag_blocks,
                scenario_out=scenario_out,
            )
        )
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except (ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(stats.__dict__), err=True)


if __name__ == "__main__":
    app()
