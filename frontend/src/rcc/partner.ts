// RCC form for a partner report: a boat reported by a hotline, NGO, aircraft or passing ship
// (position WGS 84, counts only, never names of people). Opens a case with source "partner".
import { api, ApiError, type Case } from "../shared/api";
import { buildPartnerReport, type PartnerFormValues } from "./partnerForm";
import { errorText, h, mount, notify } from "../shared/ui";
import "./disembark.css";

export interface PartnerHooks {
  onPickDatum(cb: (lat: number, lon: number) => void): void;
  onCaseCreated(c: Case): void;
}

/** Mount the partner-report form in `el`; lat/lon start at the map centre. */
export function partnerReportForm(el: HTMLElement, lat: number, lon: number, hooks: PartnerHooks, onCancel: () => void): void {
  const inputs: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {};
  const errs: Record<string, HTMLElement> = {};
  const field = (name: keyof PartnerFormValues, label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string) => {
    control.name = name;
    control.id = `pr-${name}`;
    inputs[name] = control;
    errs[name] = h("span", { class: "field-error", "data-error-for": name });
    return h("label", {}, label, control, hint ? h("small", { class: "muted" }, hint) : null, errs[name]);
  };
  const opt = (v: string, t: string) => h("option", { value: v }, t);
  const latI = h("input", { type: "number", step: "any", value: lat.toFixed(4) });
  const lonI = h("input", { type: "number", step: "any", value: lon.toFixed(4) });
  const top = h("div", { class: "banner bad hidden", id: "pr-error", role: "alert" });
  const form = h(
    "form",
    { class: "card partner", id: "partner-form", novalidate: true },
    h("h2", {}, "Partner report"),
    h("p", { class: "muted" }, "A boat reported by a hotline, NGO, aircraft or passing ship. Counts only: never names or phone numbers of people on board."),
    top,
    field("reported_by", "Reported by", h("input", { placeholder: "e.g. Alarm Phone", maxlength: 200 })),
    h("div", { class: "grid2" }, field("lat", "Latitude", latI), field("lon", "Longitude", lonI)),
    h("button", { type: "button", class: "ghost small", onclick: () => hooks.onPickDatum((la, lo) => ((latI.value = la.toFixed(4)), (lonI.value = lo.toFixed(4)))) }, "Pick on map"),
    h("div", { class: "grid2" },
      field("uncertainty_nm", "Uncertainty (nm)", h("input", { type: "number", min: 0, step: "any", value: 2 })),
      field("persons_on_board", "Persons on board", h("input", { type: "number", min: 0, step: 1 }))),
    h("div", { class: "grid2" },
      field("boat_type", "Boat type", h("select", {}, opt("", "unknown"), ...["rubber", "wooden", "fishing", "sailing", "other"].map((b) => opt(b, b)))),
      field("boat_colour", "Boat colour", h("input", { maxlength: 40 }))),
    h("div", { class: "grid2" },
      field("engine_working", "Engine working", h("select", {}, opt("", "unknown"), opt("yes", "yes"), opt("no", "no"))),
      field("departure_country", "Departed from (country)", h("input", { maxlength: 2, placeholder: "e.g. LY" }), "ISO 3166 two letters")),
    field("first_rcc", "RCC the partner informed", h("input", { maxlength: 120 })),
    field("description", "Situation", h("textarea", { rows: 2 }), "Up to 4,000 characters. Never names or identifiers of people."),
    h("div", { class: "row" }, h("button", { type: "submit", id: "pr-submit" }, "Open case from report"), h("button", { type: "button", class: "ghost", onclick: onCancel }, "Cancel")),
  );
  const show = (e: Record<string, string>, other = "") => {
    for (const [k, s] of Object.entries(errs)) s.textContent = e[k] ?? "";
    const n = Object.keys(e).length;
    top.classList.toggle("hidden", !n && !other);
    top.textContent = `${n ? `Not sent: ${n} field${n > 1 ? "s" : ""} to correct. ` : "Not sent. "}${other}`;
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const values = Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value])) as unknown as PartnerFormValues;
    const { body, errors } = buildPartnerReport(values);
    if (!body) return show(errors);
    show({});
    try {
      const c = await api.partnerReport(body);
      notify(`Case ${c.reference ?? c.id} opened from ${body.reported_by}'s report.`, "ok");
      hooks.onCaseCreated(c);
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.errors.length) {
        const f: Record<string, string> = {};
        const rest: string[] = [];
        for (const x of e.errors) {
          const k = String((x.loc ?? []).slice(1)[0] ?? "");
          const name = k === "datum_uncertainty_nm" ? "uncertainty_nm" : k;
          if (name in errs) f[name] = x.msg ?? "invalid";
          else rest.push(`${k || "request"}: ${x.msg ?? ""}`);
        }
        show(f, rest.join("; "));
      } else show({}, errorText(e));
    }
  });
  mount(el, form);
}
