// Public, data-free page showing only the offline basemap: #/basemap?lat=..&lon=..&z=..[&vessels=N]
// With vessels=N it draws N synthetic vessels (load check of the canvas layer; nothing from the server).
import type { View } from "./view";
import { createMap } from "./map";
import { h, mount } from "./ui";
import { VesselLayer } from "./vesselLayer";
import { syntheticFleet } from "./synthetic";

declare global {
  interface Window {
    __sarVesselLayer?: VesselLayer;
  }
}

export function basemapView(app: HTMLElement, params: URLSearchParams): View {
  const lat = Number(params.get("lat") ?? 36.5);
  const lon = Number(params.get("lon") ?? 14.5);
  const z = Number(params.get("z") ?? 7);
  const dark = params.get("theme") === "dark";
  if (dark) document.documentElement.dataset.theme = "dark";
  const el = h("div", { class: "map full", id: "basemap" });
  mount(app, el);
  const { map } = createMap(el, { center: [lat, lon], zoom: z, dark });
  const n = Math.min(Number(params.get("vessels") ?? 0) || 0, 200_000);
  if (n > 0) {
    const layer = new VesselLayer().addTo(map);
    layer.setVessels(syntheticFleet(n));
    window.__sarVesselLayer = layer;
  }
  return { destroy: () => map.remove() };
}
