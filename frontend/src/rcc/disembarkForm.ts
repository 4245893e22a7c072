// Disembarkation form logic without the DOM: form values -> request body, checks, 422 -> fields.
// Times are typed as UTC (datetime-local values read as UTC); counts only, never names of people.
import type { CaseEvent, DisembarkationCreate } from "../shared/types";

export interface TransferRow {
  from_mmsi: string;
  to_mmsi: string;
  persons: string;
}

/** What the inputs hold (strings as typed). */
export interface DisembarkFormValues {
  case_id: number;
  rescuing_mmsi: string;
  rescued_at: string;
  persons_rescued: string;
  transfers: TransferRow[];
  port_locode: string;
  disembarked_at: string;
  total: string;
  minors: string;
  unaccompanied_minors: string;
  women: string;
  medical_cases: string;
  deceased: string;
  persons_seeking_asylum: string;
  departure_country: string;
  assigned_by: string;
  assigned_at: string;
  assignment_reference: string;
  notes: string;
}

/** Field name -> message for a person (field names as in DisembarkFormValues; transfers.N.x). */
export type FieldErrors = Record<string, string>;

export const CATEGORY_FIELDS = ["minors", "unaccompanied_minors", "women", "medical_cases", "deceased"] as const;

export function emptyForm(caseId: number): DisembarkFormValues {
  return {
    case_id: caseId,
    rescuing_mmsi: "",
    rescued_at: "",
    persons_rescued: "",
    transfers: [],
    port_locode: "",
    disembarked_at: "",
    total: "",
    minors: "",
    unaccompanied_minors: "",
    women: "",
    medical_cases: "",
    deceased: "",
    persons_seeking_asylum: "",
    departure_country: "",
    assigned_by: "",
    assigned_at: "",
    assignment_reference: "",
    notes: "",
  };
}

/** "2026-11-28 10:05" (or ISO text) read as UTC unless it carries an offset; null when invalid or empty. */
export function utcIso(v: string): string | null {
  const s = v.trim().replace(/^(\d{4}-\d\d-\d\d)[ T]+/, "$1T");
  if (!s) return null;
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(s);
  const withSeconds = /T\d\d:\d\d$/.test(s) ? `${s}:00` : s;
  const d = new Date(hasZone ? withSeconds : `${withSeconds}Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO time as typed in the form: UTC, 24-hour, "YYYY-MM-DD HH:MM". */
export function toUtcInput(iso: string | Date): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return Number.isNaN(d.getTime()) ? "" : d.toISOString().slice(0, 16).replace("T", " ");
}

function count(v: string): number | null {
  const s = v.trim();
  if (s === "") return 0;
  if (!/^\d+$/.test(s)) return null;
  return Number(s);
}

function mmsi(v: string): number | null {
  const s = v.trim();
  return /^\d{9}$/.test(s) ? Number(s) : null;
}

/** Check the values; returns the request body when there are no errors. */
export function buildDisembarkation(f: DisembarkFormValues): { body: DisembarkationCreate | null; errors: FieldErrors } {
  const e: FieldErrors = {};
  const rescuer = mmsi(f.rescuing_mmsi);
  if (rescuer === null) e.rescuing_mmsi = "Give the rescuing vessel's 9-digit MMSI.";
  const rescuedAt = utcIso(f.rescued_at);
  if (!rescuedAt) e.rescued_at = "Give the rescue time (UTC).";
  const disembarkedAt = utcIso(f.disembarked_at);
  if (!disembarkedAt) e.disembarked_at = "Give the disembarkation time (UTC).";
  if (rescuedAt && disembarkedAt && disembarkedAt < rescuedAt) e.disembarked_at = "Disembarkation cannot be before the rescue.";
  const rescued = f.persons_rescued.trim() === "" ? null : count(f.persons_rescued);
  if (rescued === null || rescued > 10_000) e.persons_rescued = "Give the number of persons rescued (0-10000).";

  const transfers: DisembarkationCreate["transfers"] = [];
  f.transfers.forEach((t, i) => {
    const from = mmsi(t.from_mmsi);
    const to = mmsi(t.to_mmsi);
    const n = t.persons.trim() === "" ? null : count(t.persons);
    if (from === null) e[`transfers.${i}.from_mmsi`] = "9-digit MMSI";
    if (to === null) e[`transfers.${i}.to_mmsi`] = "9-digit MMSI";
    if (from !== null && to !== null && from === to) e[`transfers.${i}.to_mmsi`] = "A transfer goes to another vessel.";
    if (n === null || n <= 0 || n > 10_000) e[`transfers.${i}.persons`] = "Persons transferred (1 or more)";
    if (from !== null && to !== null && n !== null) transfers.push({ from_mmsi: from, to_mmsi: to, persons: n });
  });

  const locode = f.port_locode.trim().toUpperCase();
  if (!/^[A-Z]{2}[A-Z2-9]{3}$/.test(locode)) e.port_locode = "Choose the port of disembarkation (search the gazetteer).";

  const total = f.total.trim() === "" ? null : count(f.total);
  if (total === null || total > 10_000) e.total = "Give the total number of persons disembarked.";
  const cats: Record<string, number> = {};
  for (const k of CATEGORY_FIELDS) {
    const n = count(f[k]);
    if (n === null) e[k] = "A whole number (0 or more).";
    else {
      cats[k] = n;
      if (total !== null && n > total && k !== "unaccompanied_minors") e[k] = `More than the total (${total}).`;
    }
  }
  if (cats.unaccompanied_minors !== undefined && cats.minors !== undefined && cats.unaccompanied_minors > cats.minors) {
    e.unaccompanied_minors = "More than the minors.";
  }
  const asylum = count(f.persons_seeking_asylum);
  if (asylum === null) e.persons_seeking_asylum = "A whole number (0 or more).";
  else if (total !== null && asylum > total) e.persons_seeking_asylum = `More than the total (${total}).`;

  const departure = f.departure_country.trim().toUpperCase();
  if (departure && !/^[A-Z]{2}$/.test(departure)) e.departure_country = "Two-letter ISO country code (for example LY).";

  const by = f.assigned_by.trim();
  const ref = f.assignment_reference.trim();
  const assignedAt = utcIso(f.assigned_at);
  const anyAssignment = by || ref || f.assigned_at.trim();
  if (anyAssignment) {
    if (by.length < 2) e.assigned_by = "Which RCC assigned the place of safety.";
    if (!assignedAt) e.assigned_at = "When it was assigned (UTC).";
    if (!ref) e.assignment_reference = "The RCC's reference.";
  }
  if (f.notes.length > 4000) e.notes = "At most 4000 characters.";

  if (Object.keys(e).length > 0) return { body: null, errors: e };
  const body: DisembarkationCreate = {
    case_id: f.case_id,
    rescuing_mmsi: rescuer!,
    rescued_at: rescuedAt!,
    persons_rescued: rescued!,
    transfers,
    port_locode: locode,
    disembarked_at: disembarkedAt!,
    persons: {
      total: total!,
      minors: cats.minors,
      unaccompanied_minors: cats.unaccompanied_minors,
      women: cats.women,
      medical_cases: cats.medical_cases,
      deceased: cats.deceased,
    },
    persons_seeking_asylum: asylum!,
  };
  // People handed over end up on the last receiving vessel, which disembarks them.
  if (transfers.length > 0) body.disembarking_mmsi = transfers[transfers.length - 1].to_mmsi;
  if (departure) body.departure_country = departure;
  if (anyAssignment) body.assignment = { assigned_by: by, assigned_at: assignedAt!, reference: ref };
  if (f.notes.trim()) body.notes = f.notes.trim();
  return { body, errors: {} };
}

/** Headcount that the compliance rule (d) checks: rescued - transferred away - disembarked. */
export function unaccounted(f: DisembarkFormValues): number | null {
  const rescued = count(f.persons_rescued);
  const total = count(f.total);
  if (rescued === null || total === null || f.persons_rescued.trim() === "" || f.total.trim() === "") return null;
  return rescued - total;
}

const BODY_TO_FIELD: Record<string, string> = {
  "assignment.assigned_by": "assigned_by",
  "assignment.assigned_at": "assigned_at",
  "assignment.reference": "assignment_reference",
  assignment: "assigned_by",
  persons: "total",
  "persons.total": "total",
};

/**
 * Map one FastAPI validation error (loc like ["body","persons","minors"]) to a form field.
 * Model-level errors name their field in the message ("minors exceeds total").
 */
export function fieldForError(loc: (string | number)[], msg = ""): string | null {
  const path = loc[0] === "body" ? loc.slice(1) : loc;
  if (path.length === 0) {
    if (/persons_seeking_asylum/.test(msg)) return "persons_seeking_asylum";
    return null;
  }
  let key = path.map(String).join(".");
  if (key.startsWith("persons.")) key = key.slice("persons.".length);
  if ((key === "total" || key === "persons") && /\b(unaccompanied_minors|minors|women|medical_cases|deceased)\b/.test(msg)) {
    return /unaccompanied_minors/.test(msg) ? "unaccompanied_minors" : msg.match(/\b(minors|women|medical_cases|deceased)\b/)![1];
  }
  if (BODY_TO_FIELD[key]) return BODY_TO_FIELD[key];
  if (/^transfers\.\d+\.(from_mmsi|to_mmsi|persons)$/.test(key)) return key;
  if (/^transfers\.\d+$/.test(key)) return `${key}.persons`;
  const known = new Set<string>(Object.keys(emptyForm(1)).concat(CATEGORY_FIELDS));
  return known.has(key) ? key : null;
}

/** Split validation errors into per-field messages and the rest (shown at the top). */
export function mapApiErrors(errors: { loc?: (string | number)[]; msg?: string }[]): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  for (const err of errors) {
    const msg = (err.msg ?? "invalid").replace(/^Value error, /, "");
    const f = fieldForError(err.loc ?? [], msg);
    if (f) fields[f] = fields[f] ? `${fields[f]}; ${msg}` : msg;
    else other.push(`${(err.loc ?? []).slice(1).join(".") || "request"}: ${msg}`);
  }
  return { fields, other };
}

/** What the ships reported for the case: the rescuing vessel, rescue time and count, if any. */
export function rescuerFromEvents(events: Pick<CaseEvent, "kind" | "at" | "data">[]): { mmsi: number; at: string | null; persons: number | null; source: string } | null {
  const order = ["rescued", "on_scene", "accept"];
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
  for (const want of order) {
    const hits = sorted.filter((e) => String(e.kind).replace(/^(answer|ship)[._]?/, "") === want);
    const ev = hits[hits.length - 1];
    if (!ev) continue;
    const d: Record<string, unknown> = { ...ev.data };
    const m = typeof d.mmsi === "number" ? d.mmsi : null;
    if (m === null) continue;
    let persons: number | null = null;
    if (want === "rescued" && d.counts && typeof d.counts === "object") {
      const c = d.counts as Record<string, unknown>;
      persons = (Number(c.adults) || 0) + (Number(c.minors) || 0);
    }
    return { mmsi: m, at: want === "rescued" ? ev.at : null, persons, source: want };
  }
  return null;
}

/** Case statuses to pass through, in order, to reach "disembarked" (the server's status machine). */
export function pathToDisembarked(status: string): string[] {
  if (["open", "alerting", "assisting"].includes(status)) return ["rescued", "disembarked"];
  if (status === "rescued") return ["disembarked"];
  return [];
}
