"""Differential test against gpsd's independent decoder (`gpsdecode -u -j`) over the corpus.

Every field ingest stores from a message (position: lat, lon, SOG, COG, heading, status; static:
name, call sign, IMO, ship type, length, beam, draught, destination, ETA) is compared with
gpsd's unscaled value after the same "not available" mapping; mismatches are listed by field
and MMSI. Floor: 99.9% agreement per field.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from ais_ingest.decode import DecodeError, decode_message
from ais_ingest.reports import PositionReport, StaticReport
from ais_ingest.sixbit import ship_type_or_none
from tests.ais_ingest import corpus as C

FLOOR = 0.999
TEXT_FIELDS = frozenset({"name", "call_sign", "destination"})
TYPE24_B = ("call_sign", "ship_type", "length", "beam")
POSITION_FIELDS = ("lat", "lon", "sog", "cog", "heading", "status")
STATIC_FIELDS = (
    "name", "call_sign", "imo", "ship_type", "length", "beam", "draught", "destination", "eta",
)  # fmt: skip


def _gpsd(sentences: list[bytes]) -> list[dict[str, Any]]:
    gpsdecode = shutil.which("gpsdecode")
    if gpsdecode is None:
        pytest.skip("gpsdecode not installed (Debian package gpsd-clients; see deploy/test.sh)")
    out = subprocess.run(
        [gpsdecode, "-u", "-j"],
        input=b"\n".join(sentences) + b"\n",
        capture_output=True,
        check=True,
        timeout=600,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith(b"{")]


def _none_if(value: Any, na: Any) -> Any:
    return None if value is None or value == na else value


def _gpsd_position(g: dict[str, Any]) -> dict[str, Any]:
    """What we must store for gpsd's unscaled position (independent n/a mapping)."""
    t = g["type"]
    div, lon_na, lat_na = (600.0, 108600, 54600) if t == 27 else (600000.0, 108600000, 54600000)
    lon, lat = g.get("lon"), g.get("lat")
    if (
        lon is None
        or lat is None
        or lon == lon_na
        or lat == lat_na
        or abs(lon) > 180 * div
        or abs(lat) > 90 * div
    ):
        lat_deg = lon_deg = None
    else:
        lat_deg, lon_deg = round(lat / div, 6), round(lon / div, 6)
    speed, course = g.get("speed"), g.get("course")
    if t == 27:
        sog = _none_if(speed, 63)
        cog = None if course is None or course >= 360 else float(course)
    elif t == 9:
        sog = None if speed is None or speed >= 1023 else float(speed)
        cog = None if course is None or course >= 3600 else course / 10.0
    else:
        sog = None if speed is None or speed >= 1023 else speed / 10.0
        cog = None if course is None or course >= 3600 else course / 10.0
    heading = g.get("heading")
    return {
        "lat": lat_deg,
        "lon": lon_deg,
        "sog": None if sog is None else float(sog),
        "cog": cog,
        "heading": None if heading is None or heading >= 360 else heading,
        "status": g.get("status"),
    }


def _ours_position(r: PositionReport) -> dict[str, Any]:
    return {
        "lat": r.lat_deg,
        "lon": r.lon_deg,
        "sog": r.sog_kn,
        "cog": r.cog_deg,
        "heading": r.heading_deg,
        "status": r.nav_status,
    }


def _text(value: Any) -> str | None:
    # same cut at '@' and right trim as ours (gpsd writes six-bit 31 as '-': see _norm)
    return value if isinstance(value, str) and value else None


def _gpsd_static(g: dict[str, Any]) -> dict[str, Any]:
    bow, stern = g.get("to_bow"), g.get("to_stern")
    port, stbd = g.get("to_port"), g.get("to_starboard")
    out: dict[str, Any] = {}
    if "shipname" in g:
        out["name"] = _text(g["shipname"])
    if "callsign" in g:
        out["call_sign"] = _text(g["callsign"])
    if "shiptype" in g:
        out["ship_type"] = ship_type_or_none(g["shiptype"])
    if bow is not None and stern is not None and port is not None and stbd is not None:
        out["length"] = float(bow + stern) or None
        out["beam"] = float(port + stbd) or None
    if g["type"] == 5:
        out["imo"] = g.get("imo") or None
        out["draught"] = (g.get("draught") or 0) / 10.0 or None
        out["destination"] = _text(g.get("destination"))
        eta = g.get("eta", "")
        out["eta"] = eta if eta[:2] not in ("", "00") and eta[3:5] != "00" else None
    return out


def _ours_static(r: StaticReport) -> dict[str, Any]:
    return {
        "name": r.name,
        "call_sign": r.call_sign,
        "imo": r.imo,
        "ship_type": r.ship_type,
        "length": r.length_m,
        "beam": r.beam_m,
        "draught": r.draught_m,
        "destination": r.destination,
        "eta": r.eta,
    }


def _norm(name: str, value: Any) -> Any:
    """Text as both sides mean it: gpsd writes six-bit 31 as '-' (ITU '_') and keeps leading
    spaces, which the vocabulary's clean_sixbit_text strips."""
    if name in TEXT_FIELDS and isinstance(value, str):
        return value.replace("_", "-").strip(" ") or None
    return value


def test_every_stored_field_agrees_with_gpsdecode(ais_corpus: Path) -> None:
    """Field agreement with gpsd >= 99.9% per field over the whole shared corpus."""
    msgs = C.messages(ais_corpus)
    theirs = _gpsd([m[4] for m in msgs])
    checked: Counter[str] = Counter()
    wrong: dict[str, list[int]] = defaultdict(list)
    only_gpsd = 0
    j = 0
    for payload, fill, ts, _n, _raw, _timed in msgs:
        try:
            ours = decode_message(payload, fill, ts)
        except DecodeError:
            ours = []
        if not ours or j >= len(theirs):
            continue
        g = theirs[j]
        if (g.get("type"), g.get("mmsi")) != (ours[0].msg_type, ours[0].mmsi):
            continue  # gpsd refused this one (it is counted below as ours only)
        j += 1
        for rep in ours:
            if isinstance(rep, PositionReport):
                pairs = [(f, _ours_position(rep)[f], _gpsd_position(g)[f]) for f in POSITION_FIELDS]
            elif isinstance(rep, StaticReport):
                expected = _gpsd_static(g)
                got = _ours_static(rep)
                # gpsd adds a queued part A's name to a part B: compare each part's own fields
                fields = {"A": ("name",), "B": TYPE24_B}.get(rep.part or "", STATIC_FIELDS)
                pairs = [(f, got[f], expected[f]) for f in fields if f in expected]
            else:
                continue
            for name, got_value, want in pairs:
                checked[name] += 1
                if _norm(name, got_value) != _norm(name, want):
                    wrong[name].append(rep.mmsi)
    only_gpsd = len(theirs) - j
    report = {
        f: f"{checked[f] - len(wrong[f])}/{checked[f]} (mmsi {sorted(set(wrong[f]))[:10]})"
        for f in (*POSITION_FIELDS, *STATIC_FIELDS)
        if wrong[f]
    }
    print("gpsd differential:", dict(checked), "mismatches:", report, "gpsd-only:", only_gpsd)
    assert checked["lat"] > 50_000 and checked["name"] > 2_000
    low = {
        f: round(1 - len(wrong[f]) / checked[f], 5)
        for f in checked
        if 1 - len(wrong[f]) / checked[f] < FLOOR
    }
    assert not low, report
