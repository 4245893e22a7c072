// Partner report (hotline, NGO, aircraft, passing ship) form values -> request body, with checks.
import type { PartnerReport } from "../shared/types";

export interface PartnerFormValues {
  reported_by: string;
  lat: string;
  lon: string;
  uncertainty_nm: string;
  persons_on_board: string;
  boat_type: string;
  boat_colour: string;
  /** "yes" | "no" | "" (unknown) */
  engine_working: string;
  departure_country: string;
  first_rcc: string;
  description: string;
}

const BOATS = ["rubber", "wooden", "fishing", "sailing", "other"] as const;

/** Check the values; returns the body for POST /cases/partner-report when there are no errors. */
export function buildPartnerReport(f: PartnerFormValues): { body: PartnerReport | null; errors: Record<string, string> } {
  const e: Record<string, string> = {};
  const by = f.reported_by.trim();
  if (by.length < 2) e.reported_by = "Who reported the boat (organisation or hotline).";
  const lat = Number(f.lat);
  const lon = Number(f.lon);
  if (f.lat.trim() === "" || !Number.isFinite(lat) || lat < -90 || lat > 90) e.lat = "Latitude in degrees (-90 to 90).";
  if (f.lon.trim() === "" || !Number.isFinite(lon) || lon < -180 || lon > 180) e.lon = "Longitude in degrees (-180 to 180).";
  const unc = f.uncertainty_nm.trim() === "" ? null : Number(f.uncertainty_nm);
  if (unc !== null && !(unc > 0 && unc <= 500)) e.uncertainty_nm = "Uncertainty in nm (more than 0, at most 500).";
  const pob = f.persons_on_board.trim() === "" ? null : Number(f.persons_on_board);
  if (pob !== null && !(Number.isInteger(pob) && pob >= 0 && pob <= 5000)) e.persons_on_board = "A whole number (0-5000).";
  const boat = f.boat_type.trim();
  if (boat && !(BOATS as readonly string[]).includes(boat)) e.boat_type = "Choose a boat type.";
  const dep = f.departure_country.trim().toUpperCase();
  if (dep && !/^[A-Z]{2}$/.test(dep)) e.departure_country = "Two-letter ISO country code.";
  if (f.boat_colour.trim().length > 40) e.boat_colour = "At most 40 characters.";
  if (Object.keys(e).length) return { body: null, errors: e };
  const body: PartnerReport = { reported_by: by, lat, lon };
  if (unc !== null) body.datum_uncertainty_nm = unc;
  if (pob !== null) body.persons_on_board = pob;
  if (boat) body.boat_type = boat as PartnerReport["boat_type"];
  if (f.boat_colour.trim()) body.boat_colour = f.boat_colour.trim();
  if (f.engine_working === "yes" || f.engine_working === "no") body.engine_working = f.engine_working === "yes";
  if (dep) body.departure_country = dep;
  if (f.first_rcc.trim()) body.first_rcc = f.first_rcc.trim();
  if (f.description.trim()) body.description = f.description.trim();
  return { body, errors: {} };
}
