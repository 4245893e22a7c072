// Websocket frames as the back end writes them, held to alerts/live/protocol.schema.json (the same
// file the server validates client frames with; tests/alerts/test_protocol_schema.py checks the
// server's real frames against it).
import { describe, expect, it } from "vitest";
import { ackFrame, answerFrame, checkClientFrame, ENDED_ALERT_STATUSES, invalidFrames, parseRccEvent, parseShipMessage, type Envelope } from "../src/shared/api";
import { answerText } from "../src/rcc/answers";

const TS = "2026-11-28T11:00:00.000Z";
const control = (type: string, data: Record<string, unknown>): Envelope => ({ v: 1, type, seq: null, ts: TS, data });
const delivery = (type: string, data: Record<string, unknown>, seq: number): Envelope => ({ v: 1, type, seq, ts: TS, data });

const caseEvent = (kind: string, data: Record<string, unknown>) => ({ id: 9, case_id: 2, at: TS, actor: "rcc-test", kind, data });

describe("RCC channel", () => {
  it("reads fleet deltas", () => {
    const v = { mmsi: 247000001, lat: 35, lon: 14, sog_kn: 9.5, cog_deg: 80, heading_deg: null, nav_status: 0, reported_at: TS, updated_at: TS };
    const e = parseRccEvent(control("fleet", { vessels: [v] }));
    expect(e.kind).toBe("positions");
    if (e.kind === "positions") expect(e.vessels[0].mmsi).toBe(247000001);
  });
  it("reads an answer with its nested data", () => {
    const row = { id: 3, alert_id: 7, case_id: 2, mmsi: 247000001, client_msg_id: "x", kind: "accept", data: { eta: "2026-11-28T12:00:00Z" }, received_at: TS };
    const e = parseRccEvent(control("answer", row));
    expect(e).toMatchObject({ kind: "answer", caseId: 2, alertId: 7, mmsi: 247000001, answer: "accept" });
    if (e.kind === "answer") expect(e.data.eta).toBe("2026-11-28T12:00:00Z");
  });
  it("reads an escalation case event", () => {
    const e = parseRccEvent(control("escalation", caseEvent("alert_escalated", { alert_id: 7, waited_s: 300, proposed_radius_nm: 45, auto_widened: false })));
    expect(e).toMatchObject({ kind: "escalation", caseId: 2, proposedRadiusNm: 45 });
    if (e.kind === "escalation") expect(e.message).toBe("No vessel has accepted alert 7 after 5 min.");
  });
  it("classifies case events, alerts and errors by their exact type", () => {
    expect(parseRccEvent(control("case_event", caseEvent("created", {}))).kind).toBe("case");
    const alert = { id: 1, case_id: 4, kind: "area", status: "active", radius_nm: 20, message: "m", issued_at: TS, updated_at: TS, escalations: 0, recipients: 3, reachable: 2 };
    expect(parseRccEvent(control("alert", alert))).toMatchObject({ kind: "alert", caseId: 4 });
    expect(parseRccEvent(control("error", { code: "x", detail: "bad bbox" }))).toEqual({ kind: "error", message: "bad bbox" });
    expect(parseRccEvent(control("welcome", { user: "op", role: "rcc_operator" }))).toEqual({ kind: "other", type: "welcome" });
  });
  it("reports a frame that does not match the schema instead of guessing", () => {
    const before = invalidFrames.rcc;
    const e = parseRccEvent(control("vessel_positions", { vessels: [] }));
    expect(e.kind).toBe("invalid");
    expect(parseRccEvent(control("answer", { id: 3 })).kind).toBe("invalid");
    expect(parseRccEvent({ type: "fleet" }).kind).toBe("invalid");
    expect(invalidFrames.rcc).toBe(before + 3);
  });
});

describe("ship channel", () => {
  const payload = {
    alert_id: 7, kind: "area", status: "active", radius_nm: 30, message: "Proceed",
    issued_at: "2026-11-28T10:59:00Z", updated_at: "2026-11-28T10:59:00Z", case_id: 2, case_reference: "C-1",
    datum: { lat: 34.9, lon: 12.5 }, datum_at: null, datum_uncertainty_nm: 3, persons_on_board: 80, boat_type: "rubber",
    boat_colour: null, people_in_water: null, medical_emergencies: null, drift_speed_kn: null, drift_toward_deg: null,
    responsible_rcc: "IT MRCC Rome",
  };
  it("reads an alert delivery with the case datum", () => {
    const m = parseShipMessage(delivery("alert", payload, 5));
    expect(m.kind).toBe("alert");
    if (m.kind === "alert") {
      expect(m.alert).toMatchObject({ alertId: 7, caseId: 2, lat: 34.9, lon: 12.5, uncertaintyNm: 3, personsOnBoard: 80, status: "active", rcc: "IT MRCC Rome", seq: 5 });
    }
  });
  it("shows the responsible RCC, never the issuing operator as an RCC", () => {
    const m = parseShipMessage(delivery("alert", { ...payload, responsible_rcc: null, issued_by: "operator7", rcc: "x" }, 5));
    expect(m.kind === "alert" && m.alert.rcc).toBeNull();
  });
  it("reads updates and cancellations", () => {
    const u = parseShipMessage(delivery("update", { ...payload, message: "Widened" }, 6));
    const c = parseShipMessage(delivery("cancel", { alert_id: 7, case_id: 2, reason: "resolved" }, 7));
    expect(u.kind === "alert" && u.alert.status).toBe("updated");
    expect(c.kind === "alert" && c.alert.status).toBe("cancelled");
    expect(c.kind === "alert" && c.alert.message).toContain("resolved");
  });
  it("reads a stand-down as history with its reason, keeping the alert's text", () => {
    const sd = parseShipMessage(delivery("stand_down", { alert_id: 7, case_id: 2, case_reference: "SAR-20261204-ABC123", case_status: "closed", reason: "case closed", stood_down_at: TS, still_accepted: ["message", "on_scene", "rescued"] }, 8));
    expect(sd.kind).toBe("alert");
    if (sd.kind === "alert") {
      expect(sd.alert).toMatchObject({ alertId: 7, status: "stood_down", standDownReason: "case closed", caseReference: "SAR-20261204-ABC123", message: "", seq: 8 });
      expect(ENDED_ALERT_STATUSES.has(sd.alert.status)).toBe(true);
    }
    const live = parseShipMessage(delivery("alert", payload, 5));
    expect(live.kind === "alert" && ENDED_ALERT_STATUSES.has(live.alert.status)).toBe(false);
  });
  it("reads answer receipts and control frames", () => {
    expect(parseShipMessage(control("answer_ack", { client_msg_id: "a1", answer_id: 3, duplicate: false }))).toMatchObject({ kind: "answer_result", clientMsgId: "a1", ok: true });
    expect(parseShipMessage(control("answer_rejected", { client_msg_id: "a2", code: "invalid", detail: "eta: required" }))).toMatchObject({ kind: "answer_result", ok: false, detail: "eta: required" });
    expect(parseShipMessage(control("welcome", { mmsi: 1, resume_from: 0, last_seq: 4 })).kind).toBe("other");
  });
  it("refuses deliveries without a seq, without a datum, or of an unknown type", () => {
    const before = invalidFrames.ship;
    expect(parseShipMessage(control("alert", payload)).kind).toBe("invalid");
    const { datum: _datum, ...noDatum } = payload;
    expect(parseShipMessage(delivery("alert", noDatum, 8)).kind).toBe("invalid");
    expect(parseShipMessage(delivery("alert_v2", payload, 9)).kind).toBe("invalid");
    expect(invalidFrames.ship).toBe(before + 3);
  });
  it("writes frames the server accepts (client_frame)", () => {
    expect(ackFrame(12)).toEqual({ v: 1, type: "ack", data: { seq: 12 } });
    expect(answerFrame(7, "decline", { reason: "too_far" }, "m1")).toEqual({ v: 1, type: "answer", data: { client_msg_id: "m1", alert_id: 7, kind: "decline", reason: "too_far" } });
    expect(checkClientFrame(ackFrame(12))).toEqual([]);
    expect(checkClientFrame(answerFrame(7, "decline", { reason: "too_far" }, "m1"))).toEqual([]);
    expect(checkClientFrame({ v: 1, type: "subscribe", data: { bbox: [170, -20, -170, -10] } })).toEqual([]);
    expect(checkClientFrame({ v: 1, type: "auth", data: { token: "sar_x", resume_from: 4 } })).toEqual([]);
    expect(checkClientFrame({ v: 1, type: "auth", data: {} })).toEqual(["frame.data.token is required"]);
    expect(checkClientFrame({ v: 1, type: "ack", data: { seq: -1 } })).toEqual(["frame.data.seq must be >= 0"]);
    expect(checkClientFrame({ v: 1, type: "hello" })).toEqual(["frame.type must be one of \"auth\", \"resume\", \"ack\", \"ping\", \"answer\", \"subscribe\""]);
  });
});

describe("answer text", () => {
  it("describes answers for the watch officer", () => {
    expect(answerText("ship_decline", { reason: "own_safety", note: "sea state 6" })).toBe("declined: own safety (sea state 6)");
    expect(answerText("rescued", { counts: { adults: 40, minors: 5, deceased: 0 } })).toBe("rescued: 40 adults, 5 minors");
    expect(answerText("accept", { eta: "2026-11-28T12:00:00Z" })).toMatch(/^accepted, ETA /);
  });
});
