// Colour and staleness rules for vessels on the map.
import { describe, expect, it } from "vitest";
import {
  CLASS_COLOURS, DISTRESS_COLOUR, STALE_AFTER_S, STALE_COLOUR,
  displayHeading, distressKind, isStale, normaliseClass, vesselColour,
} from "../src/shared/vesselStyle";

const now = Date.parse("2026-11-28T11:00:00Z");

describe("distress transponders", () => {
  it("recognises SART, MOB and EPIRB MMSIs", () => {
    expect(distressKind(970123456)).toBe("SART");
    expect(distressKind("972001234")).toBe("MOB");
    expect(distressKind(974999999)).toBe("EPIRB");
    expect(distressKind(247123456)).toBeNull();
    expect(distressKind(9701234)).toBeNull(); // 7 digits padded: 009701234
  });
  it("draws them red even when stale", () => {
    expect(vesselColour(970123456, "other", true)).toBe(DISTRESS_COLOUR);
  });
});

describe("staleness", () => {
  it("uses the server flag", () => {
    expect(isStale("2026-11-28T10:59:59Z", true, now)).toBe(true);
  });
  it("ages reports out after STALE_AFTER_S", () => {
    const fresh = new Date(now - (STALE_AFTER_S - 5) * 1000).toISOString();
    const old = new Date(now - (STALE_AFTER_S + 5) * 1000).toISOString();
    expect(isStale(fresh, false, now)).toBe(false);
    expect(isStale(old, false, now)).toBe(true);
    expect(isStale(null, false, now)).toBe(true);
    expect(isStale("garbage", false, now)).toBe(true);
  });
  it("greys stale ordinary vessels", () => {
    expect(vesselColour(247123456, "fishing", true)).toBe(STALE_COLOUR);
    expect(vesselColour(247123456, "fishing", false)).toBe(CLASS_COLOURS.fishing);
  });
});

describe("classes and headings", () => {
  it("maps unknown classes to other", () => {
    expect(normaliseClass("NGO")).toBe("ngo");
    expect(normaliseClass("submarine")).toBe("other");
    expect(normaliseClass(undefined)).toBe("other");
  });
  it("uses heading, then COG, treating 511 and 360 as unavailable", () => {
    expect(displayHeading(90, 100)).toBe(90);
    expect(displayHeading(511, 100)).toBe(100);
    expect(displayHeading(null, 360)).toBeNull();
  });
});
