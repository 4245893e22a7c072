"""Port gazetteer from searoute's open port list (UN/LOCODE, WGS 84 lon/lat); pure loader."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources

from sar_coord.core.geo import valid_lon_lat

SOURCE = "searoute ports.geojson (UN/LOCODE)"
_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


@dataclass
class Port:
    """One port: UN/LOCODE, name, ISO 3166 alpha-2 country (first two letters), lon/lat."""

    locode: str
    name: str
    country: str
    country_name: str | None
    lon: float
    lat: float
    other_names: list[str] = field(default_factory=list)


def load_searoute_ports() -> list[Port]:
    """Return searoute's ports keyed by valid UN/LOCODE; duplicates keep the first name."""
    raw = resources.files("searoute").joinpath("data/ports.geojson").read_text()
    ports: dict[str, Port] = {}
    for feat in json.loads(raw)["features"]:
        props = feat.get("properties") or {}
        code = str(props.get("port") or "").strip().upper()
        name = str(props.get("name") or "").strip()
        if not _LOCODE.match(code) or not name:
            continue
        lon, lat = (float(c) for c in feat["geometry"]["coordinates"][:2])
        if not valid_lon_lat(lon, lat):
            continue
        if code in ports:
            if name not in ports[code].other_names and name != ports[code].name:
                ports[code].other_names.append(name)
            continue
        cty = props.get("cty")
        ports[code] = Port(
            locode=code,
            name=name[:120],
            country=code[:2],
            country_name=str(cty).replace("_", " ")[:80] if cty else None,
            lon=lon,
            lat=lat,
        )
    return sorted(ports.values(), key=lambda p: p.locode)
