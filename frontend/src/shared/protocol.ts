// Websocket protocol v1: URLs, frames the client sends, and readers of the frames it receives.
// Every received frame is checked against alerts/live/protocol.schema.json, the one description of
// the protocol that the server validates with too; a frame that does not match is reported, not guessed at.
import schemaDoc from "../../../alerts/live/protocol.schema.json";
import { compile, type Schema } from "./jsonSchema";
import type { Vessel } from "./types";

export const SHIP_WS_KEY = "sar.shipWsUrl";

/**
 * Candidate URLs of the ship channel, tried in turn until one opens. The channel runs on its own
 * server (default port 8765, `ALERTS_SHIP_WS_PORT`); behind a reverse proxy it is usually /ws/ship
 * on this origin. A URL set in Settings is the only candidate.
 */
export function shipChannelCandidates(): string[] {
  const o = localStorage.getItem(SHIP_WS_KEY)?.trim();
  if (o) return [o];
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const sameOrigin = `${proto}//${location.host}/ws/ship`;
  const ownPort = `${proto}//${location.hostname}:8765/ws/ship`;
  return location.port === "8765" ? [sameOrigin] : [sameOrigin, ownPort];
}

/** Cumulative acknowledgement of every ship delivery up to `seq`. */
export const ackFrame = (seq: number) => ({ v: 1, type: "ack", data: { seq } });

/** Websocket URL on the same origin as the page; the token goes in the first (auth) frame. */
export function wsUrl(path: "/ws/rcc" | "/ws/ship", params: Record<string, string | number> = {}): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) p.set(k, String(v));
  const query = p.toString();
  return `${proto}//${location.host}${path}${query ? `?${query}` : ""}`;
}

/** Websocket envelope, protocol v1 (`seq` only on sequenced ship deliveries). */
export interface Envelope<T = Record<string, unknown>> {
  v: 1;
  type: string;
  seq?: number | null;
  ts?: string;
  data: T;
}

const doc = schemaDoc as unknown as Schema;
/** Problems of a frame against a definition of protocol.schema.json ([] when it matches). */
export const checkShipFrame = compile(doc, "#/definitions/ship_server_frame");
export const checkRccFrame = compile(doc, "#/definitions/rcc_server_frame");
export const checkClientFrame = compile(doc, "#/definitions/client_frame");

/** Frames that did not match the schema since the page loaded, per channel (shown in the console). */
export const invalidFrames = { rcc: 0, ship: 0 };

function rejected(channel: "rcc" | "ship", frame: unknown, problems: string[]): { kind: "invalid"; problems: string[] } {
  invalidFrames[channel] += 1;
  console.warn(`${channel} channel: frame does not match protocol v1 (${invalidFrames[channel]} so far): ${problems.join("; ")}`, frame);
  return { kind: "invalid", problems };
}

export type AnswerKind = "accept" | "decline" | "on_scene" | "rescued" | "request_pos" | "message";

/** A ship's answer to an alert, sent over the ship socket. */
export function answerFrame(
  alertId: number,
  kind: AnswerKind,
  extra: Record<string, unknown>,
  clientMsgId: string,
): { v: 1; type: "answer"; data: Record<string, unknown> } {
  return { v: 1, type: "answer", data: { client_msg_id: clientMsgId, alert_id: alertId, kind, ...extra } };
}

// ---- /ws/rcc ----

/** A vessel in a fleet delta: position fields only (name and class come from /vessels/latest). */
export type FleetVessel = Pick<Vessel, "mmsi" | "lat" | "lon" | "sog_kn" | "cog_deg" | "heading_deg" | "reported_at"> & Partial<Vessel>;

interface CaseEventData {
  id: number;
  case_id: number;
  at: string;
  actor: string;
  kind: string;
  data: Record<string, unknown>;
}

export type RccEvent =
  | { kind: "positions"; vessels: FleetVessel[] }
  | { kind: "escalation"; caseId: number; message: string; proposedRadiusNm: number | null }
  | { kind: "answer"; caseId: number; alertId: number; mmsi: number; answer: string; data: Record<string, unknown> }
  | { kind: "alert"; caseId: number; data: Record<string, unknown> }
  | { kind: "case"; caseId: number; data: Record<string, unknown> }
  | { kind: "error"; message: string }
  | { kind: "invalid"; problems: string[] }
  | { kind: "other"; type: string };

function waited(s: unknown): string {
  if (typeof s !== "number") return "";
  return ` after ${s < 90 ? `${s} s` : `${Math.round(s / 60)} min`}`;
}

/** Read a frame from /ws/rcc (checked against rcc_server_frame). */
export function parseRccEvent(frame: unknown): RccEvent {
  const problems = checkRccFrame(frame);
  if (problems.length > 0) return rejected("rcc", frame, problems);
  const env = frame as Envelope;
  const d = env.data;
  switch (env.type) {
    case "error":
      return { kind: "error", message: String(d.detail) };
    case "fleet":
      return { kind: "positions", vessels: d.vessels as FleetVessel[] };
    case "escalation": {
      // The alert_escalated case event: its details are in the event's own data.
      const e = d as unknown as CaseEventData;
      const x = e.data;
      return {
        kind: "escalation",
        caseId: e.case_id,
        message:
          typeof x.message === "string"
            ? x.message
            : `No vessel has accepted alert ${String(x.alert_id ?? "")}${waited(x.waited_s)}${x.auto_widened ? "; radius widened automatically" : ""}.`,
        proposedRadiusNm: typeof x.proposed_radius_nm === "number" ? x.proposed_radius_nm : null,
      };
    }
    case "answer":
      // The answer's own fields (eta, reason, counts) sit in its data: lift them beside the row's.
      return {
        kind: "answer",
        caseId: d.case_id as number,
        alertId: d.alert_id as number,
        mmsi: d.mmsi as number,
        answer: String(d.kind),
        data: { ...(d.data as Record<string, unknown>), ...d },
      };
    case "alert":
      return { kind: "alert", caseId: d.case_id as number, data: d };
    case "case_event": {
      const e = d as unknown as CaseEventData;
      return { kind: "case", caseId: e.case_id, data: { ...e.data, ...d } };
    }
    default:
      return { kind: "other", type: env.type };
  }
}

// ---- /ws/ship ----

export interface ShipAlert {
  alertId: number;
  caseId: number | null;
  kind: string;
  status: "active" | "updated" | "cancelled" | "stood_down";
  message: string;
  /** The case reference (SAR-YYYYMMDD-XXXXXX) the alert is about, when the server sent it. */
  caseReference: string | null;
  /** Why the ship was stood down (case closed, cancelled, false alarm); null while live. */
  standDownReason: string | null;
  lat: number | null;
  lon: number | null;
  uncertaintyNm: number | null;
  radiusNm: number | null;
  personsOnBoard: number | null;
  boatType: string | null;
  issuedAt: string | null;
  /** The RCC responsible for the case (its SAR region), null until derived: never the issuer. */
  rcc: string | null;
  seq: number | null;
  raw: Record<string, unknown>;
}

export type ShipMessage =
  | { kind: "alert"; alert: ShipAlert }
  | { kind: "answer_result"; clientMsgId: string; ok: boolean; detail: string }
  | { kind: "error"; message: string }
  | { kind: "invalid"; problems: string[] }
  | { kind: "other"; type: string };

/** Alert statuses that no longer ask the ship to act: shown as history, never as an alarm. */
export const ENDED_ALERT_STATUSES: ReadonlySet<ShipAlert["status"]> = new Set(["cancelled", "stood_down"]);

/** An alert that only says it ended (cancel, stand_down): no position or text of its own. */
function ended(env: Envelope, status: "cancelled" | "stood_down", message: string, reason: string | null): ShipMessage {
  const d = env.data;
  return {
    kind: "alert",
    alert: {
      alertId: d.alert_id as number,
      caseId: d.case_id as number,
      kind: "alert",
      status,
      message,
      caseReference: typeof d.case_reference === "string" ? d.case_reference : null,
      standDownReason: reason,
      lat: null,
      lon: null,
      uncertaintyNm: null,
      radiusNm: null,
      personsOnBoard: null,
      boatType: null,
      issuedAt: env.ts ?? null,
      rcc: null,
      seq: env.seq ?? null,
      raw: d,
    },
  };
}

/** Read a frame from /ws/ship or the HTTP fallback (checked against ship_server_frame). */
export function parseShipMessage(frame: unknown): ShipMessage {
  const problems = checkShipFrame(frame);
  if (problems.length > 0) return rejected("ship", frame, problems);
  const env = frame as Envelope;
  const d = env.data;
  const n = (x: unknown): number | null => (typeof x === "number" ? x : null);
  const s = (x: unknown): string | null => (typeof x === "string" ? x : null);
  switch (env.type) {
    case "error":
      return { kind: "error", message: String(d.detail) };
    case "answer_ack":
      return { kind: "answer_result", clientMsgId: String(d.client_msg_id), ok: true, detail: "" };
    case "answer_rejected":
      return { kind: "answer_result", clientMsgId: String(d.client_msg_id), ok: false, detail: String(d.detail) };
    case "alert":
    case "update": {
      const datum = d.datum as { lat: number; lon: number };
      return {
        kind: "alert",
        alert: {
          alertId: d.alert_id as number,
          caseId: d.case_id as number,
          kind: String(d.kind),
          status: d.status === "stood_down" ? "stood_down" : d.status === "cancelled" ? "cancelled" : env.type === "update" ? "updated" : "active",
          message: String(d.message),
          caseReference: s(d.case_reference),
          standDownReason: null,
          lat: datum.lat,
          lon: datum.lon,
          uncertaintyNm: n(d.datum_uncertainty_nm),
          radiusNm: n(d.radius_nm),
          personsOnBoard: n(d.persons_on_board),
          boatType: s(d.boat_type),
          issuedAt: s(d.issued_at),
          rcc: s(d.responsible_rcc),
          seq: env.seq ?? null,
          raw: d,
        },
      };
    }
    case "cancel":
      return ended(env, "cancelled", `Cancelled: ${String(d.reason)}`, null);
    case "stand_down":
      // A stand-down carries no text of its own: the alert's message stays as it was.
      return ended(env, "stood_down", "", String(d.reason));
    default:
      return { kind: "other", type: env.type };
  }
}
