// Names for the back end's JSON bodies: aliases of the types generated from its OpenAPI schema
// (api-types.ts, `npm run gen:api`); never written by hand. Shapes the client derives itself
// (normalised log entries, proofs) are marked as such.
import type { components } from "./api-types";

type Schemas = components["schemas"];

export type Role = Schemas["UserRead"]["role"];
export type User = Schemas["UserRead"];
export type LoginResponse = Schemas["LoginResponse"];
export type ApiTokenCreated = Schemas["TokenCreated"];

export type Vessel = Schemas["VesselLatestRead"];
export type PredictedDatum = Schemas["PredictedDatum"];
export type Case = Schemas["CaseRead"];
export type CaseCreate = Schemas["CaseCreate"];
export type CaseEvent = Schemas["CaseEventRead"];
export type PartnerReport = Schemas["PartnerReport"];

export type Candidate = Schemas["CandidateRead"];
/** A vessel left out of the ranking (stale or implausible report), with the reason. */
export type ExcludedVessel = Schemas["ExcludedRead"];
export type CandidateList = Schemas["CandidatesRead"];

export type AlertCreate = Schemas["AlertCreate"];
export type Alert = Schemas["AlertRead"];
export type AlertDetail = Schemas["AlertDetail"];
export type Recipient = Schemas["RecipientRead"];
export type AnswerRead = Schemas["AnswerRead"];

export type RuleResult = Schemas["RuleResultRead"];
export type Disembarkation = Schemas["DisembarkationRead"];
/** POST /disembarkations body: counts only, never names or identifiers of rescued people. */
export type DisembarkationCreate = Schemas["DisembarkationCreate"];
export type PersonCounts = Schemas["PersonCounts"];

/** A port of the gazetteer (WGS 84 degrees). */
export type Port = Schemas["PortRead"];
/** One designation version (country-wide when locode is null); never edited in place. */
export type Designation = Schemas["DesignationRead"];
export type PlaceStatus = Designation["status"];
export type PortStatus = Schemas["PortStatus"];

export type Checkpoint = Schemas["CheckpointRead"];
export type EntryRead = Schemas["EntryRead"];
export type InclusionProof = Schemas["InclusionProofRead"];
export type ConsistencyProof = Schemas["ConsistencyProofRead"];

/** A transparency-log entry as the auditor view verifies it (derived from EntryRead). */
export interface LogEntry {
  index: number;
  entry: string;
  entry_encoding: "base64" | "hex" | "utf8";
  leaf_hash: string | null;
  kind: string | null;
  created_at: string | null;
  raw: EntryRead;
}
