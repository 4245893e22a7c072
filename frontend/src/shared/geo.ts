// Pure geodesy and antimeridian helpers (WGS 84 lon/lat degrees, nautical miles, no DOM).

export const EARTH_RADIUS_NM = 3440.065;
const D2R = Math.PI / 180;

/** Wrap a longitude into [-180, 180). */
export function wrapLon(lon: number): number {
  const w = ((((lon + 180) % 360) + 360) % 360) - 180;
  return w === -180 && lon > 0 ? 180 : w;
}

/** Shift `lon` by a multiple of 360 so it lies within 180 degrees of `refLon` (for drawing). */
export function unwrapLon(lon: number, refLon: number): number {
  return lon + 360 * Math.round((refLon - lon) / 360);
}

/** Great-circle distance in nautical miles between two lon/lat points. */
export function distanceNm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = lat1 * D2R;
  const p2 = lat2 * D2R;
  const dp = p2 - p1;
  const dl = (lon2 - lon1) * D2R;
  const a = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  return 2 * EARTH_RADIUS_NM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Point reached from lat/lon after `distNm` on initial bearing `bearingDeg` (degrees true). */
export function destination(
  lat: number,
  lon: number,
  bearingDeg: number,
  distNm: number,
): [number, number] {
  const d = distNm / EARTH_RADIUS_NM;
  const b = bearingDeg * D2R;
  const p1 = lat * D2R;
  const l1 = lon * D2R;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 =
    l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [p2 / D2R, wrapLon(l2 / D2R)];
}

/**
 * Geodesic circle of `radiusNm` around a point as a lat/lon ring whose longitudes are
 * continuous around the centre (may leave [-180, 180] near the antimeridian; draw with copies).
 */
export function circleRing(lat: number, lon: number, radiusNm: number, steps = 72): [number, number][] {
  const ring: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const [la, lo] = destination(lat, lon, (360 * i) / steps, radiusNm);
    ring.push([la, unwrapLon(lo, lon)]);
  }
  return ring;
}

export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/**
 * Turn a map view (west/east may be any unwrapped longitudes, west < east) into one or two
 * query boxes with longitudes inside [-180, 180]; a view crossing the antimeridian is split.
 */
export function viewToQueryBoxes(west: number, south: number, east: number, north: number): BBox[] {
  const lat0 = Math.max(-90, south);
  const lat1 = Math.min(90, north);
  if (east - west >= 360) return [[-180, lat0, 180, lat1]];
  const w = wrapLon(west);
  const e = w + (east - west);
  if (e <= 180) return [[w, lat0, e, lat1]];
  return [
    [w, lat0, 180, lat1],
    [-180, lat0, e - 360, lat1],
  ];
}

/** Format decimal degrees as a seafarer's D° MM.mm' N/S, D° MM.mm' E/W string. */
export function formatLatLon(lat: number, lon: number): string {
  const f = (v: number, pos: string, neg: string, width: number): string => {
    const a = Math.abs(v);
    let d = Math.floor(a);
    let m = (a - d) * 60;
    if (m >= 59.995) {
      d += 1;
      m = 0;
    }
    return `${String(d).padStart(width, "0")}°${m.toFixed(2).padStart(5, "0")}'${v < 0 ? neg : pos}`;
  };
  return `${f(lat, "N", "S", 2)} ${f(wrapLon(lon), "E", "W", 3)}`;
}
