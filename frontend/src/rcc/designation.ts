// Place-of-safety status of a port at an instant (same rule as the back end: port beats country,
// latest version wins) and the warning shown before a port is chosen. Times are UTC.
import type { Designation, PlaceStatus } from "../shared/types";

/** Whether a designation version applies at `at` (effective_from <= at < effective_until). */
export function inForce(d: Designation, at: Date): boolean {
  const from = Date.parse(d.effective_from);
  const until = d.effective_until ? Date.parse(d.effective_until) : Infinity;
  const t = at.getTime();
  return from <= t && t < until;
}

function latest(cands: Designation[]): Designation | null {
  let best: Designation | null = null;
  for (const d of cands) {
    if (
      !best ||
      Date.parse(d.effective_from) > Date.parse(best.effective_from) ||
      (d.effective_from === best.effective_from &&
        (Date.parse(d.set_at) > Date.parse(best.set_at) || (d.set_at === best.set_at && d.id > best.id)))
    )
      best = d;
  }
  return best;
}

/** The designation that applies to a port at `at`, or null (unassessed). */
export function designationFor(all: Designation[], country: string, locode: string | null, at: Date): Designation | null {
  const live = all.filter((d) => inForce(d, at));
  if (locode) {
    const port = latest(live.filter((d) => d.locode === locode));
    if (port) return port;
  }
  return latest(live.filter((d) => d.locode === null && d.country === country));
}

export function statusOf(d: Designation | null): PlaceStatus {
  return d?.status ?? "unassessed";
}

export const STATUS_LABEL: Record<PlaceStatus, string> = {
  designated: "designated place of safety",
  not_safe: "NOT a place of safety",
  unassessed: "unassessed",
};

export interface PlaceWarning {
  level: "danger" | "caution";
  /** The RCC must confirm before choosing this port. */
  confirm: boolean;
  text: string;
}

/** The warning for choosing a port, or null when it is a designated place of safety. */
export function placeWarning(portName: string, d: Designation | null): PlaceWarning | null {
  const st = statusOf(d);
  if (st === "not_safe") {
    return {
      level: "danger",
      confirm: true,
      text:
        `${portName} is designated NOT a place of safety${d?.locode ? "" : ` (${d?.country} as a whole)`}: ${d?.citation ?? ""}. ` +
        `Disembarking rescued people here risks refoulement and is recorded as a violation.`,
    };
  }
  if (st === "unassessed") {
    return { level: "caution", confirm: false, text: `${portName}: no place-of-safety designation (unassessed).` };
  }
  return null;
}
