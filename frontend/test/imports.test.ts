// The module graph of src/: no import cycle (static, dynamic or type-only), and folders by role
// (rcc/, ship/, auditor/ never import each other; shared/ imports no role; nothing imports main.ts).
import { describe, expect, it } from "vitest";
import { importCycles, importGraph, type Graph } from "./importGraph";

const sources = import.meta.glob("../src/**/*.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const graph: Graph = importGraph(
  Object.fromEntries(Object.entries(sources).map(([path, text]) => [path.replace(/^\.\.\/src\//, ""), text])),
);

const ROLES = ["rcc", "ship", "auditor"];
const folder = (m: string): string => (m.includes("/") ? m.split("/")[0] : "");

describe("import graph", () => {
  it("finds the modules and their imports", () => {
    expect(graph.get("main.ts")).toContain("shared/api.ts");
    expect(graph.get("main.ts")).toContain("rcc/view.ts");
    expect(graph.size).toBeGreaterThan(20);
  });

  it("has no import cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("keeps role folders apart and shared/ below them", () => {
    const wrong: string[] = [];
    for (const [from, tos] of graph)
      for (const to of tos) {
        const a = folder(from);
        const b = folder(to);
        if (to === "main.ts") wrong.push(`${from} -> main.ts`);
        else if (a === "shared" && ROLES.includes(b)) wrong.push(`${from} -> ${to}`);
        else if (ROLES.includes(a) && ROLES.includes(b) && a !== b) wrong.push(`${from} -> ${to}`);
      }
    expect(wrong).toEqual([]);
  });
});

describe("cycle finder", () => {
  it("reports a cycle, including one through a dynamic or type-only import", () => {
    const g = importGraph({
      "main.ts": 'import { x } from "./shared/a";\nconst v = await import("./rcc/view");',
      "shared/a.ts": "export const x = 1;",
      "rcc/view.ts": 'import type { View } from "../main";',
    });
    expect(importCycles(g)).toEqual([["main.ts", "rcc/view.ts", "main.ts"]]);
    expect(importCycles(importGraph({ "a.ts": 'export { y } from "./b";', "b.ts": 'import "./a";' }))).toHaveLength(1);
    expect(importCycles(importGraph({ "a.ts": 'import { y } from "./b";', "b.ts": "export const y = 2;" }))).toEqual([]);
  });
});
