// Ship channel resume bookkeeping: duplicates dropped, last seq survives a reload.
import { describe, expect, it } from "vitest";
import { SeqTracker, backoffMs } from "../src/shared/seq";

class MemStore {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

describe("SeqTracker", () => {
  it("drops duplicates and replays, keeps order", () => {
    const s = new SeqTracker(new MemStore(), "k");
    const seen: number[] = [];
    for (const seq of [1, 2, 2, 1, 3, 5, 4, 6]) {
      if (s.isNew(seq)) {
        seen.push(seq);
        s.commit(seq);
      }
    }
    expect(seen).toEqual([1, 2, 3, 5, 6]);
    expect(s.lastSeq).toBe(6);
  });
  it("resumes from the stored seq after a reload", () => {
    const store = new MemStore();
    new SeqTracker(store, "ship:1").commit(41);
    const again = new SeqTracker(store, "ship:1");
    expect(again.lastSeq).toBe(41);
    expect(again.isNew(41)).toBe(false);
    expect(again.isNew(42)).toBe(true);
    expect(again.isGap(43)).toBe(true);
    expect(new SeqTracker(store, "ship:2").lastSeq).toBe(0);
  });
  it("ignores garbage in storage", () => {
    const store = new MemStore();
    store.setItem("k", "NaN");
    expect(new SeqTracker(store, "k").lastSeq).toBe(0);
  });
});

describe("backoff", () => {
  it("grows and is capped", () => {
    expect(backoffMs(0, () => 0.5)).toBe(500);
    expect(backoffMs(3, () => 0.5)).toBe(4000);
    expect(backoffMs(20, () => 1)).toBe(18000);
    expect(backoffMs(20, () => 0)).toBe(12000);
  });
});
