// HTTP client: every endpoint the dashboard calls, in one place (paths, query names, error bodies).
// Body shapes live in types.ts and websocket frames in protocol.ts; views import all three from here.
import type { Alert, AlertCreate, AlertDetail, AnswerRead, ApiTokenCreated, CandidateList, Case, CaseCreate, CaseEvent, Checkpoint, ConsistencyProof, Designation, Disembarkation, DisembarkationCreate, EntryRead, InclusionProof, LogEntry, LoginResponse, PartnerReport, Port, PortStatus, User, Vessel } from "./types";
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

/** A log entry as the auditor view verifies it: the canonical bytes are base64 (`entry_b64`). */
function toLogEntry(o: EntryRead): LogEntry {
  return {
    index: o.leaf_index,
    entry: o.entry_b64,
    entry_encoding: "base64",
    leaf_hash: o.leaf_hash,
    kind: o.kind,
    created_at: o.logged_at,
    raw: o,
  };
}

export const api = {
  login: (username: string, password: string) =>
    json<LoginResponse>("POST", "/auth/login", { username, password }),
  me: () => json<User>("GET", "/auth/me"),
  /** A long-lived API token for the caller (the ship channel authenticates by API token). */
  createApiToken: (name: string, expiresInDays = 30) =>
    json<ApiTokenCreated>("POST", "/auth/tokens", {
      name,
      expires_in_days: expiresInDays,
    }),

  revokeApiToken: (id: number) => json<void>("DELETE", `/auth/tokens/${id}`),
  changeStatus: (id: Case["id"], status: string, note?: string) =>
    json<Case>("POST", `/cases/${id}/status`, { status, note }),

  vesselsLatest: (b: { min_lon: number; min_lat: number; max_lon: number; max_lat: number }) =>
    json<Vessel[]>("GET", "/vessels/latest", undefined, b),

  listCases: () => json<Case[]>("GET", "/cases"),
  createCase: (body: CaseCreate) => json<Case>("POST", "/cases", body),
  getCase: (id: Case["id"]) => json<Case>("GET", `/cases/${id}`),
  caseEvents: (id: Case["id"]) => json<CaseEvent[]>("GET", `/cases/${id}/events`),
  caseCandidates: (id: Case["id"]) => json<CandidateList>("GET", `/cases/${id}/candidates`),
  sitrep: (id: Case["id"]) => text(`/cases/${id}/sitrep`),
  surpic: (id: Case["id"]) => text(`/cases/${id}/surpic`),
  maydayRelay: (id: Case["id"]) => text(`/cases/${id}/mayday-relay`),

  sendAlert: (body: AlertCreate) => json<Alert>("POST", "/alerts", body),
  listAlerts: (caseId: Case["id"]) => json<Alert[]>("GET", "/alerts", undefined, { case_id: caseId }),
  getAlert: (id: Alert["id"]) => json<AlertDetail>("GET", `/alerts/${id}`),
  cancelAlert: (id: Alert["id"], reason: string) => json<Alert>("POST", `/alerts/${id}/cancel`, { reason }),

  /** Ship master: deliveries above `after` as channel frames (HTTP fallback of /ws/ship). */
  shipDeliveries: (after: number, mmsi?: number) =>
    json<Envelope[]>("GET", "/ship/deliveries", undefined, { after, mmsi }),
  /** Ship master: an answer over HTTP (same body as the ship channel's answer frame). */
  answerHttp: (alertId: number | string, body: Record<string, unknown>, mmsi?: number) =>
    json<AnswerRead>("POST", `/alerts/${alertId}/answers${qs({ mmsi })}`, body),

  partnerReport: (body: PartnerReport) => json<Case>("POST", "/cases/partner-report", body),
  searchPorts: (q: string, limit = 12) => json<Port[]>("GET", "/places/ports", undefined, { q, limit }),
  portStatus: (locode: string, at?: string) => json<PortStatus>("GET", `/places/ports/${encodeURIComponent(locode)}`, undefined, { at }),
  designations: () => json<Designation[]>("GET", "/places/designations"),
  recordDisembarkation: (body: DisembarkationCreate) => json<Disembarkation>("POST", "/disembarkations", body),
  disembarkations: (q?: Query) =>
    json<Disembarkation[]>("GET", "/disembarkations", undefined, q),
  latestCheckpoint: () => json<Checkpoint>("GET", "/audit/checkpoint"),
  entries: (q?: Query) => json<EntryRead[]>("GET", "/audit/entries", undefined, q).then((l) => l.map(toLogEntry)),
  inclusionProof: (leafIndex: number, treeSize: number) =>
    json<InclusionProof>("GET", `/audit/entries/${leafIndex}/inclusion`, undefined, { tree_size: treeSize }),
  consistencyProof: (first: number, second: number) =>
    json<ConsistencyProof>("GET", "/audit/consistency", undefined, { first, second }).then((p) => p.path),

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

/** Exports (paths under /api/v1, fetched with the token by api.download). */
export const EXPORTS: { label: string; path: string; filename: string }[] = [
  { label: "Transparency log, entries and checkpoints (JSON, for `sar-coord audit verify`)", path: "/audit/export.json", filename: "transparency-log.json" },
  { label: "Transparency log entries (CSV)", path: "/audit/export.csv", filename: "transparency-log.csv" },
];
export const evidencePackPath = (caseId: number | string) => `/audit/cases/${caseId}/evidence.zip`;
