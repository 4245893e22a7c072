// The small JSON Schema checker on the keywords the protocol schema uses.
import { describe, expect, it } from "vitest";
import { compile, type Schema } from "../src/shared/jsonSchema";

const doc: Schema = {
  definitions: {
    point: {
      type: "object",
      required: ["lat", "lon"],
      additionalProperties: false,
      properties: { lat: { type: "number", minimum: -90, maximum: 90 }, lon: { type: "number" }, tag: { type: ["string", "null"], pattern: "^[A-Z]", maxLength: 3 } },
    },
    msg: {
      type: "object",
      required: ["type"],
      properties: { type: { enum: ["a", "b"] }, n: { type: "integer" }, at: { $ref: "#/definitions/point" }, list: { type: "array", minItems: 1, maxItems: 2, items: { const: 1 } } },
      allOf: [{ if: { properties: { type: { const: "a" } } }, then: { required: ["n"] }, else: { required: ["at"] } }],
    },
    either: { anyOf: [{ type: "null" }, { type: "string" }] },
  },
};

describe("jsonSchema.compile", () => {
  const msg = compile(doc, "#/definitions/msg");
  it("accepts what matches", () => {
    expect(msg({ type: "a", n: 3 })).toEqual([]);
    expect(msg({ type: "b", at: { lat: 1, lon: 2, tag: null }, list: [1] })).toEqual([]);
  });
  it("names each problem with its path", () => {
    expect(msg({ type: "a" })).toEqual(["frame.n is required"]);
    expect(msg({ type: "c", n: 1.5 })).toEqual(["frame.type must be one of \"a\", \"b\"", "frame.n must be integer, not number", "frame.at is required"]);
    expect(msg({ type: "b", at: { lat: 91, x: 1 } })).toEqual(["frame.at.lon is required", "frame.at.lat must be <= 90", "frame.at.x is not allowed"]);
    expect(msg({ type: "b", at: { lat: 0, lon: 0, tag: "x" }, list: [1, 2, 1] })).toEqual(["frame.at.tag must match ^[A-Z]", "frame.list takes at most 2 items", "frame.list[1] must be 1"]);
    expect(msg({ type: "b", at: { lat: 0, lon: 0, tag: "ABCD" } })).toEqual(["frame.at.tag takes at most 3 characters"]);
    expect(msg([])).toEqual(["frame must be object, not array"]);
  });
  it("handles anyOf, and refuses what it cannot resolve", () => {
    const either = compile(doc, "#/definitions/either");
    expect(either(null)).toEqual([]);
    expect(either(3)).toEqual(["frame matches none of the allowed shapes"]);
    expect(() => compile(doc, "#/definitions/missing")).toThrow(/unresolved/);
  });
});
