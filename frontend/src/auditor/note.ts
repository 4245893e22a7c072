// C2SP signed notes and tlog checkpoints (as written by sar_coord.audit.checkpoint), verified with
// SubtleCrypto Ed25519 where the browser supports it.
import { fromBase64, toHex } from "./merkle";

export interface ParsedNote {
  text: string;
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  signatures: { name: string; keyId: string; sig: Uint8Array }[];
}

const SIG_PREFIX = "\u2014 ";

/** Split and parse a signed checkpoint note; throws Error with a reason when malformed. */
export function parseCheckpointNote(note: string): ParsedNote {
  const idx = note.lastIndexOf("\n\n");
  if (idx < 0 || !note.endsWith("\n")) throw new Error("signed note has no signature block");
  const text = note.slice(0, idx + 1);
  const sigLines = note.slice(idx + 2, -1).split("\n");
  const signatures = sigLines.map((line) => {
    if (!line.startsWith(SIG_PREFIX)) throw new Error(`malformed signature line ${JSON.stringify(line)}`);
    const rest = line.slice(SIG_PREFIX.length);
    const sp = rest.indexOf(" ");
    const raw = fromBase64(rest.slice(sp + 1));
    if (sp <= 0 || raw.length < 5) throw new Error("malformed signature line");
    return { name: rest.slice(0, sp), keyId: toHex(raw.slice(0, 4)), sig: raw.slice(4) };
  });
  const [origin, sizeS, rootS] = text.slice(0, -1).split("\n");
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(sizeS ?? "") || !rootS) throw new Error("checkpoint needs origin, size and root lines");
  const rootHash = fromBase64(rootS);
  if (rootHash.length !== 32) throw new Error("root hash must be 32 bytes");
  return { text, origin, treeSize: Number(sizeS), rootHash, signatures };
}

export interface VerifierKey {
  name: string;
  keyId: string;
  publicKey: Uint8Array;
}

/** Parse `name+hexkeyid+base64(0x01||pubkey)` and check the key id matches the key. */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const parts = vkey.trim().split("+");
  if (parts.length < 3) throw new Error("malformed verifier key");
  const [name, keyId] = parts;
  const raw = fromBase64(parts.slice(2).join("+"));
  if (raw.length !== 33 || raw[0] !== 1) throw new Error("verifier key is not an Ed25519 key");
  const publicKey = raw.slice(1);
  const enc = new TextEncoder().encode(`${name}\n`);
  const buf = new Uint8Array(enc.length + 33);
  buf.set(enc);
  buf.set(raw, enc.length);
  const id = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", buf)).slice(0, 4));
  if (id !== keyId.toLowerCase()) throw new Error("verifier key id does not match the key");
  return { name, keyId: id, publicKey };
}

export type SignatureResult = "valid" | "invalid" | "no_signature_from_key" | "unsupported";

/** Check the note carries a valid Ed25519 signature by `key` over its text. */
export async function verifyNoteSignature(note: ParsedNote, key: VerifierKey): Promise<SignatureResult> {
  const sig = note.signatures.find((s) => s.name === key.name && s.keyId === key.keyId);
  if (!sig) return "no_signature_from_key";
  let k: CryptoKey;
  try {
    k = await crypto.subtle.importKey("raw", new Uint8Array(key.publicKey), { name: "Ed25519" }, false, ["verify"]);
  } catch {
    return "unsupported";
  }
  const ok = await crypto.subtle.verify({ name: "Ed25519" }, k, new Uint8Array(sig.sig), new TextEncoder().encode(note.text));
  return ok ? "valid" : "invalid";
}
