// Deterministic synthetic fleet for load checks of the map (never sent to the server).
import type { Vessel } from "./api";

const CLASSES: Vessel["vessel_class"][] = ["commercial", "commercial", "commercial", "fishing", "fishing", "pleasure", "ngo", "sar", "state", "other"];

/** `n` vessels spread over the Mediterranean and the world, reproducible (seeded LCG). */
export function syntheticFleet(n: number, seed = 42): Vessel[] {
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const now = Date.now();
  const out: Vessel[] = [];
  for (let i = 0; i < n; i++) {
    const med = rnd() < 0.7;
    const lat = med ? 31 + rnd() * 13 : -60 + rnd() * 130;
    const lon = med ? -5 + rnd() * 41 : -180 + rnd() * 360;
    const stale = rnd() < 0.08;
    const ageS = stale ? 3600 : rnd() * 120;
    out.push({
      mmsi: i % 997 === 0 ? 970000000 + i : 200000000 + i,
      name: `SYNTH ${i}`,
      vessel_class: CLASSES[Math.floor(rnd() * CLASSES.length)],
      lat,
      lon,
      sog_kn: Math.round(rnd() * 200) / 10,
      cog_deg: Math.floor(rnd() * 360),
      heading_deg: rnd() < 0.2 ? 511 : Math.floor(rnd() * 360),
      nav_status: null,
      reported_at: new Date(now - ageS * 1000).toISOString(),
      report_age_s: ageS,
      stale,
      suspect: false,
      transponder: "synthetic",
    });
  }
  return out;
}
