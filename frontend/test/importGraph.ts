// A small scanner of relative TypeScript imports (static, dynamic, type-only, re-exports) and a
// cycle finder over the resulting graph; module keys are paths relative to src/ ("rcc/view.ts").

export type Graph = Map<string, string[]>;

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

function resolve(from: string, spec: string, known: Set<string>): string | null {
  const parts = from.split("/").slice(0, -1);
  for (const p of spec.split("/")) {
    if (p === "..") parts.pop();
    else if (p !== ".") parts.push(p);
  }
  const base = parts.join("/");
  for (const c of [base, `${base}.ts`, `${base}/index.ts`]) if (known.has(c)) return c;
  return null;
}

/** Each module's imports of other modules of the same tree (CSS and JSON imports are left out). */
export function importGraph(sources: Record<string, string>): Graph {
  const known = new Set(Object.keys(sources));
  const graph: Graph = new Map();
  for (const [path, text] of Object.entries(sources)) {
    const deps = new Set<string>();
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(path, m[1], known);
      if (target) deps.add(target);
    }
    graph.set(path, [...deps].sort());
  }
  return graph;
}

/** Every elementary cycle's first occurrence found by depth-first search, as [a, b, ..., a]. */
export function importCycles(graph: Graph): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(0, -1)].sort().join(" ");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
