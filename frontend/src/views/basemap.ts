// Public, data-free page showing only the offline basemap: #/basemap?lat=..&lon=..&z=..
import type { View } from "../main";
import { createMap } from "../map";
import { h, mount } from "../ui";

export function basemapView(app: HTMLElement, params: URLSearchParams): View {
  const lat = Number(params.get("lat") ?? 36.5);
  const lon = Number(params.get("lon") ?? 14.5);
  const z = Number(params.get("z") ?? 7);
  const el = h("div", { class: "map full", id: "basemap" });
  mount(app, el);
  const { map } = createMap(el, { center: [lat, lon], zoom: z, dark: params.get("theme") === "dark" });
  return { destroy: () => map.remove() };
}
