// Websocket protocol v1: URLs, frames the client sends, and adapters for the frames it receives.
import type { Case, Vessel } from "./types";

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

/** Websocket envelope, protocol v1. */
export interface Envelope<T = Record<string, unknown>> {
  v: 1;
  type: string;
  seq?: number;
  ts?: string;
  data: T;
}

export type AnswerKind = "accept" | "decline" | "on_scene" | "rescued" | "request_pos" | "message";

/** A ship's answer to an alert, sent over the ship socket. */
export function answerFrame(
  alertId: number | string,
  kind: AnswerKind,
  extra: Record<string, unknown>,
  clientMsgId: string,
): { v: 1; type: "answer"; data: Record<string, unknown> } {
  return { v: 1, type: "answer", data: { client_msg_id: clientMsgId, alert_id: alertId, kind, ...extra } };
}

// ---- Websocket message adapters (the event names and fields the back end sends) ----

export type RccEvent =
  | { kind: "positions"; vessels: Vessel[] }
  | { kind: "escalation"; caseId: Case["id"] | null; message: string; proposedRadiusNm: number | null }
  | { kind: "answer"; caseId: Case["id"] | null; alertId: unknown; mmsi: number | null; answer: string; data: Record<string, unknown> }
  | { kind: "alert"; caseId: Case["id"] | null; data: Record<string, unknown> }
  | { kind: "case"; caseId: Case["id"] | null; data: Record<string, unknown> }
  | { kind: "error"; message: string }
  | { kind: "other"; type: string; caseId: Case["id"] | null; data: Record<string, unknown> };

function caseIdOf(d: Record<string, unknown>): Case["id"] | null {
  const c = d.case_id ?? (d.case as Record<string, unknown> | undefined)?.id;
  return typeof c === "number" ? c : null;
}

/** Classify an envelope from /ws/rcc. */
export function parseRccEvent(env: Envelope): RccEvent {
  const t = env.type.toLowerCase();
  const outer = (env.data ?? {}) as Record<string, unknown>;
  // Case events and answers carry their details in a nested `data` object: lift them up.
  const inner = outer.data && typeof outer.data === "object" && !Array.isArray(outer.data) ? (outer.data as Record<string, unknown>) : {};
  const d: Record<string, unknown> = { ...inner, ...outer };
  if (t === "error") return { kind: "error", message: String(d.detail ?? d.message ?? d.error ?? "error") };
  if (/position|fleet|vessel/.test(t)) {
    const list = (d.vessels ?? d.positions ?? d.items ?? d.changed ?? []) as Vessel[];
    return { kind: "positions", vessels: Array.isArray(list) ? list : [] };
  }
  const caseId = caseIdOf(d);
  if (/escalat/.test(t))
    return {
      kind: "escalation",
      caseId,
      message:
        typeof d.message === "string"
          ? d.message
          : `No vessel has accepted alert ${d.alert_id ?? ""}${typeof d.waited_s === "number" ? ` after ${d.waited_s < 90 ? `${d.waited_s} s` : `${Math.round(d.waited_s / 60)} min`}` : ""}${d.auto_widened ? "; radius widened automatically" : ""}.`,
      proposedRadiusNm: typeof d.proposed_radius_nm === "number" ? d.proposed_radius_nm : null,
    };
  if (/answer/.test(t)) {
    const a = (d.answer ?? d) as Record<string, unknown>;
    return {
      kind: "answer",
      caseId,
      alertId: d.alert_id ?? a.alert_id,
      mmsi: typeof (d.mmsi ?? a.mmsi) === "number" ? ((d.mmsi ?? a.mmsi) as number) : null,
      answer: String(a.kind ?? d.kind ?? "answer"),
      data: { ...d, ...a },
    };
  }
  if (/alert/.test(t)) return { kind: "alert", caseId, data: d };
  if (/case/.test(t)) return { kind: "case", caseId, data: d };
  return { kind: "other", type: env.type, caseId, data: d };
}

export interface ShipAlert {
  alertId: number | string;
  caseId: number | string | null;
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
  rcc: string | null;
  seq: number | null;
  raw: Record<string, unknown>;
}

export type ShipMessage =
  | { kind: "alert"; alert: ShipAlert }
  | { kind: "answer_result"; clientMsgId: string; ok: boolean; detail: string }
  | { kind: "error"; message: string }
  | { kind: "other"; type: string };

/** Alert statuses that no longer ask the ship to act: shown as history, never as an alarm. */
export const ENDED_ALERT_STATUSES: ReadonlySet<ShipAlert["status"]> = new Set(["cancelled", "stood_down"]);

/** Classify an envelope from /ws/ship (alerts, updates, cancellations, stand-downs, answer receipts). */
export function parseShipMessage(env: Envelope): ShipMessage {
  const t = env.type.toLowerCase();
  const d = (env.data ?? {}) as Record<string, unknown>;
  if (t === "error") return { kind: "error", message: String(d.detail ?? d.message ?? d.error ?? "error") };
  if (/^answer/.test(t))
    return {
      kind: "answer_result",
      clientMsgId: String(d.client_msg_id ?? ""),
      ok: !/reject|error/.test(t),
      detail: String(d.detail ?? d.code ?? ""),
    };
  if (/alert|update|cancel|stand_down/.test(t)) {
    const a = (d.alert ?? d) as Record<string, unknown>;
    const c = (a.case ?? d.case ?? {}) as Record<string, unknown>;
    const datum = (a.datum ?? c.datum ?? {}) as Record<string, unknown>;
    const n = (x: unknown): number | null => (typeof x === "number" ? x : null);
    const s = (x: unknown): string | null => (typeof x === "string" ? x : null);
    return {
      kind: "alert",
      alert: {
        alertId: (a.alert_id ?? a.id ?? d.alert_id) as number | string,
        caseId: (a.case_id ?? c.id ?? null) as number | string | null,
        kind: String(a.kind ?? "alert"),
        status:
          t === "stand_down" || a.status === "stood_down"
            ? "stood_down"
            : /cancel/.test(t) || a.status === "cancelled"
              ? "cancelled"
              : /update/.test(t)
                ? "updated"
                : "active",
        // A stand-down carries no text of its own: the alert's message stays as it was.
        message: t === "stand_down" ? "" : String(a.message ?? (a.reason ? `Cancelled: ${a.reason}` : "")),
        caseReference: s(a.case_reference ?? c.reference),
        standDownReason: t === "stand_down" ? String(a.reason ?? "stood down") : null,
        lat: n(datum.lat ?? a.lat ?? c.lat),
        lon: n(datum.lon ?? a.lon ?? c.lon),
        uncertaintyNm: n(a.datum_uncertainty_nm ?? c.datum_uncertainty_nm),
        radiusNm: n(a.radius_nm),
        personsOnBoard: n(a.persons_on_board ?? c.persons_on_board),
        boatType: s(a.boat_type ?? c.boat_type),
        issuedAt: s(a.issued_at ?? a.created_at ?? env.ts),
        rcc: s(a.responsible_rcc ?? c.responsible_rcc),
        seq: env.seq ?? null,
        raw: d,
      },
    };
  }
  return { kind: "other", type: env.type };
}
