// Leaflet map with the offline Natural Earth basemap (or an optional tile server) and world copies.
import L from "leaflet";
import type { Topology } from "topojson-specification";
import land50Url from "world-atlas/land-50m.json?url";
import land110Url from "world-atlas/land-110m.json?url";
import { landPolygons, toGeoJson } from "./land";

export const TILE_URL_KEY = "sar.tileUrl";

/** Optional tile URL template set by the centre (e.g. an internal tile server); empty = offline. */
export function tileUrl(): string {
  return localStorage.getItem(TILE_URL_KEY)?.trim() ?? "";
}

const landCache = new Map<string, Promise<GeoJSON.FeatureCollection>>();
function loadLand(url: string): Promise<GeoJSON.FeatureCollection> {
  let p = landCache.get(url);
  if (!p) {
    p = fetch(url)
      .then((r) => {
        if (!r.ok) throw new Error(`basemap ${r.status}`);
        return r.json() as Promise<Topology>;
      })
      .then((topo) => toGeoJson(landPolygons(topo)));
    landCache.set(url, p);
  }
  return p;
}

export interface SarMap {
  map: L.Map;
  /** Resolves when the offline land layer has been drawn (or immediately with tiles). */
  ready: Promise<void>;
}

declare global {
  interface Window {
    /** Test hook: the map(s) on the page, for pixel checks at known coordinates. */
    __sarMaps?: L.Map[];
  }
}

/** Create a map in `el` with the offline land basemap; `dark` picks the night palette. */
export function createMap(el: HTMLElement, opts: { center?: [number, number]; zoom?: number; dark?: boolean } = {}): SarMap {
  const map = L.map(el, {
    center: opts.center ?? [35.5, 14.5],
    zoom: opts.zoom ?? 6,
    minZoom: 2,
    maxZoom: 16,
    worldCopyJump: true,
    zoomAnimation: false,
    fadeAnimation: false,
    markerZoomAnimation: false,
    preferCanvas: true,
    attributionControl: true,
  });
  map.attributionControl.setPrefix(false);
  el.classList.add(opts.dark ? "map-dark" : "map-light");
  L.control.scale({ imperial: false, metric: true, position: "bottomleft" }).addTo(map);
  (window.__sarMaps ??= []).push(map);
  map.on("unload", () => {
    window.__sarMaps = (window.__sarMaps ?? []).filter((m) => m !== map);
  });

  const url = tileUrl();
  if (url) {
    L.tileLayer(url, { maxZoom: 18, attribution: "Tiles: configured server" }).addTo(map);
    return { map, ready: Promise.resolve() };
  }

  map.attributionControl.addAttribution("Land: Natural Earth");
  const pane = map.createPane("land");
  pane.style.zIndex = "250";
  const renderer = L.canvas({ pane: "land", padding: 0.3 });
  const style: L.PolylineOptions = {
    renderer,
    stroke: true,
    weight: 0.6,
    color: opts.dark ? "#4a5563" : "#9a9070",
    fill: true,
    fillOpacity: 1,
    fillColor: opts.dark ? "#2b3440" : "#e8e2c8",
    interactive: false,
    smoothFactor: 1.2,
  };
  const ready = (async () => {
    // 1:110m paints quickly; 1:50m (Malta, small islands) replaces it once loaded.
    const coarse = L.geoJSON(await loadLand(land110Url), { style: () => style, interactive: false }).addTo(map);
    const fine = L.geoJSON(await loadLand(land50Url), { style: () => style, interactive: false });
    fine.addTo(map);
    coarse.remove();
    el.dataset.basemap = "ready";
  })().catch((e: unknown) => {
    el.dataset.basemap = "error";
    throw e;
  });
  return { map, ready };
}
