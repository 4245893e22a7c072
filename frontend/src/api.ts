// HTTP client: every endpoint the dashboard calls, in one place (paths, query names, error bodies).
// Body shapes live in types.ts and websocket frames in protocol.ts; views import all three from here.
import type { Alert, AlertCreate, Candidate, CandidateList, Case, CaseCreate, CaseEvent, Checkpoint, Designation, Disembarkation, DisembarkationCreate, InclusionProof, LogEntry, LoginResponse, PartnerReport, Port, PortStatus, Recipient, User, Vessel } from "./types";
import type { Envelope } from "./protocol";

export * from "./types";
export * from "./protocol";

/** An HTTP error from the back end, carrying its {"error": code, "detail": ...} body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: unknown,
    /** FastAPI validation errors as sent (422), for mapping onto form fields. */
    readonly errors: { loc?: (string | number)[]; msg?: string }[] = [],
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
    let errors: { loc?: (string | number)[]; msg?: string }[] = [];
    try {
      const j = (await res.json()) as { error?: string; detail?: unknown };
      code = j.error ?? "";
      detail = j.detail ?? detail;
      // FastAPI validation errors: [{loc, msg}] -> readable text.
      if (Array.isArray(detail)) {
        errors = detail as typeof errors;
        detail = detail
          .map((d: { loc?: unknown[]; msg?: string }) => `${(d.loc ?? []).slice(1).join(".")}: ${d.msg ?? ""}`)
          .join("; ");
      }
    } catch {
      /* not JSON: keep the status text */
    }
    if (res.status === 401 && path !== "/auth/login" && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, code, detail, errors);
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

  revokeApiToken: (id: number) => json<void>("DELETE", `/auth/tokens/${id}`),
  changeStatus: (id: Case["id"], status: string, note?: string) =>
    json<Case>("POST", `/cases/${id}/status`, { status, note }).then(normCase),

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

  partnerReport: (body: PartnerReport) => json<Case>("POST", "/cases/partner-report", body).then(normCase),
  searchPorts: (q: string, limit = 12) => json<Port[]>("GET", "/places/ports", undefined, { q, limit }),
  portStatus: (locode: string, at?: string) => json<PortStatus>("GET", `/places/ports/${encodeURIComponent(locode)}`, undefined, { at }),
  designations: () => json<Designation[]>("GET", "/places/designations"),
  recordDisembarkation: (body: DisembarkationCreate) => json<Disembarkation>("POST", "/disembarkations", body),
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
