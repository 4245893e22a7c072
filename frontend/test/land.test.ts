// The offline basemap: Natural Earth land with the antimeridian handled, checked at known places.
import { describe, expect, it } from "vitest";
import type { Topology } from "topojson-specification";
import land50 from "world-atlas/land-50m.json";
import land110 from "world-atlas/land-110m.json";
import { isLand, landPolygons, unwrapRing } from "../src/shared/land";

const polys50 = landPolygons(land50 as unknown as Topology);
const polys110 = landPolygons(land110 as unknown as Topology);

describe("ring unwrapping", () => {
  it("removes jumps across the antimeridian", () => {
    const ring = unwrapRing([[179, 0], [-179, 0], [-179, 1], [179, 1], [179, 0]]);
    expect(ring.map((p) => p[0])).toEqual([179, 181, 181, 179, 179]);
  });
  it("closes a ring around the south pole through the pole", () => {
    const ring = unwrapRing([[-180, -70], [-60, -65], [60, -68], [179, -70], [-180, -70]]);
    expect(ring.at(-3)).toEqual([180, -90]);
    expect(ring.at(-2)).toEqual([-180, -90]);
    for (let i = 1; i < ring.length; i++) expect(Math.abs(ring[i][0] - ring[i - 1][0])).toBeLessThanOrEqual(360);
  });
  it("no drawable edge in the real data jumps across the map", () => {
    for (const p of polys50) for (const r of p) {
      for (let i = 1; i < r.length; i++) {
        const dx = Math.abs(r[i][0] - r[i - 1][0]);
        // Only the pole-closing edge of Antarctica may span the world, and only at latitude 90.
        if (dx > 180) expect(Math.abs(r[i][1])).toBe(90);
      }
    }
  });
});

const places: [string, number, number, boolean][] = [
  ["Sicily interior", 14.2, 37.5, true],
  ["sea south of Malta", 14.5, 35.5, false],
  ["Malta", 14.42, 35.88, true],
  ["Libyan desert", 15.0, 29.0, true],
  ["central Mediterranean", 17.0, 34.0, false],
  ["Chukotka (west of 180)", 175.0, 66.5, true],
  ["Chukotka (east of 180)", -175.0, 66.0, true],
  ["Chukotka seen east of 180 as 185", 185.0, 66.0, true],
  ["Fiji, Vanua Levu", 179.3, -16.5, true],
  ["Pacific near the dateline", -175.0, 0.0, false],
  ["Bering Sea", -178.0, 58.0, false],
  ["Antarctica interior", 0.0, -80.0, true],
  ["Southern Ocean", 0.0, -60.0, false],
  ["Antarctica seen across the dateline", -180.0 - 60.0, -82.0, true],
];

describe("land at known coordinates", () => {
  for (const [name, lon, lat, land] of places) {
    it(`${name} (${lat}, ${lon}) is ${land ? "land" : "sea"} at 1:50m`, () => {
      expect(isLand(polys50, lon, lat)).toBe(land);
    });
  }
  it("1:110m agrees on the large features", () => {
    expect(isLand(polys110, 14.2, 37.5)).toBe(true);
    expect(isLand(polys110, 14.5, 35.5)).toBe(false);
    expect(isLand(polys110, -175.0, 66.0)).toBe(true);
    expect(isLand(polys110, 0, -80)).toBe(true);
  });
});
