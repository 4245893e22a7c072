// Shapes of the back end's JSON bodies (as of the routers in sar_coord/ and alerts/).

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

export interface Recipient {
  mmsi: number;
  reachable: boolean;
  reason: string | null;
  distance_nm: number | null;
}

/** A port of the gazetteer (WGS 84 degrees). */
export interface Port {
  locode: string;
  name: string;
  country: string;
  country_name: string | null;
  other_names: string[];
  lat: number;
  lon: number;
}

export type PlaceStatus = "designated" | "not_safe" | "unassessed";

/** One designation version (country-wide when locode is null); never edited in place. */
export interface Designation {
  id: number;
  country: string;
  locode: string | null;
  status: PlaceStatus;
  legal_basis: string;
  citation: string;
  effective_from: string;
  effective_until: string | null;
  set_by: string;
  set_at: string;
}

export interface PortStatus {
  port: Port;
  at: string;
  status: PlaceStatus;
  designation: Designation | null;
}

export interface PersonCounts {
  total: number;
  minors: number;
  unaccompanied_minors: number;
  women: number;
  medical_cases: number;
  deceased: number;
}

/** POST /disembarkations body: counts only, never names or identifiers of rescued people. */
export interface DisembarkationCreate {
  case_id: number;
  rescuing_mmsi: number;
  rescued_at: string;
  persons_rescued: number;
  disembarking_mmsi?: number;
  transfers: { from_mmsi: number; to_mmsi: number; persons: number; transferred_at?: string }[];
  port_locode: string;
  disembarked_at: string;
  persons: PersonCounts;
  persons_seeking_asylum: number;
  departure_country?: string;
  assignment?: { assigned_by: string; assigned_at: string; reference: string };
  notes?: string;
}

/** POST /cases/partner-report body: a boat reported by a hotline, NGO, aircraft or passing ship. */
export interface PartnerReport {
  reported_by: string;
  lat: number;
  lon: number;
  datum_uncertainty_nm?: number;
  persons_on_board?: number;
  boat_type?: "rubber" | "wooden" | "fishing" | "sailing" | "other";
  boat_colour?: string;
  engine_working?: boolean;
  departure_country?: string;
  first_rcc?: string;
  description?: string;
}
