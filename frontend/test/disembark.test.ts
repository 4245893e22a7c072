// Disembarkation form -> request body, checks, 422 mapping, prefill from ship answers.
import { describe, expect, it } from "vitest";
import { buildDisembarkation, emptyForm, fieldForError, mapApiErrors, pathToDisembarked, rescuerFromEvents, toUtcInput, unaccounted, utcIso, type DisembarkFormValues } from "../src/rcc/disembarkForm";

function filled(over: Partial<DisembarkFormValues> = {}): DisembarkFormValues {
  return {
    ...emptyForm(7),
    rescuing_mmsi: "247000001",
    rescued_at: "2026-11-27T22:10",
    persons_rescued: "85",
    port_locode: "itaug",
    disembarked_at: "2026-11-28T09:30",
    total: "85",
    minors: "12",
    unaccompanied_minors: "3",
    women: "20",
    medical_cases: "",
    deceased: "0",
    persons_seeking_asylum: "30",
    departure_country: "ly",
    assigned_by: "IT MRCC Rome",
    assigned_at: "2026-11-28T01:00",
    assignment_reference: "POS-42",
    notes: "  handover at dawn  ",
    ...over,
  };
}

describe("buildDisembarkation", () => {
  it("maps a complete form to the API body (UTC times, counts, upper-case codes)", () => {
    const { body, errors } = buildDisembarkation(filled());
    expect(errors).toEqual({});
    expect(body).toEqual({
      case_id: 7,
      rescuing_mmsi: 247000001,
      rescued_at: "2026-11-27T22:10:00.000Z",
      persons_rescued: 85,
      transfers: [],
      port_locode: "ITAUG",
      disembarked_at: "2026-11-28T09:30:00.000Z",
      persons: { total: 85, minors: 12, unaccompanied_minors: 3, women: 20, medical_cases: 0, deceased: 0 },
      persons_seeking_asylum: 30,
      departure_country: "LY",
      assignment: { assigned_by: "IT MRCC Rome", assigned_at: "2026-11-28T01:00:00.000Z", reference: "POS-42" },
      notes: "handover at dawn",
    });
  });

  it("leaves out an empty assignment, departure country and notes", () => {
    const { body } = buildDisembarkation(filled({ assigned_by: "", assigned_at: "", assignment_reference: "", departure_country: "", notes: " " }));
    expect(body).not.toBeNull();
    expect(body).not.toHaveProperty("assignment");
    expect(body).not.toHaveProperty("departure_country");
    expect(body).not.toHaveProperty("notes");
    expect(body).not.toHaveProperty("disembarking_mmsi");
  });

  it("sends transfers and makes the last receiving vessel the disembarking one", () => {
    const { body } = buildDisembarkation(filled({
      transfers: [
        { from_mmsi: "247000001", to_mmsi: "247000002", persons: "40" },
        { from_mmsi: "247000002", to_mmsi: "642000009", persons: "40" },
      ],
    }));
    expect(body?.transfers).toEqual([
      { from_mmsi: 247000001, to_mmsi: 247000002, persons: 40 },
      { from_mmsi: 247000002, to_mmsi: 642000009, persons: 40 },
    ]);
    expect(body?.disembarking_mmsi).toBe(642000009);
  });

  it("names each wrong field and sends nothing", () => {
    const { body, errors } = buildDisembarkation(filled({
      rescuing_mmsi: "12345",
      persons_rescued: "",
      port_locode: "",
      total: "10",
      minors: "11",
      unaccompanied_minors: "12",
      persons_seeking_asylum: "11",
      departure_country: "Libya",
      transfers: [{ from_mmsi: "247000001", to_mmsi: "247000001", persons: "0" }],
    }));
    expect(body).toBeNull();
    expect(Object.keys(errors).sort()).toEqual([
      "departure_country", "minors", "persons_rescued", "persons_seeking_asylum", "port_locode", "rescuing_mmsi",
      "transfers.0.persons", "transfers.0.to_mmsi", "unaccompanied_minors", "women",
    ].sort());
  });

  it("rejects a disembarkation before the rescue and a half-filled assignment", () => {
    const { errors } = buildDisembarkation(filled({ disembarked_at: "2026-11-27T21:00", assigned_at: "", assignment_reference: "" }));
    expect(errors.disembarked_at).toMatch(/before the rescue/);
    expect(errors.assigned_at).toBeDefined();
    expect(errors.assignment_reference).toBeDefined();
    expect(errors.assigned_by).toBeUndefined();
  });

  it("rejects negative and fractional counts", () => {
    expect(buildDisembarkation(filled({ women: "-1" })).errors.women).toBeDefined();
    expect(buildDisembarkation(filled({ deceased: "1.5" })).errors.deceased).toBeDefined();
  });

  it("the form has no field for a person's name or identifier", () => {
    const keys = Object.keys(emptyForm(1));
    for (const k of keys) expect(k).not.toMatch(/name|passport|birth|nationality|phone|identity/);
  });
});

describe("times and headcount", () => {
  it("reads datetime-local values as UTC and keeps explicit offsets", () => {
    expect(utcIso("2026-11-28T10:05")).toBe("2026-11-28T10:05:00.000Z");
    expect(utcIso("2026-11-28T10:05:00+02:00")).toBe("2026-11-28T08:05:00.000Z");
    expect(utcIso("")).toBeNull();
    expect(utcIso("yesterday")).toBeNull();
  });
  it("counts people not accounted for", () => {
    expect(unaccounted(filled({ persons_rescued: "85", total: "80" }))).toBe(5);
    expect(unaccounted(filled({ persons_rescued: "85", total: "85" }))).toBe(0);
    expect(unaccounted(filled({ total: "" }))).toBeNull();
  });
});

describe("422 errors onto fields", () => {
  it("maps body locations to form fields", () => {
    expect(fieldForError(["body", "rescuing_mmsi"])).toBe("rescuing_mmsi");
    expect(fieldForError(["body", "persons", "women"])).toBe("women");
    expect(fieldForError(["body", "assignment", "reference"])).toBe("assignment_reference");
    expect(fieldForError(["body", "transfers", 1, "to_mmsi"])).toBe("transfers.1.to_mmsi");
    expect(fieldForError(["body", "port_locode"])).toBe("port_locode");
  });
  it("maps model-level messages by the field they name", () => {
    expect(fieldForError(["body", "persons"], "minors exceeds total")).toBe("minors");
    expect(fieldForError(["body", "persons"], "unaccompanied_minors exceeds minors")).toBe("unaccompanied_minors");
    expect(fieldForError(["body"], "persons_seeking_asylum exceeds persons.total")).toBe("persons_seeking_asylum");
  });
  it("keeps the rest (unknown fields such as planted names) as general messages", () => {
    const m = mapApiErrors([
      { loc: ["body", "persons", "medical_cases"], msg: "Input should be greater than or equal to 0" },
      { loc: ["body", "persons"], msg: "Value error, deceased exceeds total" },
      { loc: ["body", "passenger_names"], msg: "Extra inputs are not permitted" },
    ]);
    expect(m.fields).toEqual({ medical_cases: "Input should be greater than or equal to 0", deceased: "deceased exceeds total" });
    expect(m.other).toEqual(["passenger_names: Extra inputs are not permitted"]);
  });
});

describe("prefill from the ships' answers", () => {
  it("prefers the rescued answer (its vessel, time and count)", () => {
    const r = rescuerFromEvents([
      { kind: "ship_accept", at: "2026-11-27T20:00:00Z", data: { mmsi: 247000001, eta: "2026-11-27T21:00:00Z" } },
      { kind: "ship_accept", at: "2026-11-27T20:05:00Z", data: { mmsi: 247000002 } },
      { kind: "ship_rescued", at: "2026-11-27T22:10:00Z", data: { mmsi: 247000001, counts: { adults: 70, minors: 15, deceased: 1 } } },
    ]);
    expect(r).toEqual({ mmsi: 247000001, at: "2026-11-27T22:10:00Z", persons: 85, source: "rescued" });
  });
  it("falls back to the latest acceptance, and to nothing", () => {
    expect(rescuerFromEvents([
      { kind: "ship_accept", at: "2026-11-27T20:00:00Z", data: { mmsi: 247000001 } },
      { kind: "ship_decline", at: "2026-11-27T20:01:00Z", data: { mmsi: 247000003 } },
      { kind: "ship_accept", at: "2026-11-27T20:05:00Z", data: { mmsi: 247000002 } },
    ])?.mmsi).toBe(247000002);
    expect(rescuerFromEvents([{ kind: "created", at: "2026-11-27T19:00:00Z", data: {} }])).toBeNull();
  });
});

describe("UTC time fields", () => {
  it("shows times as 24-hour UTC and reads them back", () => {
    expect(toUtcInput("2026-11-28T22:05:30+02:00")).toBe("2026-11-28 20:05");
    expect(utcIso(toUtcInput("2026-11-28T22:05:30+02:00"))).toBe("2026-11-28T20:05:00.000Z");
    expect(utcIso("2026-11-28 7:05")).toBeNull();
  });
});

describe("case status after a disembarkation", () => {
  it("steps through rescued when needed, never from a finished case", () => {
    expect(pathToDisembarked("alerting")).toEqual(["rescued", "disembarked"]);
    expect(pathToDisembarked("rescued")).toEqual(["disembarked"]);
    expect(pathToDisembarked("disembarked")).toEqual([]);
    expect(pathToDisembarked("cancelled")).toEqual([]);
  });
});
