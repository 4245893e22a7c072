// Navigation by role: each role sees only its own views.
import { describe, expect, it } from "vitest";
import { viewsFor } from "../src/shared/session";

describe("viewsFor", () => {
  it("gives each role its view and nothing else", () => {
    expect(viewsFor("rcc_operator")).toEqual(["rcc"]);
    expect(viewsFor("ship_master")).toEqual(["ship"]);
    expect(viewsFor("auditor")).toEqual(["auditor"]);
    expect(viewsFor("admin")).toEqual(["rcc", "auditor"]);
    expect(viewsFor("pirate" as never)).toEqual([]);
  });
});
