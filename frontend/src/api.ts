// The one place that knows the back end's HTTP and websocket contracts (paths, fields, errors).
// Every view goes through these functions, so a contract change is a change in this file only.

export type Role = "rcc_operator" | "ship_master" | "auditor" | "admin";

export interface User {
  id: number | string;
  username: string;
  role: Role;
  vessel_mmsis: number[];
}

export interface LoginResponse {
  access_token: string;
  token_type: "bearer";
  user: User;
}

export interface Vessel {
  mmsi: number;
  name: string | null;
  vessel_class: string | null;
  lat: number;
  lon: number;
  sog_kn: number | null;
  cog_deg: number | null;
  heading_deg: number | null;
  reported_at: string | null;
  stale: boolean;
  transponder?: string | null;
}

export interface PredictedDatum {
  lat: number;
  lon: number;
  at: string;
}

export interface Case {
  id: number | string;
  reference?: string | null;
  title?: string | null;
  status: string;
  lat: number;
  lon: number;
  datum_uncertainty_nm: number | null;
  persons_on_board: number | null;
  boat_type: string | null;
  reported_at?: string | null;
  created_at?: string | null;
  predicted?: PredictedDatum | null;
  predicted_datum?: PredictedDatum | null;
  responsible_rcc?: string | null;
  first_rcc?: string | null;
  outside_all_regions?: boolean;
  people_in_water?: number | null;
  medical_emergencies?: number | null;
  children?: number | null;
  description?: string | null;
  escalation?: { level?: string; message?: string; proposed_radius_nm?: number } | null;
  [extra: string]: unknown;
}

export interface CaseCreate {
  lat: number;
  lon: number;
  datum_uncertainty_nm?: number;
  persons_on_board?: number;
  boat_type?: "rubber" | "wooden" | "fishing" | "sailing" | "other";
  people_in_water?: number;
  children?: number;
  medical_emergencies?: number;
  reported_by?: string;
  first_rcc?: string;
  description?: string;
}

export interface CaseEvent {
  id?: number | string;
  case_id?: number | string;
  kind: string;
  at?: string;
  created_at?: string;
  ts?: string;
  mmsi?: number | null;
  data?: Record<string, unknown>;
  summary?: string;
  [extra: string]: unknown;
}

export interface Candidate {
  mmsi: number;
  name: string | null;
  vessel_class: string | null;
  lat: number;
  lon: number;
  distance_nm: number;
  eta_min: number | null;
  report_age_s: number | null;
  position_uncertainty_nm: number | null;
  capabilities: Record<string, unknown>;
  score: number;
  reasons: string[];
}

/** A vessel left out of the ranking (stale or implausible report), with the reason. */
export interface ExcludedVessel {
  mmsi: number;
  name: string | null;
  reason: string;
  report_age_s: number | null;
  lat: number | null;
  lon: number | null;
}

export interface CandidateList {
  candidates: Candidate[];
  stale: ExcludedVessel[];
}

export interface AlertCreate {
  case_id: number | string;
  kind: "targeted" | "area";
  mmsis?: number[];
  radius_nm?: number;
  message: string;
}

export interface Alert {
  id: number;
  case_id: number;
  kind: string;
  radius_nm: number | null;
  message: string;
  status: string;
  issued_by: string;
  issued_at: string;
  updated_at: string;
  cancelled_at: string | null;
  escalations: number;
}

export interface RuleResult {
  rule: string;
  outcome: string; // pass | flag | violation
  explanation: string;
  attributed_to?: string[];
}

export interface Disembarkation {
  id: number;
  case_id: number;
  rescuing_mmsi: number;
  rescuing_vessel_name: string | null;
  rescued_at: string;
  persons_rescued: number;
  disembarking_mmsi: number;
  disembarking_vessel_name: string | null;
  port_locode: string;
  port_country: string;
  disembarked_at: string;
  persons: { total: number; minors?: number; unaccompanied_minors?: number; women?: number; medical_cases?: number; deceased?: number };
  persons_seeking_asylum: number;
  departure_country: string | null;
  assignment: { assigned_by: string; assigned_at: string; reference: string } | null;
  transfers: { from_mmsi: number; to_mmsi: number; persons: number }[];
  evaluations: { id: number; ruleset_version: string; outcome: string; results: RuleResult[]; evaluated_at: string; log_index?: number | null }[];
  log_index?: number | null;
}

export interface Checkpoint {
  tree_size: number;
  root_hash: string;
  signed_at?: string | null;
  timestamp?: string | null;
  signature?: string | null;
  key_id?: string | null;
  note?: string | null;
  verifier_key?: string | null;
  [extra: string]: unknown;
}

export interface LogEntry {
  index: number;
  entry: string;
  entry_encoding: "base64" | "hex" | "utf8";
  leaf_hash?: string | null;
  kind?: string | null;
  created_at?: string | null;
  raw: Record<string, unknown>;
}

export interface InclusionProof {
  leaf_index: number;
  tree_size: number;
  audit_path: string[];
  leaf_hash?: string | null;
  root_hash?: string | null;
}

/** An HTTP error from the back end, carrying its {"error": code, "detail": ...} body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: unknown,
  ) {
    super(ApiError.describe(status, code, detail));
  }

  static describe(status: number, code: string, detail: unknown): string {
    const d = typeof detail === "string" ? detail : detail == null ? "" : JSON.stringify(detail);
    if (status === 0) return `Cannot reach the server (${d || "network error"}). Check the connection and retry.`;
    if (status === 401) return `Not signed in or session expired${d ? `: ${d}` : ""}. Please sign in again.`;
    if (status === 403) return `Not allowed for your role${d ? `: ${d}` : ""}.`;
    if (status === 404) return `Not found${d ? `: ${d}` : ""}.`;
    if (status === 422) return `The server rejected the input${d ? `: ${d}` : ""}.`;
    if (status >= 500) return `Server error ${status}${code ? ` (${code})` : ""}${d ? `: ${d}` : ""}. Try again shortly.`;
    return `${code || "error"} (HTTP ${status})${d ? `: ${d}` : ""}`;
  }
}

const API = "/api/v1";
let token: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setToken(t: string | null): void {
  token = t;
}
export function getToken(): string | null {
  return token;
}
/** Called once when any request answers 401 (the app returns to the login screen). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

type Query = Record<string, string | number | boolean | null | undefined>;

function qs(q?: Query): string {
  if (!q) return "";
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

async function request(method: string, path: string, body?: unknown, q?: Query): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(`${API}${path}${qs(q)}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, "network", e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    let code = "";
    let detail: unknown = res.statusText;
    try {
      const j = (await res.json()) as { error?: string; detail?: unknown };
      code = j.error ?? "";
      detail = j.detail ?? detail;
      // FastAPI validation errors: [{loc, msg}] -> readable text.
      if (Array.isArray(detail)) {
        detail = detail
          .map((d: { loc?: unknown[]; msg?: string }) => `${(d.loc ?? []).slice(1).join(".")}: ${d.msg ?? ""}`)
          .join("; ");
      }
    } catch {
      /* not JSON: keep the status text */
    }
    if (res.status === 401 && path !== "/auth/login" && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, code, detail);
  }
  return res;
}

async function json<T>(method: string, path: string, body?: unknown, q?: Query): Promise<T> {
  const res = await request(method, path, body, q);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

async function text(path: string, q?: Query): Promise<string> {
  const res = await request("GET", path, undefined, q);
  const ct = res.headers.get("content-type") ?? "";
  if (ct.includes("json")) {
    const j = (await res.json()) as unknown;
    if (typeof j === "string") return j;
    const o = j as Record<string, unknown>;
    for (const k of ["text", "sitrep", "surpic", "body"]) if (typeof o[k] === "string") return o[k] as string;
    return JSON.stringify(j, null, 2);
  }
  return res.text();
}

/** Lists may come bare or wrapped as {items: [...]} (paginated); accept both. */
function items<T>(x: T[] | { items?: T[]; entries?: T[]; results?: T[] }): T[] {
  if (Array.isArray(x)) return x;
  return x.items ?? x.entries ?? x.results ?? [];
}

function str(o: Record<string, unknown>, ...keys: string[]): string | null {
  for (const k of keys) if (typeof o[k] === "string") return o[k] as string;
  return null;
}
function num(o: Record<string, unknown>, ...keys: string[]): number | null {
  for (const k of keys) if (typeof o[k] === "number") return o[k] as number;
  return null;
}

/** Normalise a case: the predicted drift datum may be named `predicted` or `predicted_datum`. */
function normCase(c: Case): Case {
  const lat = c.lat ?? (c as { datum_lat?: number }).datum_lat;
  const lon = c.lon ?? (c as { datum_lon?: number }).datum_lon;
  return { ...c, lat, lon, predicted: c.predicted ?? c.predicted_datum ?? null };
}

function normEntry(o: Record<string, unknown>): LogEntry {
  const index = num(o, "index", "leaf_index", "seq", "id") ?? 0;
  let entry = str(o, "entry_b64", "entry_base64");
  let enc: LogEntry["entry_encoding"] = "base64";
  if (entry === null) {
    entry = str(o, "entry_hex", "leaf_data_hex");
    enc = "hex";
  }
  if (entry === null) {
    const e = o.entry ?? o.data ?? o.payload ?? o.canonical;
    if (typeof e === "string") {
      // The audit export writes `entry` as standard base64 of the canonical entry bytes.
      entry = e;
      const declared = str(o, "encoding", "entry_encoding");
      enc = declared === "hex" || declared === "utf8" ? declared : "base64";
    } else {
      entry = JSON.stringify(e ?? null);
      enc = "utf8";
    }
  }
  return {
    index,
    entry,
    entry_encoding: enc,
    leaf_hash: str(o, "leaf_hash", "hash"),
    kind: str(o, "kind", "type"),
    created_at: str(o, "logged_at", "created_at", "appended_at", "at"),
    raw: o,
  };
}

export const api = {
  login: (username: string, password: string) =>
    json<LoginResponse>("POST", "/auth/login", { username, password }),
  me: () => json<User>("GET", "/auth/me"),
  /** A long-lived API token for the caller (the ship channel authenticates by API token). */
  createApiToken: (name: string, expiresInDays = 30) =>
    json<{ id: number; token: string; prefix: string; expires_at: string | null }>("POST", "/auth/tokens", {
      name,
      expires_in_days: expiresInDays,
    }),

  vesselsLatest: (b: { min_lon: number; min_lat: number; max_lon: number; max_lat: number }) =>
    json<Vessel[] | { items: Vessel[] }>("GET", "/vessels/latest", undefined, b).then(items),

  listCases: () => json<Case[] | { items: Case[] }>("GET", "/cases").then(items).then((l) => l.map(normCase)),
  createCase: (body: CaseCreate) => json<Case>("POST", "/cases", body).then(normCase),
  getCase: (id: Case["id"]) => json<Case>("GET", `/cases/${id}`).then(normCase),
  caseEvents: (id: Case["id"]) =>
    json<CaseEvent[] | { items: CaseEvent[] }>("GET", `/cases/${id}/events`).then(items),
  caseCandidates: async (id: Case["id"]): Promise<CandidateList> => {
    const r = await json<CandidateList | Candidate[]>("GET", `/cases/${id}/candidates`);
    return Array.isArray(r) ? { candidates: r, stale: [] } : { candidates: r.candidates ?? [], stale: r.stale ?? [] };
  },
  sitrep: (id: Case["id"]) => text(`/cases/${id}/sitrep`),
  surpic: (id: Case["id"]) => text(`/cases/${id}/surpic`),
  maydayRelay: (id: Case["id"]) => text(`/cases/${id}/mayday-relay`),

  sendAlert: (body: AlertCreate) => json<Alert>("POST", "/alerts", body),
  listAlerts: (caseId: Case["id"]) => json<Alert[]>("GET", "/alerts", undefined, { case_id: caseId }),
  getAlert: (id: Alert["id"]) => json<Alert & { recipients: Recipient[] }>("GET", `/alerts/${id}`),
  cancelAlert: (id: Alert["id"], reason: string) => json<Alert>("POST", `/alerts/${id}/cancel`, { reason }),

  /** Ship master: deliveries above `after` as channel frames (HTTP fallback of /ws/ship). */
  shipDeliveries: (after: number, mmsi?: number) =>
    json<Envelope[]>("GET", "/ship/deliveries", undefined, { after, mmsi }),
  /** Ship master: an answer over HTTP (same body as the ship channel's answer frame). */
  answerHttp: (alertId: number | string, body: Record<string, unknown>, mmsi?: number) =>
    json<{ id: number; duplicate: boolean }>("POST", `/alerts/${alertId}/answers${qs({ mmsi })}`, body),

  disembarkations: (q?: Query) =>
    json<Disembarkation[] | { items: Disembarkation[] }>("GET", "/disembarkations", undefined, q).then(items),
  latestCheckpoint: () => json<Checkpoint>("GET", "/audit/checkpoint").then(normCheckpoint),
  entries: (q?: Query) =>
    json<Record<string, unknown>[] | { items: Record<string, unknown>[] }>("GET", "/audit/entries", undefined, q)
      .then(items)
      .then((l) => l.map(normEntry)),
  inclusionProof: async (leafIndex: number, treeSize: number): Promise<InclusionProof> => {
    const o = await json<Record<string, unknown>>("GET", `/audit/entries/${leafIndex}/inclusion`, undefined, {
      tree_size: treeSize,
    });
    const path = (o.path ?? o.audit_path ?? o.proof ?? o.hashes ?? []) as string[];
    return {
      leaf_index: num(o, "leaf_index", "index") ?? leafIndex,
      tree_size: num(o, "tree_size") ?? treeSize,
      audit_path: path,
      leaf_hash: str(o, "leaf_hash"),
      root_hash: str(o, "root_hash", "root"),
    };
  },
  consistencyProof: async (first: number, second: number): Promise<string[]> => {
    const o = await json<Record<string, unknown>>("GET", "/audit/consistency", undefined, { first, second });
    return (o.path ?? o.proof ?? o.consistency_path ?? o.hashes ?? []) as string[];
  },

  /** Fetch a file with the bearer token and hand it to the browser as a download. */
  download: async (path: string, filename: string): Promise<void> => {
    const res = await request("GET", path);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};

export interface Recipient {
  mmsi: number;
  reachable: boolean;
  reason: string | null;
  distance_nm: number | null;
}

function normCheckpoint(c: Checkpoint): Checkpoint {
  const o = c as Record<string, unknown>;
  const note = str(o, "note", "checkpoint", "signed_note");
  if (note) {
    // A C2SP signed note: origin, size, base64 root, blank line, signature lines.
    const lines = note.split("\n");
    return {
      ...c,
      note,
      tree_size: num(o, "tree_size", "size") ?? Number(lines[1]),
      root_hash: str(o, "root_hash", "root") ?? lines[2] ?? "",
      signed_at: str(o, "signed_at", "timestamp", "created_at"),
      verifier_key: str(o, "verifier_key"),
    };
  }
  return {
    ...c,
    tree_size: num(o, "tree_size", "size") ?? 0,
    root_hash: str(o, "root_hash", "root", "sha256_root_hash") ?? "",
    signed_at: str(o, "signed_at", "timestamp", "created_at"),
  };
}

/** Exports (paths under /api/v1, fetched with the token by api.download). */
export const EXPORTS: { label: string; path: string; filename: string }[] = [
  { label: "Transparency log, entries and checkpoints (JSON, for `sar-coord audit verify`)", path: "/audit/export.json", filename: "transparency-log.json" },
  { label: "Transparency log entries (CSV)", path: "/audit/export.csv", filename: "transparency-log.csv" },
];
export const evidencePackPath = (caseId: number | string) => `/audit/cases/${caseId}/evidence.zip`;

export const SHIP_WS_KEY = "sar.shipWsUrl";

/**
 * URL of the ship channel. It runs on its own server (default port 8765, `ALERTS_SHIP_WS_PORT`),
 * unless a reverse proxy maps it to /ws/ship on this origin; Settings can override it.
 */
export function shipChannelBase(): string {
  const o = localStorage.getItem(SHIP_WS_KEY)?.trim();
  if (o) return o;
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.hostname}:8765/ws/ship`;
}

/** Cumulative acknowledgement of every ship delivery up to `seq`. */
export const ackFrame = (seq: number) => ({ v: 1, type: "ack", data: { seq } });

/** Websocket URL on the same origin as the page (the token is a query parameter: browsers cannot set headers). */
export function wsUrl(path: "/ws/rcc" | "/ws/ship", params: Record<string, string | number>): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) p.set(k, String(v));
  return `${proto}//${location.host}${path}?${p.toString()}`;
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
  return typeof c === "number" || typeof c === "string" ? c : null;
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
  status: "active" | "updated" | "cancelled";
  message: string;
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

/** Classify an envelope from /ws/ship (alerts, updates, cancellations, answer receipts). */
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
  if (/alert|update|cancel/.test(t)) {
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
        status: /cancel/.test(t) || a.status === "cancelled" ? "cancelled" : /update/.test(t) ? "updated" : "active",
        message: String(a.message ?? (a.reason ? `Cancelled: ${a.reason}` : "")),
        lat: n(datum.lat ?? a.lat ?? c.lat),
        lon: n(datum.lon ?? a.lon ?? c.lon),
        uncertaintyNm: n(a.datum_uncertainty_nm ?? c.datum_uncertainty_nm),
        radiusNm: n(a.radius_nm),
        personsOnBoard: n(a.persons_on_board ?? c.persons_on_board),
        boatType: s(a.boat_type ?? c.boat_type),
        issuedAt: s(a.issued_at ?? a.created_at ?? env.ts),
        rcc: s(a.responsible_rcc ?? a.rcc ?? a.issued_by),
        seq: env.seq ?? null,
        raw: d,
      },
    };
  }
  return { kind: "other", type: env.type };
}
