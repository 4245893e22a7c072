// Auditor view: disembarkation log with compliance, rule explanations, integrity verification, exports.
import { api, EXPORTS, evidencePackPath, type Checkpoint, type Disembarkation, type LogEntry } from "../shared/api";
import type { View } from "../shared/view";
import { decodeHash, fromBase64, fromHex, leafHash, toHex, verifyConsistency, verifyInclusion } from "./merkle";
import { parseCheckpointNote, parseVerifierKey, verifyNoteSignature } from "./note";
import type { Session } from "../shared/session";
import { errorText, h, mount, notify, utc } from "../shared/ui";

/** Background for each rule of the back end's ruleset (shown next to its own explanation). */
const RULE_HELP: Record<string, string> = {
  a_place_not_safe:
    "Non-refoulement: nobody is landed where they face persecution or serious harm. UNHCR (2020) and OHCHR (2021): Libya is not a place of safety. Judged against the place-of-safety registry as it stood at the time.",
  b_departure_country_asylum:
    "Rescue at Sea guide (IMO/ICS/UNHCR): people seeking asylum are not disembarked in the country they fled, and their data is not shared with it.",
  c_rcc_assignment:
    "SAR Convention and MSC.167(78) 6.7: the place of safety is assigned by the responsible RCC; the Asso 28 conviction turned on an instruction that did not come from an RCC.",
  d_headcount:
    "Everyone rescued is accounted for: people rescued, transferred and disembarked must add up (counts only, never names).",
  e_time_on_board:
    "MSC.167(78) 6.13: the ship is only a temporary place of safety; disembarkation should follow as soon as reasonably practicable.",
  f_handover_chain:
    "Ship-to-ship handovers must form a chain from the rescuing vessel to the disembarking one, so responsibility can be traced.",
  g_protection_asked:
    "Rescue at Sea guide (IMO/ICS/UNHCR): the master tells the RCC of anyone seeking asylum, so people must be asked. Not recorded: the rule cannot judge.",
  h_asylum_procedure:
    "Non-refoulement needs access to an asylum procedure where people are landed. Not recorded: the rule cannot judge.",
  i_medical_screening:
    "MSC.167(78) 6.12: a place of safety meets medical needs. Not recorded: the rule cannot judge.",
};

type Verdict = "pass" | "cannot_judge" | "flag" | "violation" | "none";

function latestEvaluation(d: Disembarkation): Disembarkation["evaluations"][number] | null {
  const ev = [...(d.evaluations ?? [])].sort((a, b) => a.evaluated_at.localeCompare(b.evaluated_at));
  return ev.at(-1) ?? null;
}

function verdict(d: Disembarkation): Verdict {
  const o = latestEvaluation(d)?.outcome?.toLowerCase();
  return o === "pass" || o === "cannot_judge" || o === "flag" || o === "violation" ? o : "none";
}

const LABEL: Record<Verdict, string> = {
  pass: "compliant", cannot_judge: "cannot judge: facts missing", flag: "needs review", violation: "violation", none: "not evaluated",
};
const BADGE: Record<Verdict, string> = { pass: "compliant", cannot_judge: "review", flag: "review", violation: "non_compliant", none: "" };

export function auditorView(body: HTMLElement, _s: Session): View {
  const filterStatus = h("select", { id: "f-status" }, h("option", { value: "" }, "any result"),
    h("option", { value: "pass" }, "compliant"), h("option", { value: "cannot_judge" }, "cannot judge"), h("option", { value: "flag" }, "needs review"), h("option", { value: "violation" }, "violation"));
  const filterText = h("input", { id: "f-text", placeholder: "vessel, MMSI, place, country, case" });
  const filterFrom = h("input", { id: "f-from", type: "date" });
  const filterTo = h("input", { id: "f-to", type: "date" });
  const logEl = h("div", { id: "disembarkations" }, h("p", { class: "muted" }, "Loading…"));
  const cpEl = h("div", { id: "checkpoint" }, h("p", { class: "muted" }, "Loading…"));
  const verifyEl = h("div", { id: "verify-result" });
  const verifyBtn = h("button", { id: "verify" }, "Verify integrity in this browser");
  const KEY_STORE = "sar.audit.verifierKey";
  const keyInput = h("input", { id: "verifier-key", class: "hash", placeholder: "name+keyid+base64 key (from the log operator)", size: 40 });
  keyInput.value = localStorage.getItem(KEY_STORE) ?? "";
  keyInput.addEventListener("change", () => {
    const v = keyInput.value.trim();
    if (v) localStorage.setItem(KEY_STORE, v);
    else localStorage.removeItem(KEY_STORE);
  });
  const evidenceCase = h("input", { id: "evidence-case", placeholder: "case id", size: 8 });
  let rows: Disembarkation[] = [];
  let checkpoint: Checkpoint | null = null;

  mount(
    body,
    h("div", { class: "audit" },
      h("section", { class: "card" },
        h("h2", {}, "Disembarkation log"),
        h("div", { class: "row filters" }, filterStatus, filterText, h("label", { class: "inline" }, "from ", filterFrom), h("label", { class: "inline" }, "to ", filterTo)),
        logEl),
      h("aside", { class: "audit-side" },
        h("section", { class: "card" }, h("h2", {}, "Integrity"), cpEl,
          h("label", {}, "Trusted checkpoint key (pin it; empty = trust the key the server shows)", keyInput), verifyBtn, verifyEl),
        h("section", { class: "card" }, h("h2", {}, "Exports"),
          h("ul", { class: "exports" }, EXPORTS.map((x) => h("li", {}, h("button", { class: "link-like", onclick: () => void api.download(x.path, x.filename).catch((e) => notify(`Export failed: ${errorText(e)}`, "error")) }, x.label)))),
          h("div", { class: "row" }, evidenceCase, h("button", { class: "ghost", id: "evidence-pack", onclick: () => {
            const id = evidenceCase.value.trim();
            if (!/^[0-9]+$/.test(id)) return notify("Enter a case number for its evidence pack.", "error");
            void api.download(evidencePackPath(id), `case-${id}-evidence.zip`).catch((e) => notify(`Evidence pack: ${errorText(e)}`, "error"));
          } }, "Evidence pack (ZIP)"))),
        h("section", { class: "card" }, h("h2", {}, "How compliance is judged"),
          h("dl", { class: "rules-help" }, Object.entries(RULE_HELP).flatMap(([k, v]) => [h("dt", {}, k.replace(/^[a-z]_/, "").replace(/_/g, " ")), h("dd", {}, v)])))),
    ),
  );

  function renderLog(): void {
    const st = filterStatus.value;
    const q = filterText.value.trim().toLowerCase();
    const from = filterFrom.value;
    const to = filterTo.value;
    const shown = rows.filter((d) => {
      if (st && verdict(d) !== st) return false;
      const day = String(d.disembarked_at ?? "").slice(0, 10);
      if (from && day < from) return false;
      if (to && day > to) return false;
      if (q) {
        const hay = [d.rescuing_vessel_name, d.rescuing_mmsi, d.disembarking_vessel_name, d.disembarking_mmsi, d.port_locode, d.port_country, d.case_id]
          .map((x) => String(x ?? "").toLowerCase())
          .join(" ");
        if (!hay.includes(q)) return false;
      }
      return true;
    });
    if (shown.length === 0) {
      mount(logEl, h("p", { class: "muted" }, rows.length ? "No disembarkation matches the filters." : "No disembarkations recorded."));
      return;
    }
    mount(
      logEl,
      h("table", { class: "log" },
        h("thead", {}, h("tr", {}, ["Disembarked (UTC)", "Vessel", "Case", "Port", "Persons", "Result", "Log #"].map((t) => h("th", {}, t)))),
        h("tbody", {}, shown.flatMap((d) => {
          const c = verdict(d);
          const ev = latestEvaluation(d);
          const rules = ev?.results ?? [];
          const detail = h("tr", { class: "rules hidden" }, h("td", { colspan: 7 },
            ev ? h("p", { class: "muted" }, `Ruleset ${ev.ruleset_version}, evaluated ${utc(ev.evaluated_at)}${ev.log_index != null ? `, log entry ${ev.log_index}` : ""}. `,
              `${d.persons.total} persons (${d.persons.minors ?? 0} minors, ${d.persons_seeking_asylum} seeking asylum); departure ${d.departure_country ?? "unknown"}; `,
              d.assignment ? `place assigned by ${d.assignment.assigned_by} (${d.assignment.reference}).` : "no RCC assignment recorded.") : null,
            recordCheck(d, ev?.log_index ?? null),
            rules.length === 0 ? h("p", { class: "muted" }, "No rule details returned.") :
            h("ul", {}, rules.map((r) => {
              const o = r.outcome.toLowerCase() as Verdict;
              return h("li", { class: o === "pass" ? "pass" : "fail", "data-rule": r.rule },
                h("span", { class: `badge ${BADGE[o] ?? ""}` }, o),
                " ", h("strong", {}, r.rule.replace(/^[a-z]_/, "").replace(/_/g, " ")), " — ", r.explanation,
                r.attributed_to?.length ? h("span", { class: "muted" }, ` (attributed to ${r.attributed_to.join(", ")})`) : null,
                RULE_HELP[r.rule] ? h("div", { class: "muted" }, RULE_HELP[r.rule]) : null);
            }))));
          const vessel = d.disembarking_vessel_name ?? d.rescuing_vessel_name ?? "—";
          const row = h("tr", { class: `row-${c}`, "data-id": String(d.id), onclick: () => detail.classList.toggle("hidden"), title: "Show the rules" },
            h("td", {}, utc(d.disembarked_at)),
            h("td", {}, vessel, h("div", { class: "muted" }, String(d.disembarking_mmsi ?? d.rescuing_mmsi))),
            h("td", {}, String(d.case_id)),
            h("td", {}, d.port_locode, h("div", { class: "muted" }, d.port_country)),
            h("td", { class: "num" }, String(d.persons?.total ?? "—")),
            h("td", {}, h("span", { class: `badge ${BADGE[c]}`, "data-compliance": c }, LABEL[c])),
            h("td", { class: "num" }, d.log_index != null ? String(d.log_index) : "—"),
          );
          return [row, detail];
        })),
      ),
    );
  }
  for (const el of [filterStatus, filterText, filterFrom, filterTo]) el.addEventListener("input", renderLog);

  async function load(): Promise<void> {
    try {
      rows = await api.disembarkations();
      renderLog();
    } catch (e) {
      mount(logEl, h("p", { class: "error" }, `Disembarkation log unavailable: ${errorText(e)}`));
    }
    try {
      checkpoint = await api.latestCheckpoint();
      mount(cpEl, h("dl", { class: "facts", id: "checkpoint-facts" },
        h("dt", {}, "Tree size"), h("dd", { id: "cp-size" }, String(checkpoint.tree_size)),
        h("dt", {}, "Root (SHA-256)"), h("dd", { class: "hash" }, checkpoint.root_hash),
        h("dt", {}, "Signed"), h("dd", {}, utc(checkpoint.signed_at ?? null)),
        h("dt", {}, "Verifier key"), h("dd", { class: "hash" }, checkpoint.verifier_key),
      ));
    } catch (e) {
      mount(cpEl, h("p", { class: "error" }, `Checkpoint unavailable: ${errorText(e)}`));
    }
  }

  verifyBtn.addEventListener("click", () => void verify());

  /** Verify the latest entries' inclusion in the checkpoint, and consistency with the last checkpoint seen here. */
  async function verify(): Promise<void> {
    verifyBtn.disabled = true;
    const lines: HTMLElement[] = [];
    const out = (ok: boolean | null, text: string) => {
      lines.push(h("li", { class: ok === null ? "muted" : ok ? "pass" : "fail" }, ok === null ? "• " : ok ? "✔ " : "✘ ", text));
      mount(verifyEl, h("ul", { class: "checks" }, lines));
    };
    let allOk = true;
    try {
      const cp = (checkpoint = await api.latestCheckpoint());
      const root = decodeHash(cp.root_hash);
      out(null, `Checkpoint: ${cp.tree_size} entries, root ${toHex(root).slice(0, 16)}…`);
      if (cp.note) {
        const note = parseCheckpointNote(cp.note);
        const sameHead = note.treeSize === cp.tree_size && toHex(note.rootHash) === toHex(root);
        allOk &&= sameHead;
        if (!sameHead) out(false, "The signed note does not match the tree size/root reported by the API.");
        const pinned = keyInput.value.trim();
        const vkey = pinned || cp.verifier_key || "";
        if (!vkey) {
          out(null, "No verifier key given: signature not checked.");
        } else {
          const res = await verifyNoteSignature(note, await parseVerifierKey(vkey));
          if (res === "unsupported") out(null, "This browser has no Ed25519 in WebCrypto: signature not checked here (use `sar-coord audit verify`).");
          else {
            const ok = res === "valid";
            allOk &&= ok;
            out(ok, ok ? `Checkpoint signature valid (${pinned ? "pinned key" : "key served by the API: pin it to detect a swapped key"}).`
                       : res === "invalid" ? "Checkpoint signature INVALID." : "Checkpoint is not signed by the trusted key.");
          }
        }
      } else {
        out(null, "The API returned no signed note: only the tree hashes are checked.");
      }
      if (cp.tree_size === 0) {
        out(true, "Empty log: nothing to verify.");
      } else {
        const entries = await api.entries({ limit: 20, offset: Math.max(0, cp.tree_size - 20) });
        const inTree = entries.filter((e) => e.index < cp.tree_size).slice(0, 20);
        if (inTree.length === 0) out(null, "No entries returned to check.");
        for (const e of inTree) {
          const ok = await verifyEntry(e, cp.tree_size, root);
          allOk &&= ok.ok;
          out(ok.ok, `Entry ${e.index}${e.kind ? ` (${e.kind})` : ""}: ${ok.text}`);
        }
      }
      const seenKey = "sar.audit.lastCheckpoint";
      const seen = JSON.parse(localStorage.getItem(seenKey) ?? "null") as { tree_size: number; root_hash: string } | null;
      if (seen && seen.tree_size > 0 && seen.tree_size <= cp.tree_size) {
        const proof = seen.tree_size === cp.tree_size ? [] : (await api.consistencyProof(seen.tree_size, cp.tree_size)).map(decodeHash);
        const ok = await verifyConsistency(seen.tree_size, cp.tree_size, proof, decodeHash(seen.root_hash), root);
        allOk &&= ok;
        out(ok, ok ? `Consistent with the checkpoint seen here before (size ${seen.tree_size}): no entry was altered or removed.`
                   : `NOT consistent with the checkpoint seen before (size ${seen.tree_size}): the log was rewritten.`);
      } else if (seen && seen.tree_size > cp.tree_size) {
        allOk = false;
        out(false, `The log shrank from ${seen.tree_size} to ${cp.tree_size} entries since last seen here.`);
      }
      if (allOk) localStorage.setItem(seenKey, JSON.stringify({ tree_size: cp.tree_size, root_hash: cp.root_hash }));
      verifyEl.prepend(h("div", { class: `banner ${allOk ? "ok" : "bad"}`, id: "verify-verdict", "data-ok": String(allOk) },
        allOk ? "Integrity check passed" : "Integrity check FAILED"));
    } catch (e) {
      out(false, `Verification could not run: ${errorText(e)}`);
      verifyEl.prepend(h("div", { class: "banner bad", id: "verify-verdict", "data-ok": "false" }, "Integrity check could not complete"));
    } finally {
      verifyBtn.disabled = false;
    }
  }

  void load();
  return { destroy() {} };
}

function entryBytes(e: LogEntry): Uint8Array {
  if (e.entry_encoding === "base64") return fromBase64(e.entry);
  if (e.entry_encoding === "hex") return fromHex(e.entry);
  return new TextEncoder().encode(e.entry);
}

/** Recompute the leaf hash from the entry bytes and check its audit path against the root. */
async function verifyEntry(e: LogEntry, treeSize: number, root: Uint8Array): Promise<{ ok: boolean; text: string }> {
  const computed = await leafHash(entryBytes(e));
  if (e.leaf_hash && toHex(decodeHash(e.leaf_hash)) !== toHex(computed)) {
    return { ok: false, text: "entry bytes do not match the stated leaf hash" };
  }
  const p = await api.inclusionProof(e.index, treeSize);
  const ok = await verifyInclusion(e.index, treeSize, computed, p.path.map(decodeHash), root);
  return { ok, text: ok ? `included in the signed tree (${p.path.length} hashes)` : "inclusion proof does NOT match the checkpoint root" };
}

/** A button that checks this record's own log entries (record and evaluation) against the latest checkpoint. */
function recordCheck(d: Disembarkation, evalIndex: number | null): HTMLElement {
  const out = h("span", { class: "record-check" });
  const indices = [d.log_index, evalIndex].filter((i): i is number => typeof i === "number");
  const btn = h("button", { class: "small ghost", onclick: async (ev: Event) => {
    ev.stopPropagation();
    btn.disabled = true;
    try {
      const cp = await api.latestCheckpoint();
      const root = decodeHash(cp.root_hash);
      const parts: string[] = [];
      let ok = true;
      for (const i of indices) {
        if (i >= cp.tree_size) {
          parts.push(`entry ${i}: not yet covered by a signed checkpoint`);
          continue;
        }
        const [e] = await api.entries({ offset: i, limit: 1 });
        if (!e || e.index !== i) throw new Error(`entry ${i} not returned`);
        const payload = ((e.raw.entry as Record<string, unknown> | undefined)?.payload ?? {}) as Record<string, unknown>;
        const sameRecord = e.kind !== "disembarkation" || payload.id === undefined || payload.id === d.id;
        const r = await verifyEntry(e, cp.tree_size, root);
        ok &&= r.ok && sameRecord;
        parts.push(`entry ${i} (${e.kind ?? "?"}): ${sameRecord ? r.text : "logged record differs from this one"}`);
      }
      out.className = `record-check ${ok ? "pass" : "fail"}`;
      out.textContent = ` ${ok ? "✔" : "✘"} ${parts.join("; ")}`;
    } catch (e) {
      out.className = "record-check fail";
      out.textContent = ` ✘ ${errorText(e)}`;
    } finally {
      btn.disabled = false;
    }
  } }, "Verify this record in the log");
  return h("p", {}, indices.length ? btn : h("span", { class: "muted" }, "Not logged yet."), out);
}
