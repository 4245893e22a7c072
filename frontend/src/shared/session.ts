// The signed-in user and token, kept in localStorage so a bridge PC survives a reload.
import { setToken, type LoginResponse, type Role, type User } from "./api";

const KEY = "sar.session";

export interface Session {
  token: string;
  user: User;
}

let current: Session | null = null;

export function loadSession(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? "null") as Session | null;
    if (s && typeof s.token === "string" && s.user && typeof s.user.role === "string") {
      current = s;
      setToken(s.token);
      return s;
    }
  } catch {
    /* corrupt: treat as signed out */
  }
  return null;
}

export function saveSession(r: LoginResponse): Session {
  current = { token: r.access_token, user: { ...r.user, vessel_mmsis: r.user.vessel_mmsis ?? [] } };
  localStorage.setItem(KEY, JSON.stringify(current));
  setToken(current.token);
  return current;
}

/** Switch the session to another bearer credential (the ship view's 30-day API token). */
export function replaceToken(t: string): void {
  if (!current) return;
  current = { ...current, token: t };
  localStorage.setItem(KEY, JSON.stringify(current));
  setToken(t);
}

export function clearSession(): void {
  current = null;
  localStorage.removeItem(KEY);
  setToken(null);
}

export function session(): Session | null {
  return current;
}

export type ViewName = "rcc" | "ship" | "auditor";

/** Views each role may open (the server enforces the same rules; this only shapes navigation). */
export function viewsFor(role: Role): ViewName[] {
  switch (role) {
    case "rcc_operator":
      return ["rcc"];
    case "ship_master":
      return ["ship"];
    case "auditor":
      return ["auditor"];
    case "admin":
      return ["rcc", "auditor"];
    default:
      return [];
  }
}
