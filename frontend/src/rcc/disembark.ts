// RCC panel "Record disembarkation" for the selected case: counts only, port from the gazetteer with
// its place-of-safety status, then the compliance result per rule. Times typed and shown in UTC.
import { api, ApiError, type Case, type Designation, type Disembarkation, type Port } from "../shared/api";
import { designationFor, placeWarning, STATUS_LABEL, statusOf } from "./designation";
import {
  buildDisembarkation,
  emptyForm,
  mapApiErrors,
  pathToDisembarked,
  rescuerFromEvents,
  toUtcInput,
  unaccounted,
  utcIso,
  type DisembarkFormValues,
  type FieldErrors,
  type TransferRow,
} from "./disembarkForm";
import { errorText, h, mount, notify, utc } from "../shared/ui";
import "./disembark.css";

type Scalar = Exclude<keyof DisembarkFormValues, "case_id" | "transfers">;

const OUTCOME_LABEL: Record<string, string> = { pass: "compliant", cannot_judge: "cannot judge: facts missing", flag: "needs review", violation: "violation" };
const OUTCOME_BADGE: Record<string, string> = { pass: "compliant", cannot_judge: "review", flag: "review", violation: "non_compliant" };

export class DisembarkPanel {
  private caseId: string | null = null;
  private inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement>();
  private errorEls = new Map<string, HTMLElement>();
  private transfers: { row: TransferRow; el: HTMLElement }[] = [];
  private designations: Designation[] | null = null;
  private port: Port | null = null;
  private searchTimer: number | undefined;
  private searchGen = 0;
  private transfersEl = h("div", { id: "dis-transfers" });
  private portResults = h("ul", { id: "dis-port-results", class: "port-results" });
  private portChosen = h("div", { id: "dis-port-chosen", class: "muted" }, "No port chosen.");
  private portWarning = h("div", { id: "dis-port-warning" });
  private formError = h("div", { id: "dis-form-error", class: "banner bad hidden", role: "alert" });
  private resultEl = h("div", { id: "dis-result" });
  private headcountEl = h("div", { id: "dis-headcount", class: "muted" });
  private prefillEl = h("div", { id: "dis-prefill", class: "muted" });

  private current: Case | null = null;

  constructor(
    private readonly el: HTMLElement,
    private readonly onCaseUpdated: (c: Case) => void = () => undefined,
  ) {
    this.clear();
  }

  clear(): void {
    this.caseId = null;
    this.el.classList.add("hidden");
    mount(this.el);
  }

  /** Show the empty form for case `c` (kept as typed while the same case stays selected). */
  show(c: Case): void {
    const same = this.caseId === String(c.id);
    this.current = c;
    if (same) return;
    this.caseId = String(c.id);
    this.el.classList.remove("hidden");
    this.render(c);
    void this.prefill(c);
  }

  private input(name: Scalar, label: string, attrs: Record<string, string | number> = {}, hint?: string): HTMLElement {
    const i = h("input", { name, id: `dis-${name}`, ...attrs });
    this.inputs.set(name, i);
    const err = h("span", { class: "field-error", "data-error-for": name });
    this.errorEls.set(name, err);
    return h("label", {}, label, i, hint ? h("small", { class: "muted" }, hint) : null, err);
  }

  private render(c: Case): void {
    this.inputs.clear();
    this.errorEls.clear();
    this.transfers = [];
    this.port = null;
    this.designations = null; // fetched again per case: an admin may have changed them
    const num = { type: "number", min: 0, step: 1, inputmode: "numeric" };
    const when = { type: "text", placeholder: "YYYY-MM-DD HH:MM", maxlength: 25, inputmode: "numeric", "data-kind": "utc-time" };
    const q = h("input", { id: "dis-port-q", type: "search", placeholder: "port name or UN/LOCODE", autocomplete: "off" });
    q.addEventListener("input", () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.searchPorts(q.value), 250);
    });
    // Enter in the search picks the only match instead of submitting the form.
    q.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter") return;
      ev.preventDefault();
      const only = this.portResults.querySelectorAll<HTMLElement>("li[data-locode]");
      if (only.length === 1) only[0].click();
    });
    const locode = h("input", { type: "hidden", name: "port_locode", id: "dis-port_locode" });
    this.inputs.set("port_locode", locode);
    const portErr = h("span", { class: "field-error", "data-error-for": "port_locode" });
    this.errorEls.set("port_locode", portErr);
    // No maxlength: the browser would cut a long paste silently; the server refuses it, stating the 4,000 limit.
    const notes = h("textarea", { name: "notes", id: "dis-notes", rows: 2 });
    this.inputs.set("notes", notes);
    const notesErr = h("span", { class: "field-error", "data-error-for": "notes" });
    this.errorEls.set("notes", notesErr);
    const submit = h("button", { type: "submit", id: "dis-submit" }, "Record disembarkation");
    const form = h(
      "form",
      { id: "disembark-form", novalidate: true },
      this.formError,
      h("fieldset", {}, h("legend", {}, "Rescue"), this.prefillEl,
        h("div", { class: "grid2" },
          this.input("rescuing_mmsi", "Rescuing vessel MMSI", { inputmode: "numeric", maxlength: 9, placeholder: "9 digits" }),
          this.input("persons_rescued", "Persons rescued", num)),
        this.input("rescued_at", "Rescued at (UTC)", when)),
      h("fieldset", {}, h("legend", {}, "Ship-to-ship transfers"), this.transfersEl,
        h("button", { type: "button", class: "small ghost", id: "dis-add-transfer", onclick: () => this.addTransfer() }, "Add transfer"),
        h("small", { class: "muted" }, " The last receiving vessel is recorded as the one that disembarked them.")),
      h("fieldset", {}, h("legend", {}, "Place of disembarkation"),
        h("label", {}, "Search the port gazetteer", q), this.portResults, this.portChosen, locode, portErr, this.portWarning,
        this.input("disembarked_at", "Disembarked at (UTC)", when)),
      h("fieldset", {}, h("legend", {}, "Persons disembarked (counts only)"),
        h("div", { class: "grid3" },
          this.input("total", "Total", num),
          this.input("minors", "Minors", num),
          this.input("unaccompanied_minors", "Unaccompanied minors", num),
          this.input("women", "Women", num),
          this.input("medical_cases", "Medical cases", num),
          this.input("deceased", "Deceased", num)),
        this.headcountEl,
        h("div", { class: "grid2" },
          this.input("persons_seeking_asylum", "Persons seeking asylum", num),
          this.input("departure_country", "Boat departed from (country)", { maxlength: 2, placeholder: "e.g. LY", size: 3 }, "ISO 3166 two letters"))),
      h("fieldset", {}, h("legend", {}, "RCC place-of-safety assignment"),
        h("div", { class: "grid2" },
          this.input("assigned_by", "Assigned by (RCC)", { placeholder: "e.g. IT MRCC Rome", maxlength: 120 }),
          this.input("assignment_reference", "Reference", { maxlength: 120 })),
        this.input("assigned_at", "Assigned at (UTC)", when)),
      h("label", {}, "RCC notes", notes,
        h("small", { class: "muted", id: "dis-notes-hint" }, "Visible to RCC and auditors only. Never names or identifiers of rescued people."), notesErr),
      h("div", { class: "row" }, submit),
    );
    for (const k of ["persons_rescued", "total"]) this.inputs.get(k)?.addEventListener("input", () => this.renderHeadcount());
    this.inputs.get("disembarked_at")?.addEventListener("change", () => this.refreshPortStatus());
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.submit(submit);
    });
    mount(this.el, h("details", { class: "card disembark", id: "disembark-panel" },
      h("summary", {}, h("strong", {}, "Record disembarkation"), h("span", { class: "muted" }, ` · case ${c.reference ?? c.id}`)),
      form, this.resultEl));
    this.set("disembarked_at", toUtcInput(new Date()));
    if (typeof c.departure_country === "string") this.set("departure_country", c.departure_country);
  }

  private set(name: Scalar, v: string): void {
    const i = this.inputs.get(name);
    if (i) i.value = v;
  }

  private async prefill(c: Case): Promise<void> {
    try {
      const r = rescuerFromEvents(await api.caseEvents(c.id));
      if (!r || this.caseId !== String(c.id)) return;
      if (!this.inputs.get("rescuing_mmsi")?.value) this.set("rescuing_mmsi", String(r.mmsi));
      if (r.at && !this.inputs.get("rescued_at")?.value) this.set("rescued_at", toUtcInput(r.at));
      if (r.persons != null && !this.inputs.get("persons_rescued")?.value) this.set("persons_rescued", String(r.persons));
      this.prefillEl.textContent = `Prefilled from the ship's "${r.source.replace("_", " ")}" answer (MMSI ${r.mmsi}); check before recording.`;
      this.renderHeadcount();
    } catch {
      /* prefill is a convenience: the MMSI can be typed */
    }
  }

  private addTransfer(): void {
    const row: TransferRow = { from_mmsi: this.inputs.get("rescuing_mmsi")?.value ?? "", to_mmsi: "", persons: "" };
    const i = this.transfers.length;
    const field = (k: keyof TransferRow, label: string) => {
      const inp = h("input", { name: `transfers.${i}.${k}`, id: `dis-transfers-${i}-${k}`, inputmode: "numeric", value: row[k], "aria-label": `transfer ${i + 1} ${label}` });
      inp.addEventListener("input", () => (row[k] = inp.value));
      this.inputs.set(`transfers.${i}.${k}`, inp);
      const err = h("span", { class: "field-error", "data-error-for": `transfers.${i}.${k}` });
      this.errorEls.set(`transfers.${i}.${k}`, err);
      return h("label", {}, label, inp, err);
    };
    const el = h("div", { class: "transfer-row grid3", "data-transfer": i }, field("from_mmsi", "From MMSI"), field("to_mmsi", "To MMSI"), field("persons", "Persons"));
    const entry = { row, el };
    el.append(h("button", { type: "button", class: "small ghost", onclick: () => {
      this.transfers = this.transfers.filter((t) => t !== entry);
      el.remove();
    } }, "Remove"));
    this.transfers.push(entry);
    this.transfersEl.append(el);
  }

  private renderHeadcount(): void {
    const left = unaccounted(this.values());
    const moved = this.transfers.length ? " (transfers move people between vessels; all must be landed)" : "";
    this.headcountEl.textContent =
      left === null ? "" : left === 0 ? "Headcount: everyone rescued is accounted for." : `Headcount: ${left > 0 ? `${left} rescued but not disembarked` : `${-left} more disembarked than rescued`}${moved}.`;
    this.headcountEl.className = left ? "warn-text" : "muted";
  }

  private at(): Date {
    const iso = utcIso(this.inputs.get("disembarked_at")?.value ?? "");
    return iso ? new Date(iso) : new Date();
  }

  private async searchPorts(text: string): Promise<void> {
    const gen = ++this.searchGen;
    const q = text.trim();
    if (q.length < 2) {
      mount(this.portResults);
      return;
    }
    try {
      const [ports, ds] = await Promise.all([api.searchPorts(q), this.loadDesignations()]);
      if (gen !== this.searchGen) return;
      const at = this.at();
      mount(this.portResults, ports.length === 0 ? h("li", { class: "muted" }, "No port found.") : ports.map((p) => {
        const st = statusOf(designationFor(ds, p.country, p.locode, at));
        return h("li", { "data-locode": p.locode, "data-status": st, onclick: () => this.pick(p) },
          h("button", { type: "button", class: "link port-pick" }, `${p.name} (${p.locode})`),
          h("span", { class: "muted" }, ` ${p.country_name ?? p.country} `),
          h("span", { class: `badge place-${st}` }, STATUS_LABEL[st]));
      }));
    } catch (e) {
      mount(this.portResults, h("li", { class: "error" }, `Port search failed: ${errorText(e)}`));
    }
  }

  private async loadDesignations(): Promise<Designation[]> {
    this.designations ??= await api.designations();
    return this.designations;
  }

  /** Choosing a port designated not safe needs an explicit confirmation first. */
  private pick(p: Port): void {
    const d = designationFor(this.designations ?? [], p.country, p.locode, this.at());
    const w = placeWarning(`${p.name} (${p.locode})`, d);
    if (w?.confirm) {
      mount(this.portWarning, h("div", { class: "banner bad", id: "dis-refoulement-warning", role: "alert" },
        h("strong", {}, "Refoulement risk. "), w.text,
        h("div", { class: "row" },
          h("button", { type: "button", class: "small danger", id: "dis-port-confirm", onclick: () => this.choose(p, d) }, "Record this port anyway"),
          h("button", { type: "button", class: "small ghost", onclick: () => mount(this.portWarning) }, "Pick another port"))));
      return;
    }
    this.choose(p, d);
  }

  private choose(p: Port, d: Designation | null): void {
    this.port = p;
    this.set("port_locode", p.locode);
    mount(this.portResults);
    this.showChosen(p, d);
    this.refreshPortStatus();
  }

  private showChosen(p: Port, d: Designation | null): void {
    const st = statusOf(d);
    const w = placeWarning(`${p.name} (${p.locode})`, d);
    mount(this.portChosen, "Port: ", h("strong", {}, `${p.name} (${p.locode})`), ` ${p.country_name ?? p.country} `,
      h("span", { class: `badge place-${st}`, id: "dis-port-status", "data-status": st }, STATUS_LABEL[st]),
      d ? h("div", { class: "muted" }, `${d.citation} (since ${utc(d.effective_from)})`) : null);
    mount(this.portWarning, w ? h("div", { class: `banner ${w.level === "danger" ? "bad" : "warn"}`, id: w.confirm ? "dis-refoulement-warning" : "dis-port-caution" },
      w.confirm ? h("strong", {}, "Refoulement risk. ") : null, w.text) : null);
  }

  /** Ask the server for the port's status at the disembarkation time (the authority). */
  private refreshPortStatus(): void {
    const p = this.port;
    if (!p) return;
    const at = this.at().toISOString();
    void api.portStatus(p.locode, at).then((s) => {
      if (this.port?.locode === p.locode) this.showChosen(p, s.designation);
    }).catch(() => undefined);
  }

  private values(): DisembarkFormValues {
    const f = emptyForm(Number(this.caseId));
    for (const [k, i] of this.inputs) if (!k.startsWith("transfers.") && k in f) (f as unknown as Record<string, string>)[k] = i.value;
    f.transfers = this.transfers.map((t) => t.row);
    return f;
  }

  private showErrors(errors: FieldErrors, other: string[] = []): void {
    for (const [k, el] of this.errorEls) {
      el.textContent = errors[k] ?? "";
      this.inputs.get(k)?.setAttribute("aria-invalid", errors[k] ? "true" : "false");
    }
    // Errors for transfer rows that were removed, or fields without an input, go to the top.
    const unplaced = Object.entries(errors).filter(([k]) => !this.errorEls.has(k)).map(([k, m]) => `${k}: ${m}`);
    const msgs = [...other, ...unplaced];
    const n = Object.keys(errors).length;
    this.formError.classList.toggle("hidden", n === 0 && msgs.length === 0);
    mount(this.formError, n ? `Not recorded: ${n} field${n > 1 ? "s" : ""} to correct. ` : "Not recorded. ", msgs.join("; "));
    const first = Object.keys(errors).map((k) => this.inputs.get(k)).find((i) => i && i.type !== "hidden");
    first?.focus();
  }

  private async submit(btn: HTMLButtonElement): Promise<void> {
    const { body, errors } = buildDisembarkation(this.values());
    if (!body) {
      this.showErrors(errors);
      return;
    }
    this.showErrors({});
    btn.disabled = true;
    try {
      const rec = await api.recordDisembarkation(body);
      this.renderResult(rec);
      notify(`Disembarkation ${rec.id} recorded.`, "ok");
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.errors.length) {
        const m = mapApiErrors(e.errors);
        this.showErrors(m.fields, m.other);
      } else {
        this.showErrors({}, [errorText(e)]);
      }
    } finally {
      btn.disabled = false;
    }
  }

  /** Offer to move the case to "disembarked" (through "rescued" when needed). */
  private statusButton(): HTMLElement | null {
    const c = this.current;
    const steps = c ? pathToDisembarked(c.status) : [];
    if (!c || steps.length === 0) return null;
    const btn = h("button", { type: "button", class: "small secondary", id: "dis-set-status" }, `Mark case disembarked (now ${c.status})`);
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      try {
        let updated = c;
        for (const st of steps) updated = await api.changeStatus(c.id, st, "disembarkation recorded");
        this.current = updated;
        this.onCaseUpdated(updated);
        btn.replaceWith(h("span", { class: "muted" }, `Case is now ${updated.status}.`));
      } catch (e) {
        btn.disabled = false;
        notify(`Status not changed: ${errorText(e)}`, "error");
      }
    });
    return h("div", { class: "row" }, btn);
  }

  private renderResult(rec: Disembarkation): void {
    const ev = rec.evaluations[rec.evaluations.length - 1];
    const o = ev?.outcome ?? "none";
    mount(this.resultEl, h("div", { class: `card dis-result result-${o}` },
      h("h3", {}, "Compliance"),
      h("div", {}, h("span", { class: `badge big ${OUTCOME_BADGE[o] ?? ""}`, id: "dis-outcome", "data-outcome": o }, OUTCOME_LABEL[o] ?? "not evaluated"),
        h("span", { class: "muted" }, ` record ${rec.id} · ${rec.port_locode} · ${utc(rec.disembarked_at)}${ev ? ` · ruleset ${ev.ruleset_version}` : ""}${rec.log_index != null ? ` · log entry ${rec.log_index}` : ""}`)),
      ev ? h("ul", { class: "rules" }, ev.results.map((r) => h("li", { "data-rule": r.rule, "data-outcome": r.outcome },
        h("span", { class: `badge ${OUTCOME_BADGE[r.outcome] ?? ""}` }, r.outcome), " ",
        h("strong", {}, r.rule.replace(/^[a-z]_/, "").replace(/_/g, " ")), " — ", r.explanation,
        r.attributed_to?.length ? h("span", { class: "muted" }, ` (attributed to ${r.attributed_to.join(", ")})`) : null))) : null,
      this.statusButton(),
    ));
    this.resultEl.scrollIntoView({ block: "nearest" });
  }
}
