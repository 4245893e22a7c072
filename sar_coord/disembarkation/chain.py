"""A rescue chain (pure): rescue -> transfers -> landings across vessels, and its open ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sar_coord.disembarkation.rules import Outcome, RuleResult


@dataclass(frozen=True)
class Step:
    """A rescue (from_vessel None) or a transfer of `persons` to `to_vessel` at `at` (UTC)."""

    at: datetime
    to_vessel: str
    persons: int
    from_vessel: str | None = None


@dataclass(frozen=True)
class Landing:
    """People landed by `vessel` at `at` (UTC) in `port`."""

    at: datetime
    vessel: str
    persons: int
    port: str


def on_board(steps: list[Step], landings: list[Landing]) -> dict[str, int]:
    """Return persons held per vessel after every step and landing (negative: too many out)."""
    held: dict[str, int] = {}
    for s in steps:
        if s.from_vessel is not None:
            held[s.from_vessel] = held.get(s.from_vessel, 0) - s.persons
        held[s.to_vessel] = held.get(s.to_vessel, 0) + s.persons
    for landing in landings:
        held[landing.vessel] = held.get(landing.vessel, 0) - landing.persons
    return held


def judge_chain(
    steps: list[Step], landings: list[Landing], *, now: datetime, open_after_h: float
) -> RuleResult:
    """Judge the whole chain: every person rescued landed, or still on board for less than
    `open_after_h` hours since the first rescue; otherwise "no landing recorded"."""
    rule = "chain_landing"
    held = on_board(steps, landings)
    rescued = sum(s.persons for s in steps if s.from_vessel is None)
    landed = sum(x.persons for x in landings)
    negative = sorted(v for v, n in held.items() if n < 0)
    if negative:
        return RuleResult(
            rule,
            Outcome.FLAG,
            "Contradictory chain: more people leave a vessel than it held: "
            + ", ".join(f"{v} ({held[v]})" for v in negative),
            tuple(negative),
        )
    waiting = {v: n for v, n in sorted(held.items()) if n > 0}
    if not waiting:
        if rescued == 0:
            return RuleResult(rule, Outcome.CANNOT_JUDGE, "Cannot judge: no rescue recorded.")
        return RuleResult(
            rule, Outcome.PASS, f"All {rescued} person(s) rescued were landed ({landed})."
        )
    first = min((s.at for s in steps if s.from_vessel is None), default=None)
    aboard = ", ".join(f"{n} on {v}" for v, n in waiting.items())
    if first is not None and now - first > timedelta(hours=open_after_h):
        hours = (now - first) / timedelta(hours=1)
        return RuleResult(
            rule,
            Outcome.FLAG,
            f"No landing recorded: {aboard}, {hours:.0f} h after the rescue (limit"
            f" {open_after_h:g} h).",
            tuple(waiting),
        )
    return RuleResult(
        rule, Outcome.PASS, f"Chain open: {aboard}; landed so far {landed} of {rescued}."
    )
