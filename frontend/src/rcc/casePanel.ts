// The selected case: details, candidates, alerts, live answers, timeline, SITREP/SURPIC; and the new-case form.
import { api, type Alert, type Candidate, type Case, type CaseEvent, type ExcludedVessel, type RccEvent } from "../shared/api";
import { formatLatLon } from "../shared/geo";
import { answerText, minutesUntil } from "./answers";
import { newCaseForm } from "./newCase";
import { age, copyText, errorText, h, mount, notify, utc } from "../shared/ui";

interface Hooks {
  onCandidates(): void;
  onRadiusPreview(): void;
  onPickDatum(cb: (lat: number, lon: number) => void): void;
  onCaseCreated(c: Case): void;
  onCaseUpdated(c: Case): void;
}

interface AnswerState {
  answer: string;
  etaMin: number | null;
  reason: string | null;
  at: string | null;
  detail: string;
}

export class CasePanel {
  candidates: Candidate[] = [];
  private stale: ExcludedVessel[] = [];
  private chosen = new Set<number>();
  private answers = new Map<number, AnswerState>();
  private current: Case | null = null;
  private timer: number | undefined;
  private radiusNm = 0;
  private areaInput: HTMLInputElement | null = null;

  constructor(
    private readonly el: HTMLElement,
    private readonly hooks: Hooks,
  ) {}

  get areaRadiusNm(): number {
    return this.radiusNm;
  }

  isChosen(mmsi: number): boolean {
    return this.chosen.has(mmsi);
  }

  clear(): void {
    this.current = null;
    this.candidates = [];
    this.chosen.clear();
    this.answers.clear();
    this.radiusNm = 0;
    mount(this.el, h("p", { class: "muted" }, "Select a case on the map or in the list."));
  }

  destroy(): void {
    window.clearTimeout(this.timer);
  }

  refreshSoon(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.current && void this.show(this.current, true), 400);
  }

  liveAnswer(ev: Extract<RccEvent, { kind: "answer" }>): void {
    if (ev.mmsi != null) this.recordAnswer(ev.mmsi, ev.answer, ev.data, new Date().toISOString());
    const name = this.candidates.find((c) => c.mmsi === ev.mmsi)?.name ?? `MMSI ${ev.mmsi}`;
    notify(`${name}: ${answerText(ev.answer, ev.data)}`, ev.answer.startsWith("decl") ? "info" : "ok", 8000);
    this.renderCandidates();
  }

  private recordAnswer(mmsi: number, kind: string, d: Record<string, unknown>, at: string | null): void {
    kind = kind.replace(/^(answer|ship)[._]?/, "");
    this.answers.set(mmsi, {
      answer: kind,
      etaMin: minutesUntil(d.eta),
      reason: typeof d.reason === "string" ? d.reason : null,
      at,
      detail: answerText(kind, d),
    });
  }

  private candidatesEl = h("div", { id: "candidates" });
  private timelineEl = h("ol", { class: "timeline", id: "timeline" });
  private alertsEl = h("ul", { class: "alerts", id: "case-alerts" });
  private reportEl = h("div", { class: "reports" });

  async show(c: Case, quiet = false): Promise<void> {
    const switching = this.current?.id !== c.id;
    this.current = c;
    if (switching) {
      this.chosen.clear();
      this.answers.clear();
      this.candidates = [];
      this.radiusNm = 0;
      this.renderShell(c);
    }
    const [fresh, cands, events, alerts] = await Promise.allSettled([
      api.getCase(c.id), api.caseCandidates(c.id), api.caseEvents(c.id), api.listAlerts(c.id),
    ]);
    if (this.current?.id !== c.id) return;
    if (alerts.status === "fulfilled") this.renderAlerts(alerts.value);
    if (fresh.status === "fulfilled") {
      this.current = fresh.value;
      this.hooks.onCaseUpdated(fresh.value);
      if (switching || !quiet) this.renderHeader(fresh.value);
    }
    if (cands.status === "fulfilled") {
      this.candidates = cands.value.candidates;
      this.stale = cands.value.stale;
    } else {
      mount(this.candidatesEl, h("p", { class: "error" }, `Candidates unavailable: ${errorText(cands.reason)}`));
    }
    if (events.status === "fulfilled") {
      for (const e of events.value) {
        const d: Record<string, unknown> = { ...e.data, ...e };
        const k = String(e.kind).replace(/^(answer|ship)[._]?/, "");
        const mmsi = typeof d.mmsi === "number" ? d.mmsi : null;
        if (mmsi != null && /accept|decline|on_scene|rescued|request_pos/.test(k)) this.recordAnswer(mmsi, k, d, e.at);
      }
      this.renderTimeline(events.value);
    } else {
      mount(this.timelineEl, h("li", { class: "error" }, `Timeline unavailable: ${errorText(events.reason)}`));
    }
    if (cands.status === "fulfilled") this.renderCandidates();
    this.hooks.onCandidates();
  }

  private headerEl = h("div", { class: "case-head" });

  private renderShell(c: Case): void {
    const msg = h("textarea", { id: "alert-message", rows: 3 });
    msg.value = defaultMessage(c);
    const radius = h("input", { id: "area-radius", type: "number", min: 1, max: 500, step: 1, value: 30, size: 4 });
    this.areaInput = radius;
    radius.addEventListener("input", () => {
      this.radiusNm = Number(radius.value) || 0;
      this.hooks.onRadiusPreview();
    });
    radius.addEventListener("focus", () => {
      this.radiusNm = Number(radius.value) || 0;
      this.hooks.onRadiusPreview();
    });
    const targeted = h("button", { id: "send-targeted", onclick: () => void this.send("targeted", msg.value) }, "Alert selected");
    const area = h("button", { id: "send-area", class: "secondary", onclick: () => void this.send("area", msg.value) }, "Area broadcast");
    this.reportEl = h(
      "div",
      { class: "reports" },
      h("button", { class: "ghost", id: "load-sitrep", onclick: () => void this.report("SITREP") }, "SITREP"),
      h("button", { class: "ghost", id: "load-surpic", onclick: () => void this.report("SURPIC") }, "SURPIC"),
      h("button", { class: "ghost", id: "load-mayday", onclick: () => void this.report("MAYDAY RELAY") }, "MAYDAY RELAY"),
    );
    mount(
      this.el,
      this.headerEl,
      h(
        "div",
        { class: "alert-box card" },
        h("h3", {}, "Alert"),
        msg,
        h("div", { class: "row" }, targeted, h("span", { class: "spacer" }), h("label", { class: "inline" }, "radius ", radius, " nm "), area),
      ),
      h("h3", {}, "Alerts"),
      this.alertsEl,
      h("h3", {}, "Candidates"),
      this.candidatesEl,
      h("h3", {}, "Timeline"),
      this.timelineEl,
      h("h3", {}, "Reports"),
      this.reportEl,
    );
    this.renderHeader(c);
    mount(this.candidatesEl, h("p", { class: "muted" }, "Loading candidates…"));
  }

  private renderHeader(c: Case): void {
    const p = c.predicted_datum;
    const statuses = ["open", "alerting", "assisting", "rescued", "disembarked", "closed", "cancelled", "false_alarm"];
    const sel = h("select", { id: "case-status", "aria-label": "case status" }, statuses.map((st) => h("option", { value: st, selected: st === c.status }, st.replace("_", " "))));
    const setStatus = h("button", { class: "small ghost", id: "set-status", onclick: async () => {
      if (sel.value === c.status) return;
      try {
        const updated = await api.changeStatus(c.id, sel.value);
        notify(`Case ${updated.reference ?? updated.id} is now ${updated.status}.`, "ok");
        this.hooks.onCaseUpdated(updated);
        this.renderHeader(updated);
      } catch (e) {
        notify(`Status not changed: ${errorText(e)}`, "error");
        sel.value = c.status;
      }
    } }, "Set status");
    mount(
      this.headerEl,
      h("h2", {}, c.reference, " ", h("span", { class: `badge status-${c.status}` }, c.status)),
      h("div", { class: "row" }, sel, setStatus),
      c.outside_all_regions ? h("div", { class: "banner warn" }, "The datum lies in no loaded SAR region: no responsible RCC could be derived. Coordinate until one accepts (MSC.167(78) 6.7).") : null,
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Datum"),
        h("dd", {}, `${formatLatLon(c.lat, c.lon)} ± ${c.datum_uncertainty_nm ?? "?"} nm`),
        h("dt", {}, "Persons"),
        h("dd", {}, `${c.persons_on_board ?? "unknown"} on ${c.boat_type ?? "unknown boat"}${c.people_in_water ? `, ${c.people_in_water} in water` : ""}${c.medical_emergencies ? `, ${c.medical_emergencies} medical` : ""}`),
        h("dt", {}, "RCC"),
        h("dd", {}, `${c.responsible_rcc ?? "responsible RCC unknown"}${c.first_rcc ? ` (first informed: ${c.first_rcc})` : ""}`),
        p ? h("dt", {}, "Drift") : null,
        p ? h("dd", {}, `${formatLatLon(p.lat, p.lon)} at ${utc(p.at)}`) : null,
      ),
    );
  }

  private renderCandidates(): void {
    if (this.candidates.length === 0) {
      mount(this.candidatesEl, h("p", { class: "muted" }, "No candidate vessels in range."));
      return;
    }
    const rows = this.candidates.map((c) => {
      const a = this.answers.get(c.mmsi);
      const cb = h("input", { type: "checkbox", "aria-label": `choose ${c.name ?? c.mmsi}` });
      cb.checked = this.chosen.has(c.mmsi);
      cb.addEventListener("change", () => {
        if (cb.checked) this.chosen.add(c.mmsi);
        else this.chosen.delete(c.mmsi);
        this.hooks.onCandidates();
      });
      const caps = Object.entries(c.capabilities ?? {})
        .filter(([k, v]) => v !== false && v !== null && v !== 0 && k !== "vessel_class")
        .map(([k, v]) => h("span", { class: "cap" }, v === true ? k.replace(/_/g, " ") : `${k.replace(/_/g, " ")} ${v}`));
      return h(
        "tr",
        { "data-mmsi": c.mmsi, class: a ? `answer-${a.answer}` : "" },
        h("td", {}, cb),
        h("td", { title: (c.reasons ?? []).join("\n") }, h("strong", {}, c.name ?? "—"), h("div", { class: "muted" }, `${c.mmsi} · ${c.vessel_class ?? ""}`)),
        h("td", { class: "num" }, c.distance_nm.toFixed(1)),
        h("td", { class: "num" }, c.eta_min == null ? "—" : `${Math.round(c.eta_min)}`),
        h("td", { class: "num" }, age(c.report_age_s)),
        h("td", {}, caps),
        h("td", { class: "num" }, c.score.toFixed(2)),
        h("td", { class: "answer" }, a ? h("span", { class: `badge answer-${a.answer}` }, a.detail) : ""),
        h("td", {}, h("button", { class: "small", onclick: () => void this.send("targeted", null, [c.mmsi]) }, "Alert")),
      );
    });
    mount(
      this.candidatesEl,
      h("div", { class: "table-scroll" }, h(
        "table",
        { class: "candidates" },
        h("thead", {}, h("tr", {}, ["", "Vessel", "nm", "ETA min", "Report", "Capabilities", "Score", "Answer", ""].map((t) => h("th", {}, t)))),
        h("tbody", {}, rows),
      )),
      this.stale.length
        ? h("details", {}, h("summary", {}, `${this.stale.length} vessels left out (stale or doubtful reports)`),
            h("ul", {}, this.stale.map((c) => h("li", {}, `${c.name ?? c.mmsi} · ${c.reason.replace(/_/g, " ")} · report ${age(c.report_age_s)} old`))))
        : null,
    );
  }

  private renderAlerts(alerts: Alert[]): void {
    mount(
      this.alertsEl,
      alerts.length === 0
        ? h("li", { class: "muted" }, "No alert issued yet.")
        : alerts.map((a) =>
            h("li", { "data-alert-id": String(a.id) },
              h("span", { class: `badge ${a.status === "cancelled" ? "cancelled" : "active"}` }, String(a.status)),
              ` #${a.id} ${a.kind}${a.radius_nm ? ` ${a.radius_nm} nm` : ""} · ${utc(String(a.issued_at ?? ""))}`,
              Number(a.escalations) > 0 ? h("span", { class: "badge warn" }, ` escalated ${a.escalations}×`) : null,
              " ",
              h("button", { class: "small ghost", onclick: () => void this.showRecipients(a.id) }, "Recipients"),
              a.status !== "cancelled"
                ? h("button", { class: "small ghost", onclick: () => void this.cancel(a.id) }, "Cancel")
                : null,
            ),
          ),
    );
  }

  private async showRecipients(id: Alert["id"]): Promise<void> {
    try {
      const a = await api.getAlert(id);
      const reach = a.recipients.filter((r) => r.reachable).length;
      const unreachable = a.recipients.filter((r) => !r.reachable).map((r) => `${r.mmsi}${r.reason ? ` (${r.reason.replace(/_/g, " ")})` : ""}`);
      const shown = unreachable.slice(0, 6).join(", ") + (unreachable.length > 6 ? ` and ${unreachable.length - 6} more` : "");
      notify(`Alert ${id}: ${reach} of ${a.recipients.length} reachable now.${unreachable.length ? ` Not reachable: ${shown}.` : ""}`, "info", 12000);
    } catch (e) {
      notify(`Recipients unavailable: ${errorText(e)}`, "error");
    }
  }

  private async cancel(id: Alert["id"]): Promise<void> {
    const reason = prompt(`Cancel alert ${id}: reason for the ships (1 to 500 characters)`, "resolved");
    if (reason === null) return; // the officer closed the prompt: nothing to do
    if (!reason.trim()) return notify(`Not cancelled: a reason is required (1 to 500 characters); every ship it reached is told why.`, "error");
    try {
      await api.cancelAlert(id, reason);
      notify(`Alert ${id} cancelled; every ship it reached is told.`, "ok");
      this.refreshSoon();
    } catch (e) {
      notify(`Not cancelled: ${errorText(e)}`, "error");
    }
  }

  private renderTimeline(events: CaseEvent[]): void {
    const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
    mount(
      this.timelineEl,
      sorted.length === 0
        ? h("li", { class: "muted" }, "No events yet.")
        : sorted.map((e) => {
            const d: Record<string, unknown> = { ...e.data };
            const kind = String(e.kind);
            const ans = kind.replace(/^(answer|ship)[._]?/, "");
            const text = /accept|decline|on_scene|rescued|request_pos|message/.test(ans) ? answerText(ans, { ...d, ...e }) : summarise(d);
            return h(
              "li",
              { "data-kind": kind },
              h("time", {}, utc(e.at)),
              " ",
              h("strong", {}, kind.replace(/_/g, " ")),
              typeof d.mmsi === "number" ? ` · ${d.mmsi}` : "",
              text ? ` · ${text}` : "",
            );
          }),
    );
  }

  private async report(kind: "SITREP" | "SURPIC" | "MAYDAY RELAY"): Promise<void> {
    if (!this.current) return;
    try {
      const id = this.current.id;
      const text = kind === "SITREP" ? await api.sitrep(id) : kind === "SURPIC" ? await api.surpic(id) : await api.maydayRelay(id);
      const slug = kind.toLowerCase().replace(/ /g, "-");
      const pre = h("pre", { class: "report", id: `${slug}-text` }, text);
      const copy = h("button", { class: "small", onclick: async () => notify((await copyText(text)) ? `${kind} copied.` : "Copy failed: select the text.", "ok") }, `Copy ${kind}`);
      this.reportEl.querySelector(`.report-${slug}`)?.remove();
      this.reportEl.append(h("div", { class: `report-${slug}` }, h("div", { class: "row between" }, h("strong", {}, kind), copy), pre));
    } catch (e) {
      notify(`${kind} unavailable: ${errorText(e)}`, "error");
    }
  }

  private async send(kind: "targeted" | "area", message: string | null, only?: number[]): Promise<void> {
    const c = this.current;
    if (!c) return;
    const msg = message ?? (this.el.querySelector("#alert-message") as HTMLTextAreaElement | null)?.value ?? defaultMessage(c);
    const mmsis = only ?? [...this.chosen];
    if (kind === "targeted" && mmsis.length === 0) {
      notify("Choose at least one candidate (tick the box), or use Alert on a row.", "error");
      return;
    }
    const radius = Number(this.areaInput?.value ?? 0);
    if (kind === "area" && !(radius > 0)) {
      notify("Give an area radius in nautical miles.", "error");
      return;
    }
    try {
      const a = await api.sendAlert(
        kind === "targeted" ? { case_id: c.id, kind, mmsis, message: msg } : { case_id: c.id, kind, radius_nm: radius, message: msg },
      );
      notify(`Alert ${a.id} issued.`, "ok", 6000);
      void this.showRecipients(a.id);
      this.refreshSoon();
    } catch (e) {
      notify(`Alert not sent: ${errorText(e)}`, "error");
    }
  }

  /** Form for a new distress case (see newCase.ts). */
  newCaseForm(lat: number, lon: number): void {
    this.current = null;
    newCaseForm(this.el, lat, lon, this.hooks, () => this.clear());
  }
}

function summarise(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([k, v]) => v !== null && typeof v !== "object" && !/^(id|case_id)$/.test(k))
    .slice(0, 5)
    .map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`)
    .join(", ");
}

function defaultMessage(c: Case): string {
  return (
    `DISTRESS: ${c.persons_on_board ?? "unknown number of"} persons on ${c.boat_type ?? "a boat"} in distress ` +
    `at ${formatLatLon(c.lat, c.lon)} (±${c.datum_uncertainty_nm ?? "?"} nm). ` +
    `Proceed with all speed if able and report your ETA to the RCC.`
  );
}
