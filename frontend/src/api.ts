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
  escalation?: { level?: string; message?: string; proposed_radius_nm?: number } | null;
  [extra: string]: unknown;
}

export interface CaseCreate {
  lat: number;
  lon: number;
  datum_uncertainty_nm?: number;
  persons_on_board?: number;
  boat_type?: string;
  title?: string;
  notes?: string;
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

export interface CandidateList {
  candidates: Candidate[];
  stale: Candidate[];
}

export interface AlertCreate {
  case_id: number | string;
  kind: "targeted" | "area";
  mmsis?: number[];
  radius_nm?: number;
  message: string;
}

export interface Alert {
  id: number | string;
  case_id: number | string;
  kind: string;
  recipients?: unknown[];
  not_reachable?: unknown[];
  [extra: string]: unknown;
}

export interface Disembarkation {
  id: number | string;
  case_id?: number | string | null;
  vessel_mmsi?: number | null;
  vessel_name?: string | null;
  place?: string | null;
  place_name?: string | null;
  country?: string | null;
  disembarked_at?: string | null;
  persons?: number | null;
  compliance?: string | null;
  compliant?: boolean | null;
  rules?: { rule?: string; code?: string; result?: string; passed?: boolean; explanation?: string; detail?: string }[];
  log_index?: number | null;
  [extra: string]: unknown;
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

  sendAlert: (body: AlertCreate) => json<Alert>("POST", "/alerts", body),

  disembarkations: (q?: Query) =>
    json<Disembarkation[] | { items: Disembarkation[] }>("GET", "/audit/disembarkations", undefined, q).then(items),
  latestCheckpoint: () => json<Checkpoint>("GET", "/audit/checkpoint/latest").then(normCheckpoint),
  entries: (q?: Query) =>
    json<Record<string, unknown>[] | { items: Record<string, unknown>[] }>("GET", "/audit/entries", undefined, q)
      .then(items)
      .then((l) => l.map(normEntry)),
  inclusionProof: async (leafIndex: number, treeSize: number): Promise<InclusionProof> => {
    const o = await json<Record<string, unknown>>("GET", "/audit/proof/inclusion", undefined, {
      leaf_index: leafIndex,
      tree_size: treeSize,
    });
    const path = (o.audit_path ?? o.path ?? o.proof ?? o.hashes ?? []) as string[];
    return {
      leaf_index: num(o, "leaf_index", "index") ?? leafIndex,
      tree_size: num(o, "tree_size") ?? treeSize,
      audit_path: path,
      leaf_hash: str(o, "leaf_hash"),
      root_hash: str(o, "root_hash", "root"),
    };
  },
  consistencyProof: async (first: number, second: number): Promise<string[]> => {
    const o = await json<Record<string, unknown>>("GET", "/audit/proof/consistency", undefined, { first, second });
    return (o.proof ?? o.consistency_path ?? o.path ?? o.hashes ?? []) as string[];
  },
  /** Server-side verification, as a fallback/second opinion to the in-browser check. */
  verifyOnServer: () => json<Record<string, unknown>>("GET", "/audit/verify"),
};

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

/** Download URLs for exports; the token goes as a query parameter because links cannot set headers. */
export const exportLinks = (): { label: string; href: string }[] => {
  const t = token ? `&token=${encodeURIComponent(token)}` : "";
  return [
    { label: "Disembarkations (CSV)", href: `${API}/audit/export/disembarkations?format=csv${t}` },
    { label: "Disembarkations (JSON)", href: `${API}/audit/export/disembarkations?format=json${t}` },
    { label: "Transparency log entries (JSON)", href: `${API}/audit/export/entries?format=json${t}` },
    { label: "Evidence pack (ZIP)", href: `${API}/audit/export/evidence-pack?format=zip${t}` },
  ];
};

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
): { type: "answer"; data: Record<string, unknown> } {
  return { type: "answer", data: { client_msg_id: clientMsgId, alert_id: alertId, kind, ...extra } };
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
  const d = (env.data ?? {}) as Record<string, unknown>;
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
      message: String(d.message ?? d.detail ?? "No vessel has accepted yet."),
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
  if (/answer|receipt|answered/.test(t) && !/^alert/.test(t))
    return {
      kind: "answer_result",
      clientMsgId: String(d.client_msg_id ?? ""),
      ok: d.ok !== false && !d.error,
      detail: String(d.detail ?? d.error ?? d.status ?? ""),
    };
  if (/alert|cancel/.test(t)) {
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
        message: String(a.message ?? ""),
        lat: n(datum.lat ?? a.lat ?? c.lat),
        lon: n(datum.lon ?? a.lon ?? c.lon),
        uncertaintyNm: n(a.datum_uncertainty_nm ?? c.datum_uncertainty_nm),
        radiusNm: n(a.radius_nm),
        personsOnBoard: n(a.persons_on_board ?? c.persons_on_board),
        boatType: s(a.boat_type ?? c.boat_type),
        issuedAt: s(a.issued_at ?? a.created_at ?? env.ts),
        rcc: s(a.rcc ?? a.issued_by ?? a.organisation),
        seq: env.seq ?? null,
        raw: d,
      },
    };
  }
  return { kind: "other", type: env.type };
}
