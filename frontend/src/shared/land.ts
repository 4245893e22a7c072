// Offline basemap geometry: Natural Earth land (world-atlas TopoJSON) made drawable on a flat
// lon/lat map with correct antimeridian handling (pure, no DOM).
import { feature } from "topojson-client";
import type { Topology, GeometryObject } from "topojson-specification";
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from "geojson";

export type Ring = Position[];

/**
 * Make a spherical ring drawable in the plane: longitudes are unwrapped so no edge jumps more
 * than 180 degrees. A ring that encircles a pole (net 360-degree drift, e.g. Antarctica) is
 * closed through that pole so it fills the polar cap instead of striping the map.
 */
export function unwrapRing(ring: Ring): Ring {
  if (ring.length === 0) return [];
  const out: Ring = [[ring[0][0], ring[0][1]]];
  let prev = ring[0][0];
  for (let i = 1; i < ring.length; i++) {
    let lon = ring[i][0];
    while (lon - prev > 180) lon -= 360;
    while (lon - prev < -180) lon += 360;
    out.push([lon, ring[i][1]]);
    prev = lon;
  }
  const drift = out[out.length - 1][0] - out[0][0];
  if (Math.abs(drift) > 180) {
    // Encircles a pole: go to the pole on the side the ring lies on, then back along it.
    const meanLat = out.reduce((s, p) => s + p[1], 0) / out.length;
    const poleLat = meanLat < 0 ? -90 : 90;
    const last = out[out.length - 1][0];
    const first = out[0][0];
    out.push([last, poleLat], [first, poleLat], [first, out[0][1]]);
  }
  return out;
}

/** Shift a whole ring by a multiple of 360 degrees so its first point is near `refLon`. */
function shiftNear(ring: Ring, refLon: number): Ring {
  const k = Math.round((refLon - ring[0][0]) / 360);
  return k === 0 ? ring : ring.map(([x, y]) => [x + 360 * k, y]);
}

/** Unwrap a polygon's rings consistently: holes are moved next to their outer ring. */
export function unwrapPolygon(rings: Ring[]): Ring[] {
  if (rings.length === 0) return [];
  const outer = unwrapRing(rings[0]);
  const ref = outer[0][0];
  return [outer, ...rings.slice(1).map((r) => shiftNear(unwrapRing(r), ref))];
}

/** Longitude copies to draw so that panning across the antimeridian shows land on both sides. */
export const WORLD_COPIES = [-360, 0, 360] as const;

/** Land polygons from a world-atlas topology, unwrapped, plus copies shifted by +/-360 degrees. */
export function landPolygons(topo: Topology, objectName = "land"): Ring[][] {
  const obj = topo.objects[objectName] as GeometryObject;
  const fc = feature(topo, obj) as Feature | FeatureCollection;
  const feats: Feature[] = fc.type === "FeatureCollection" ? fc.features : [fc];
  const polys: Ring[][] = [];
  for (const f of feats) {
    const g = f.geometry as Polygon | MultiPolygon | null;
    if (!g) continue;
    const parts = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    for (const p of parts) polys.push(unwrapPolygon(p));
  }
  const out: Ring[][] = [];
  for (const dx of WORLD_COPIES) {
    for (const p of polys) out.push(dx === 0 ? p : p.map((r) => r.map(([x, y]) => [x + dx, y])));
  }
  return out;
}

/** Even-odd point-in-ring test in the lon/lat plane. */
function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when lon/lat falls on land in the drawable polygons (outer ring minus holes). */
export function isLand(polys: Ring[][], lon: number, lat: number): boolean {
  for (const p of polys) {
    if (p.length && inRing(lon, lat, p[0]) && !p.slice(1).some((h) => inRing(lon, lat, h))) return true;
  }
  return false;
}

/** As GeoJSON for Leaflet (lon/lat order; unwrapped coordinates are fine for Leaflet). */
export function toGeoJson(polys: Ring[][]): FeatureCollection<Polygon> {
  // One feature per polygon so the renderer can skip the ones outside the view by their bounds.
  return {
    type: "FeatureCollection",
    features: polys.map((p) => ({ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: p } })),
  };
}
