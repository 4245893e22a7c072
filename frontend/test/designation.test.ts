// Place-of-safety status at an instant and the warning before choosing a port.
import { describe, expect, it } from "vitest";
import { designationFor, placeWarning, statusOf } from "../src/rcc/designation";
import type { Designation } from "../src/shared/types";

let nextId = 1;
function d(over: Partial<Designation>): Designation {
  return {
    id: nextId++,
    country: "LY",
    locode: null,
    status: "not_safe",
    legal_basis: "non-refoulement",
    citation: "UNHCR, September 2020",
    issuing_body: null,
    citation_title: null,
    citation_date: null,
    citation_reference: null,
    citation_url: null,
    effective_from: "2020-09-01T00:00:00+00:00",
    effective_until: null,
    set_by: "seed",
    set_at: "2026-01-01T00:00:00+00:00",
    ...over,
  };
}

const libya = d({});
const libya2021 = d({ citation: "OHCHR 'Lethal Disregard', May 2021", effective_from: "2021-05-01T00:00:00+00:00" });
const now = new Date("2026-11-28T10:00:00Z");

describe("designationFor", () => {
  it("a country designation covers its ports; others are unassessed", () => {
    expect(statusOf(designationFor([libya], "LY", "LYTIP", now))).toBe("not_safe");
    expect(statusOf(designationFor([libya], "IT", "ITAUG", now))).toBe("unassessed");
  });
  it("the latest version in force wins", () => {
    expect(designationFor([libya, libya2021], "LY", "LYTIP", now)?.citation).toMatch(/OHCHR/);
    expect(designationFor([libya, libya2021], "LY", "LYTIP", new Date("2021-01-01T00:00:00Z"))?.citation).toMatch(/UNHCR/);
  });
  it("a port designation beats the country's", () => {
    const port = d({ locode: "LYMRA", status: "unassessed", effective_from: "2020-01-01T00:00:00+00:00" });
    expect(statusOf(designationFor([libya, libya2021, port], "LY", "LYMRA", now))).toBe("unassessed");
    expect(statusOf(designationFor([libya, libya2021, port], "LY", "LYTIP", now))).toBe("not_safe");
  });
  it("respects effective_from and effective_until (UTC)", () => {
    const it_ = d({ country: "IT", status: "designated", effective_from: "2025-01-01T00:00:00Z", effective_until: "2026-01-01T00:00:00Z" });
    expect(statusOf(designationFor([it_], "IT", "ITAUG", new Date("2025-06-01T00:00:00Z")))).toBe("designated");
    expect(statusOf(designationFor([it_], "IT", "ITAUG", new Date("2026-01-01T00:00:00Z")))).toBe("unassessed");
    expect(statusOf(designationFor([it_], "IT", "ITAUG", new Date("2024-12-31T23:59:59Z")))).toBe("unassessed");
  });
});

describe("placeWarning", () => {
  it("asks for confirmation before a place designated not safe, naming refoulement", () => {
    const w = placeWarning("Tripoli (LYTIP)", designationFor([libya, libya2021], "LY", "LYTIP", now));
    expect(w?.level).toBe("danger");
    expect(w?.confirm).toBe(true);
    expect(w?.text).toMatch(/NOT a place of safety/);
    expect(w?.text).toMatch(/refoulement/);
    expect(w?.text).toMatch(/OHCHR/);
  });
  it("cautions on an unassessed port without blocking; no warning for a designated one", () => {
    expect(placeWarning("Augusta (ITAUG)", null)).toEqual({ level: "caution", confirm: false, text: expect.stringMatching(/unassessed/) });
    expect(placeWarning("Augusta (ITAUG)", d({ country: "IT", status: "designated" }))).toBeNull();
  });
});
