// RFC 9162 Merkle tree verification in the browser with SubtleCrypto SHA-256 (pure, async).

export type Bytes = Uint8Array;

async function sha256(...parts: Bytes[]): Promise<Bytes> {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", buf));
}

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

/** RFC 9162 leaf hash: SHA-256(0x00 || entry). */
export function leafHash(entry: Bytes): Promise<Bytes> {
  return sha256(LEAF, entry);
}

/** RFC 9162 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Bytes, right: Bytes): Promise<Bytes> {
  return sha256(NODE, left, right);
}

export function bytesEqual(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Bytes): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export function fromHex(s: string): Bytes {
  const clean = s.trim().toLowerCase();
  if (clean.length % 2 !== 0 || /[^0-9a-f]/.test(clean)) throw new Error(`not a hex string: ${s.slice(0, 16)}...`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function fromBase64(s: string): Bytes {
  const std = s.trim().replace(/-/g, "+").replace(/_/g, "/");
  const padded = std + "=".repeat((4 - (std.length % 4)) % 4);
  const bin = atob(padded);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Decode a 32-byte hash given as hex (64 chars) or base64/base64url. */
export function decodeHash(s: string): Bytes {
  const b = /^[0-9a-fA-F]{64}$/.test(s.trim()) ? fromHex(s) : fromBase64(s);
  if (b.length !== 32) throw new Error(`hash must be 32 bytes, got ${b.length}`);
  return b;
}

/** Root computed from a leaf hash and its audit path (RFC 9162 section 2.1.3.2), or null if malformed. */
export async function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leaf: Bytes,
  path: Bytes[],
): Promise<Bytes | null> {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return null;
  if (leafIndex < 0 || leafIndex >= treeSize) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** True when `leaf` (a leaf hash) is at `leafIndex` in the tree of `treeSize` with `root`. */
export async function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leaf: Bytes,
  path: Bytes[],
  root: Bytes,
): Promise<boolean> {
  const r = await rootFromInclusionProof(leafIndex, treeSize, leaf, path);
  return r !== null && bytesEqual(r, root);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** RFC 9162 section 2.1.4.2: the tree of size2/root2 extends the tree of size1/root1. */
export async function verifyConsistency(
  size1: number,
  size2: number,
  proof: Bytes[],
  root1: Bytes,
  root2: Bytes,
): Promise<boolean> {
  if (size1 > size2 || size1 < 0) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = proof;
  // If size1 is an exact power of two, root1 is the first node of the path.
  if (isPowerOfTwo(size1)) path = [root1, ...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
