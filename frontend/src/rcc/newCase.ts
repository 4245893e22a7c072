// The RCC form that opens a distress case (WGS 84 datum, nautical miles, counts only).
import { api, type Case, type CaseCreate } from "../shared/api";
import { errorText, h, mount, notify } from "../shared/ui";

export interface NewCaseHooks {
  onPickDatum(cb: (lat: number, lon: number) => void): void;
  onCaseCreated(c: Case): void;
}

/** Form for a new distress case; the datum can be typed or picked on the map. */
export function newCaseForm(el: HTMLElement, lat: number, lon: number, hooks: NewCaseHooks, onCancel: () => void): void {
  const f = (name: string, value: string | number, attrs: Record<string, string | number> = {}) =>
    h("input", { name, id: `nc-${name}`, value, ...attrs });
  const latI = f("lat", lat.toFixed(4), { type: "number", step: "any", min: -90, max: 90, required: "" });
  const lonI = f("lon", lon.toFixed(4), { type: "number", step: "any", min: -180, max: 180, required: "" });
  const unc = f("uncertainty", 5, { type: "number", step: "any", min: 0 });
  const pob = f("pob", "", { type: "number", min: 0 });
  const title = f("title", "");
  const boat = h("select", { name: "boat_type", id: "nc-boat_type" }, ["rubber", "wooden", "fishing", "sailing", "other"].map((b) => h("option", { value: b }, b)));
  const form = h(
    "form",
    { class: "card new-case", id: "new-case-form" },
    h("h2", {}, "New distress case"),
    h("div", { class: "grid2" }, h("label", {}, "Latitude", latI), h("label", {}, "Longitude", lonI)),
    h("button", { type: "button", class: "ghost small", onclick: () => hooks.onPickDatum((la, lo) => ((latI.value = la.toFixed(4)), (lonI.value = lo.toFixed(4)))) }, "Pick on map"),
    h("div", { class: "grid2" }, h("label", {}, "Uncertainty (nm)", unc), h("label", {}, "Persons on board", pob)),
    h("div", { class: "grid2" }, h("label", {}, "Boat type", boat), h("label", {}, "Description", title)),
    h("div", { class: "row" }, h("button", { type: "submit" }, "Open case"), h("button", { type: "button", class: "ghost", onclick: onCancel }, "Cancel")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const c = await api.createCase({
        lat: Number(latI.value),
        lon: Number(lonI.value),
        datum_uncertainty_nm: unc.value ? Number(unc.value) : undefined,
        persons_on_board: pob.value ? Number(pob.value) : undefined,
        boat_type: boat.value as CaseCreate["boat_type"],
        description: title.value || undefined,
      });
      notify(`Case ${c.reference ?? c.id} opened.`, "ok");
      hooks.onCaseCreated(c);
    } catch (e) {
      notify(`Case not created: ${errorText(e)}`, "error");
    }
  });
  mount(el, form);
}
