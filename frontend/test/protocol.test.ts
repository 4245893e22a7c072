// Websocket frames as the back end writes them (alerts/live/rcc_feed.py, alerts/lifecycle/service.py,
// alerts/live/ship_channel.py).
import { describe, expect, it } from "vitest";
import { ackFrame, answerFrame, ENDED_ALERT_STATUSES, parseRccEvent, parseShipMessage, type Envelope } from "../src/shared/api";
import { answerText } from "../src/rcc/answers";

const env = (type: string, data: Record<string, unknown>, seq?: number): Envelope => ({ v: 1, type, seq, ts: "2026-11-28T11:00:00.000Z", data });

describe("RCC channel", () => {
  it("reads fleet deltas", () => {
    const e = parseRccEvent(env("fleet", { vessels: [{ mmsi: 247000001, lat: 35, lon: 14 }] }));
    expect(e.kind).toBe("positions");
    if (e.kind === "positions") expect(e.vessels[0].mmsi).toBe(247000001);
  });
  it("reads an answer with its nested data", () => {
    const e = parseRccEvent(env("answer", { id: 3, alert_id: 7, case_id: 2, mmsi: 247000001, client_msg_id: "x", kind: "accept", data: { eta: "2026-11-28T12:00:00Z" } }));
    expect(e).toMatchObject({ kind: "answer", caseId: 2, mmsi: 247000001, answer: "accept" });
    if (e.kind === "answer") expect(e.data.eta).toBe("2026-11-28T12:00:00Z");
  });
  it("reads an escalation case event", () => {
    const e = parseRccEvent(env("escalation", { id: 9, case_id: 2, kind: "alert_escalated", data: { alert_id: 7, waited_s: 300, proposed_radius_nm: 45, auto_widened: false } }));
    expect(e).toMatchObject({ kind: "escalation", caseId: 2, proposedRadiusNm: 45 });
    if (e.kind === "escalation") expect(e.message).toContain("after 5 min");
  });
  it("classifies case events and alerts", () => {
    expect(parseRccEvent(env("case_event", { id: 1, case_id: 4, kind: "created", data: {} })).kind).toBe("case");
    expect(parseRccEvent(env("alert", { id: 1, case_id: 4, kind: "area" })).kind).toBe("alert");
    expect(parseRccEvent(env("error", { code: "x", detail: "bad bbox" }))).toEqual({ kind: "error", message: "bad bbox" });
  });
});

describe("ship channel", () => {
  const payload = {
    alert_id: 7, kind: "area", status: "active", radius_nm: 30, message: "Proceed",
    issued_at: "2026-11-28T10:59:00Z", case_id: 2, case_reference: "C-1", datum: { lat: 34.9, lon: 12.5 },
    datum_uncertainty_nm: 3, persons_on_board: 80, boat_type: "rubber", responsible_rcc: "IT MRCC Rome",
  };
  it("reads an alert delivery with the case datum", () => {
    const m = parseShipMessage(env("alert", payload, 5));
    expect(m.kind).toBe("alert");
    if (m.kind === "alert") {
      expect(m.alert).toMatchObject({ alertId: 7, caseId: 2, lat: 34.9, lon: 12.5, uncertaintyNm: 3, personsOnBoard: 80, status: "active", rcc: "IT MRCC Rome", seq: 5 });
    }
  });
  it("shows the responsible RCC, never the issuing operator as an RCC", () => {
    const m = parseShipMessage(env("alert", { ...payload, responsible_rcc: null, issued_by: "operator7", rcc: "x" }, 5));
    expect(m.kind === "alert" && m.alert.rcc).toBeNull();
  });
  it("reads updates and cancellations", () => {
    const u = parseShipMessage(env("update", { ...payload, message: "Widened" }, 6));
    const c = parseShipMessage(env("cancel", { alert_id: 7, case_id: 2, reason: "resolved" }, 7));
    expect(u.kind === "alert" && u.alert.status).toBe("updated");
    expect(c.kind === "alert" && c.alert.status).toBe("cancelled");
    expect(c.kind === "alert" && c.alert.message).toContain("resolved");
  });
  it("reads a stand-down as history with its reason, keeping the alert's text", () => {
    const sd = parseShipMessage(env("stand_down", { alert_id: 7, case_id: 2, case_reference: "SAR-20261204-ABC123", case_status: "closed", reason: "case closed" }, 8));
    expect(sd.kind).toBe("alert");
    if (sd.kind === "alert") {
      expect(sd.alert).toMatchObject({ alertId: 7, status: "stood_down", standDownReason: "case closed", caseReference: "SAR-20261204-ABC123", message: "", seq: 8 });
      expect(ENDED_ALERT_STATUSES.has(sd.alert.status)).toBe(true);
    }
    const live = parseShipMessage(env("alert", payload, 5));
    expect(live.kind === "alert" && ENDED_ALERT_STATUSES.has(live.alert.status)).toBe(false);
  });
  it("reads answer receipts", () => {
    expect(parseShipMessage(env("answer_ack", { client_msg_id: "a1", answer_id: 3, duplicate: false }))).toMatchObject({ kind: "answer_result", clientMsgId: "a1", ok: true });
    expect(parseShipMessage(env("answer_rejected", { client_msg_id: "a2", code: "invalid", detail: "eta: required" }))).toMatchObject({ kind: "answer_result", ok: false, detail: "eta: required" });
    expect(parseShipMessage(env("welcome", { mmsi: 1 })).kind).toBe("other");
  });
  it("writes frames the server parses (type + data)", () => {
    expect(ackFrame(12)).toEqual({ v: 1, type: "ack", data: { seq: 12 } });
    expect(answerFrame(7, "decline", { reason: "too_far" }, "m1")).toEqual({ v: 1, type: "answer", data: { client_msg_id: "m1", alert_id: 7, kind: "decline", reason: "too_far" } });
  });
});

describe("answer text", () => {
  it("describes answers for the watch officer", () => {
    expect(answerText("ship_decline", { reason: "own_safety", note: "sea state 6" })).toBe("declined: own safety (sea state 6)");
    expect(answerText("rescued", { counts: { adults: 40, minors: 5, deceased: 0 } })).toBe("rescued: 40 adults, 5 minors");
    expect(answerText("accept", { eta: "2026-11-28T12:00:00Z" })).toMatch(/^accepted, ETA /);
  });
});
