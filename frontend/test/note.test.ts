// Signed checkpoints and a whole exported log verified with the TS code against Python-made data.
import { describe, expect, it } from "vitest";
import doc from "./log-export.json";
import { decodeHash, fromBase64, fromHex, leafHash, toHex, verifyConsistency, verifyInclusion } from "../src/auditor/merkle";
import { parseCheckpointNote, parseVerifierKey, verifyNoteSignature } from "../src/auditor/note";

const last = doc.checkpoints[doc.checkpoints.length - 1].note;

describe("signed checkpoints", () => {
  it("parses size and root", () => {
    const n = parseCheckpointNote(last);
    expect(n.origin).toBe("sar-coord.test/log");
    expect(n.treeSize).toBe(7);
    expect(n.signatures).toHaveLength(1);
  });
  it("verifies the Ed25519 signature and rejects tampering and foreign keys", async () => {
    const key = await parseVerifierKey(doc.verifier_key);
    expect(await verifyNoteSignature(parseCheckpointNote(last), key)).toBe("valid");
    const tampered = last.replace("\n7\n", "\n8\n");
    expect(await verifyNoteSignature(parseCheckpointNote(tampered), key)).toBe("invalid");
    expect(await verifyNoteSignature(parseCheckpointNote(doc.foreign_note), key)).toBe("no_signature_from_key");
  });
  it("rejects a verifier key whose id does not match", async () => {
    const bad = doc.verifier_key.replace(/\+[0-9a-f]{8}\+/, "+00000000+");
    await expect(parseVerifierKey(bad)).rejects.toThrow(/key id/);
  });
  it("rejects malformed notes", () => {
    expect(() => parseCheckpointNote("origin\n7\n")).toThrow();
    expect(() => parseCheckpointNote("o\nx\nAAAA\n\n\u2014 k AAAAAAAA\n")).toThrow();
  });
});

describe("exported log", () => {
  it("every entry's leaf hash and inclusion proof check against the signed root", async () => {
    const root = parseCheckpointNote(last).rootHash;
    for (const e of doc.entries) {
      const leaf = await leafHash(fromBase64(e.entry));
      expect(toHex(leaf)).toBe(e.leaf_hash);
      const p = doc.inclusion[e.index];
      expect(await verifyInclusion(e.index, 7, leaf, p.audit_path.map(decodeHash), root)).toBe(true);
    }
  });
  it("an altered entry fails", async () => {
    const root = parseCheckpointNote(last).rootHash;
    const raw = fromBase64(doc.entries[2].entry);
    raw[raw.length - 3] ^= 1;
    const p = doc.inclusion[2];
    expect(await verifyInclusion(2, 7, await leafHash(raw), p.audit_path.map(decodeHash), root)).toBe(false);
  });
  it("the size-3 checkpoint is consistent with the size-7 one", async () => {
    const r3 = parseCheckpointNote(doc.checkpoints[0].note).rootHash;
    const r7 = parseCheckpointNote(last).rootHash;
    expect(await verifyConsistency(3, 7, doc.consistency_3_7.map(decodeHash), r3, r7)).toBe(true);
    expect(await verifyConsistency(3, 7, doc.consistency_3_7.map(decodeHash), fromHex(doc.entries[0].leaf_hash), r7)).toBe(false);
  });
});
