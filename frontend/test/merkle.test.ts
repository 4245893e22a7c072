// Cross-checks the TS RFC 9162 verifier against vectors produced by sar_coord.audit.merkle (Python).
import { describe, expect, it } from "vitest";
import vectors from "./merkle-vectors.json";
import { decodeHash, fromHex, leafHash, toHex, verifyConsistency, verifyInclusion } from "../src/auditor/merkle";

const enc = new TextEncoder();
const roots = vectors.roots as Record<string, string>;

describe("RFC 9162 hashing", () => {
  it("leaf hash matches the Python implementation", async () => {
    for (let i = 0; i < vectors.entries.length; i++) {
      expect(toHex(await leafHash(enc.encode(vectors.entries[i])))).toBe(vectors.leaf_hashes[i]);
    }
  });
  it("empty-entry leaf hash is SHA-256 of a single zero byte", async () => {
    expect(toHex(await leafHash(new Uint8Array()))).toBe(
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    );
  });
});

describe("inclusion proofs", () => {
  it("every proof from the Python tree verifies", async () => {
    for (const v of vectors.inclusion) {
      const ok = await verifyInclusion(
        v.index, v.size, fromHex(vectors.leaf_hashes[v.index]), v.path.map(fromHex), fromHex(roots[String(v.size)]),
      );
      expect(ok, `index ${v.index} size ${v.size}`).toBe(true);
    }
  });
  it("rejects a wrong leaf, a wrong index, a tampered path and a wrong root", async () => {
    const v = vectors.inclusion.find((x) => x.size === 13 && x.index === 6)!;
    const leaf = fromHex(vectors.leaf_hashes[6]);
    const root = fromHex(roots["13"]);
    const path = v.path.map(fromHex);
    expect(await verifyInclusion(6, 13, leaf, path, root)).toBe(true);
    expect(await verifyInclusion(6, 13, fromHex(vectors.leaf_hashes[7]), path, root)).toBe(false);
    expect(await verifyInclusion(7, 13, leaf, path, root)).toBe(false);
    expect(await verifyInclusion(6, 13, leaf, path, fromHex(roots["12"]))).toBe(false);
    const bad = path.map((p) => p.slice());
    bad[1][0] ^= 1;
    expect(await verifyInclusion(6, 13, leaf, bad, root)).toBe(false);
    expect(await verifyInclusion(6, 13, leaf, path.slice(0, -1), root)).toBe(false);
    expect(await verifyInclusion(13, 13, leaf, path, root)).toBe(false);
  });
});

describe("consistency proofs", () => {
  it("every proof from the Python tree verifies, and fails against another root", async () => {
    for (const v of vectors.consistency) {
      const r1 = fromHex(roots[String(v.size1)]);
      const r2 = fromHex(roots[String(v.size2)]);
      const proof = v.proof.map(fromHex);
      expect(await verifyConsistency(v.size1, v.size2, proof, r1, r2), `${v.size1}->${v.size2}`).toBe(true);
      if (v.size1 < v.size2) {
        const other = fromHex(roots[String(v.size2 === 13 ? 12 : 13)]);
        expect(await verifyConsistency(v.size1, v.size2, proof, r1, other)).toBe(false);
      }
    }
  });
});

describe("hash decoding", () => {
  it("accepts hex and base64 and rejects wrong lengths", () => {
    const hex = vectors.leaf_hashes[0];
    const b64 = btoa(String.fromCharCode(...fromHex(hex)));
    expect(toHex(decodeHash(hex))).toBe(hex);
    expect(toHex(decodeHash(b64))).toBe(hex);
    expect(() => decodeHash("abcd")).toThrow();
  });
});
