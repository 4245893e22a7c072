// Ship answers survive disconnects: queued, re-sent until confirmed, dropped after a day.
import { describe, expect, it } from "vitest";
import { answerFrame } from "../src/shared/api";
import { Outbox } from "../src/ship/outbox";

class MemStorage {
  m = new Map<string, string>();
  get length() { return this.m.size; }
  clear() { this.m.clear(); }
  getItem(k: string) { return this.m.get(k) ?? null; }
  key(i: number) { return [...this.m.keys()][i] ?? null; }
  removeItem(k: string) { this.m.delete(k); }
  setItem(k: string, v: string) { this.m.set(k, v); }
}

describe("Outbox", () => {
  it("re-sends unconfirmed answers after a reload and stops once confirmed", () => {
    const store = new MemStorage();
    const box = new Outbox(store, "k");
    box.add(answerFrame(7, "accept", { eta: "2026-11-28T12:00:00Z" }, "m1"), 7, "accept", "queued");
    box.add(answerFrame(7, "on_scene", {}, "m2"), 7, "on_scene", "sent");
    const again = new Outbox(store, "k");
    expect(again.unconfirmed().map((f) => f.data.client_msg_id)).toEqual(["m1", "m2"]);
    again.confirm("m1", true);
    again.confirm("m2", false);
    expect(again.unconfirmed()).toEqual([]);
    expect(again.forAlert(7).map((i) => i.state)).toEqual(["confirmed", "rejected"]);
  });
  it("forgets answers older than a day", () => {
    const store = new MemStorage();
    const old = { frame: answerFrame(1, "message", { text: "x" }, "o"), alertId: "1", kind: "message", at: "2020-01-01T00:00:00Z", state: "queued" };
    store.setItem("k", JSON.stringify([old]));
    expect(new Outbox(store, "k").unconfirmed()).toEqual([]);
  });
});
