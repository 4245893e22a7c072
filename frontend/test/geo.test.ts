// Antimeridian, distance and formatting rules.
import { describe, expect, it } from "vitest";
import { circleRing, distanceNm, formatLatLon, unwrapLon, viewToQueryBoxes, wrapLon } from "../src/shared/geo";

describe("longitude wrapping", () => {
  it("wraps into [-180, 180]", () => {
    expect(wrapLon(190)).toBe(-170);
    expect(wrapLon(-190)).toBe(170);
    expect(wrapLon(540)).toBe(180);
    expect(wrapLon(14.5)).toBe(14.5);
  });
  it("unwraps next to a reference so lines take the short way", () => {
    expect(unwrapLon(-179.5, 179.5)).toBe(180.5);
    expect(unwrapLon(179.5, -179.5)).toBe(-180.5);
    expect(unwrapLon(14, 12)).toBe(14);
  });
});

describe("view boxes", () => {
  it("keeps a normal view as one box", () => {
    expect(viewToQueryBoxes(10, 30, 20, 40)).toEqual([[10, 30, 20, 40]]);
  });
  it("splits a view crossing the antimeridian", () => {
    expect(viewToQueryBoxes(170, -20, 190, -10)).toEqual([
      [170, -20, 180, -10],
      [-180, -20, -170, -10],
    ]);
    expect(viewToQueryBoxes(-190, -20, -170, -10)).toEqual([
      [170, -20, 180, -10],
      [-180, -20, -170, -10],
    ]);
  });
  it("covers the world when zoomed out past 360 degrees", () => {
    expect(viewToQueryBoxes(-400, -95, 300, 95)).toEqual([[-180, -90, 180, 90]]);
  });
});

describe("distances", () => {
  it("one degree of latitude is 60 nm", () => {
    expect(distanceNm(35, 14, 36, 14)).toBeCloseTo(60.04, 1);
  });
  it("across the antimeridian is short", () => {
    expect(distanceNm(0, 179.9, 0, -179.9)).toBeCloseTo(12.0, 0);
  });
  it("a circle straddling the antimeridian stays continuous", () => {
    const ring = circleRing(-17, 179.9, 30);
    for (let i = 1; i < ring.length; i++) expect(Math.abs(ring[i][1] - ring[i - 1][1])).toBeLessThan(5);
    for (const [la, lo] of ring) expect(distanceNm(-17, 179.9, la, lo)).toBeCloseTo(30, 3);
  });
});

describe("formatting", () => {
  it("formats degrees and minutes with hemispheres", () => {
    expect(formatLatLon(35.5, -14.25)).toBe("35°30.00'N 014°15.00'W");
    expect(formatLatLon(-0.999999, 190)).toBe("01°00.00'S 170°00.00'W");
  });
});
