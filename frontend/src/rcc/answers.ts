// Ship answers as a watch officer reads them (fields as the back end stores them).
import { utc } from "../shared/ui";

const REASONS: Record<string, string> = {
  too_far: "too far",
  not_capable: "not capable",
  own_safety: "own safety",
  other: "other",
};

/** Minutes from now until an ISO time (negative when past), or null. */
export function minutesUntil(iso: unknown): number | null {
  if (typeof iso !== "string") return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : Math.round((t - Date.now()) / 60000);
}

/** Human text for an answer (accept/decline/...) and its fields as the back end stores them. */
export function answerText(kind: string, d: Record<string, unknown>): string {
  const k = kind.toLowerCase().replace(/^(answer|ship)[._]?/, "");
  if (k === "accept" || k === "accepted") {
    const m = minutesUntil(d.eta);
    const eta = typeof d.eta === "string" ? ` ETA ${utc(d.eta)}${m != null && m >= 0 ? ` (in ${m} min)` : ""}` : d.eta_min != null ? ` ETA ${d.eta_min} min` : "";
    return `accepted,${eta}`;
  }
  if (k === "decline" || k === "declined") {
    const r = String(d.reason ?? "");
    const note = d.note ?? d.reason_text;
    return `declined${r ? `: ${REASONS[r] ?? r}` : ""}${note ? ` (${note})` : ""}`;
  }
  if (k === "on_scene") return "on scene";
  if (k === "rescued") {
    const counts = (d.counts ?? {}) as Record<string, unknown>;
    const parts = Object.entries(counts).filter(([, n]) => Number(n) > 0).map(([c, n]) => `${n} ${c.replace(/_/g, " ")}`);
    return `rescued${parts.length ? `: ${parts.join(", ")}` : ""}`;
  }
  if (k === "request_pos") return `requests a place of safety${d.note ? ` (${d.note})` : ""}`;
  if (k === "message") return `message: ${String(d.text ?? d.message ?? "")}`;
  return k.replace(/_/g, " ");
}

