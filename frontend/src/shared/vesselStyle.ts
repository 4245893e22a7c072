// Vessel colour, staleness and distress-transponder rules for the map (pure, no DOM).

export type VesselClass = "commercial" | "ngo" | "fishing" | "sar" | "state" | "pleasure" | "other";

export const CLASS_COLOURS: Record<VesselClass, string> = {
  commercial: "#2f7de1",
  ngo: "#f08c00",
  fishing: "#2b9e5a",
  sar: "#d6336c",
  state: "#6f42c1",
  pleasure: "#17a2b8",
  other: "#868e96",
};
export const STALE_COLOUR = "#9aa0a6";
export const DISTRESS_COLOUR = "#ff1f1f";

/** Reports older than this many seconds are drawn as stale even if the server has not flagged them. */
export const STALE_AFTER_S = 15 * 60;

export type DistressKind = "SART" | "MOB" | "EPIRB";

/** AIS-SART (970), man-overboard (972) and EPIRB-AIS (974) MMSIs are distress alerts in themselves. */
export function distressKind(mmsi: number | string): DistressKind | null {
  const s = String(mmsi).padStart(9, "0");
  if (s.length !== 9) return null;
  if (s.startsWith("970")) return "SART";
  if (s.startsWith("972")) return "MOB";
  if (s.startsWith("974")) return "EPIRB";
  return null;
}

/** Normalise the server's class label (unknown labels become "other"). */
export function normaliseClass(c: string | null | undefined): VesselClass {
  const k = (c ?? "").toLowerCase();
  return k in CLASS_COLOURS ? (k as VesselClass) : "other";
}

/** True when the server says so or the report is older than STALE_AFTER_S at `nowMs` (epoch ms). */
export function isStale(reportedAt: string | null | undefined, serverStale: boolean | undefined, nowMs: number): boolean {
  if (serverStale) return true;
  if (!reportedAt) return true;
  const t = Date.parse(reportedAt);
  if (Number.isNaN(t)) return true;
  return (nowMs - t) / 1000 > STALE_AFTER_S;
}

/** Fill colour: distress transponders always red (even stale), then grey for stale, then class colour. */
export function vesselColour(mmsi: number | string, vesselClass: string | null | undefined, stale: boolean): string {
  if (distressKind(mmsi)) return DISTRESS_COLOUR;
  if (stale) return STALE_COLOUR;
  return CLASS_COLOURS[normaliseClass(vesselClass)];
}

/** Heading for the wedge: true heading when valid, else COG when valid, else null (draw a dot). */
export function displayHeading(headingDeg: number | null | undefined, cogDeg: number | null | undefined): number | null {
  if (headingDeg != null && headingDeg >= 0 && headingDeg < 360) return headingDeg;
  if (cogDeg != null && cogDeg >= 0 && cogDeg < 360) return cogDeg;
  return null;
}
