"""Route files for ships' equipment: IEC 61174 RTZ 1.0 (ECDIS) and GPX 1.1 (chart plotters)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

RTZ_NS = "http://www.cirm.org/RTZ/1/0"
GPX_NS = "http://www.topografix.com/GPX/1/1"


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_rtz(name: str, points: list[tuple[float, float]]) -> str:
    """An RTZ 1.0 route (waypoints lat/lon in decimal degrees, rhumb-line legs) as XML text."""
    ET.register_namespace("", RTZ_NS)
    root = ET.Element(f"{{{RTZ_NS}}}route", {"version": "1.0"})
    ET.SubElement(root, f"{{{RTZ_NS}}}routeInfo", {"routeName": name})
    wps = ET.SubElement(root, f"{{{RTZ_NS}}}waypoints")
    for i, (lon, lat) in enumerate(points, start=1):
        wp = ET.SubElement(wps, f"{{{RTZ_NS}}}waypoint", {"id": str(i), "name": f"WP{i:02d}"})
        ET.SubElement(wp, f"{{{RTZ_NS}}}position", {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}"})
        if i > 1:
            ET.SubElement(wp, f"{{{RTZ_NS}}}leg", {"geometryType": "Loxodrome"})
    return _xml(root)


def to_gpx(name: str, points: list[tuple[float, float]]) -> str:
    """A GPX 1.1 route (`rte` of `rtept`, WGS 84 decimal degrees) as XML text."""
    ET.register_namespace("", GPX_NS)
    root = ET.Element(f"{{{GPX_NS}}}gpx", {"version": "1.1", "creator": "sar-coord"})
    rte = ET.SubElement(root, f"{{{GPX_NS}}}rte")
    ET.SubElement(rte, f"{{{GPX_NS}}}name").text = name
    for i, (lon, lat) in enumerate(points, start=1):
        pt = ET.SubElement(rte, f"{{{GPX_NS}}}rtept", {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}"})
        ET.SubElement(pt, f"{{{GPX_NS}}}name").text = f"WP{i:02d}"
    return _xml(root)
