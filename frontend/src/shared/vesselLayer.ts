// Canvas layer drawing tens of thousands of vessels (one canvas, batched paths, no DOM per ship).
import L from "leaflet";
import type { FleetVessel, Vessel } from "./api";
import { displayHeading, distressKind, isStale, vesselColour } from "./vesselStyle";

const MAX_LAT = 85.0511287798;
/** Canvas margin around the view, as a fraction of its size, drawn in advance for panning. */
const PAD = 0.25;

/** Web Mercator normalised to [0, 1] (x east, y south), as Leaflet's EPSG:3857 at scale 1. */
function mercator(lat: number, lon: number): [number, number] {
  const la = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * (Math.PI / 180);
  return [0.5 + lon / 360, 0.5 - Math.log(Math.tan(Math.PI / 4 + la / 2)) / (2 * Math.PI)];
}

interface Item {
  v: Vessel;
  nx: number;
  ny: number;
  colour: string;
  headingRad: number | null;
  distress: boolean;
  stale: boolean;
}

export class VesselLayer extends L.Layer {
  private canvas: HTMLCanvasElement | null = null;
  private items: Item[] = [];
  private byMmsi = new Map<number, Vessel>();
  private screenX = new Float32Array(0);
  private screenY = new Float32Array(0);
  private frame = 0;
  private highlighted = new Set<number>();
  private padX = 0;
  private padY = 0;
  lastDrawMs = 0;

  constructor(private readonly onPick?: (v: Vessel, at: L.LatLng) => void) {
    super();
  }

  /** Replace the whole fleet picture. */
  setVessels(vs: Vessel[]): void {
    this.byMmsi = new Map(vs.map((v) => [v.mmsi, v]));
    this.rebuild();
  }

  /** Apply position deltas (only what changed), keyed by MMSI. */
  upsert(vs: FleetVessel[]): void {
    // Deltas carry position and time but not name, class or the stale flag: a fresh report clears
    // it; a vessel first seen in a delta keeps null name and class until the next full load.
    for (const v of vs) {
      const known = this.byMmsi.get(v.mmsi);
      const base: Vessel = known ?? { ...v, name: null, vessel_class: "other", nav_status: null, transponder: null, report_age_s: 0, stale: false, suspect: false, position_flag: null, identity_unique: true };
      this.byMmsi.set(v.mmsi, { ...base, ...v, stale: v.stale ?? false });
    }
    this.rebuild();
  }

  get count(): number {
    return this.byMmsi.size;
  }

  vessel(mmsi: number): Vessel | undefined {
    return this.byMmsi.get(mmsi);
  }

  /** Ring these vessels (e.g. the selected case's candidates). */
  highlight(mmsis: Iterable<number>): void {
    this.highlighted = new Set(mmsis);
    this.schedule();
  }

  private rebuild(): void {
    const now = Date.now();
    const items: Item[] = [];
    for (const v of this.byMmsi.values()) {
      if (!Number.isFinite(v.lat) || !Number.isFinite(v.lon) || Math.abs(v.lat) > 90) continue;
      const [nx, ny] = mercator(v.lat, v.lon);
      const stale = isStale(v.reported_at, v.stale, now);
      const hd = displayHeading(v.heading_deg, v.cog_deg);
      items.push({
        v,
        nx,
        ny,
        stale,
        colour: vesselColour(v.mmsi, v.vessel_class, stale),
        headingRad: hd === null ? null : (hd * Math.PI) / 180,
        distress: distressKind(v.mmsi) !== null,
      });
    }
    // Stale first (underneath), distress last (on top).
    items.sort((a, b) => Number(b.stale) - Number(a.stale) || Number(a.distress) - Number(b.distress));
    this.items = items;
    this.schedule();
  }

  onAdd(map: L.Map): this {
    const pane = map.getPane("vessels") ?? map.createPane("vessels");
    pane.style.zIndex = "450";
    pane.style.pointerEvents = "none";
    this.canvas = L.DomUtil.create("canvas", "vessel-canvas", pane);
    // No redraw while panning: the canvas sits in a map pane and moves with it; the padding
    // around the view keeps the edges filled until the pan ends.
    map.on("zoomend resize viewreset moveend", this.schedule, this);
    map.on("click", this.pick, this);
    this.schedule();
    return this;
  }

  onRemove(map: L.Map): this {
    map.off("zoomend resize viewreset moveend", this.schedule, this);
    map.off("click", this.pick, this);
    this.canvas?.remove();
    this.canvas = null;
    return this;
  }

  private schedule(): void {
    if (this.frame || !this.canvas) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draw now (also used by tests and benchmarks). */
  draw(): void {
    const map = this._map;
    const canvas = this.canvas;
    if (!map || !canvas) return;
    const t0 = performance.now();
    const view = map.getSize();
    const padX = Math.round(view.x * PAD);
    const padY = Math.round(view.y * PAD);
    const size = L.point(view.x + 2 * padX, view.y + 2 * padY);
    const dpr = window.devicePixelRatio || 1;
    const topLeft = map.containerPointToLayerPoint([-padX, -padY]);
    L.DomUtil.setPosition(canvas, topLeft);
    this.padX = padX;
    this.padY = padY;
    if (canvas.width !== size.x * dpr || canvas.height !== size.y * dpr) {
      canvas.width = size.x * dpr;
      canvas.height = size.y * dpr;
      canvas.style.width = `${size.x}px`;
      canvas.style.height = `${size.y}px`;
    }
    const ctx = canvas.getContext("2d")!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);

    const zoom = map.getZoom();
    const scale = 256 * 2 ** zoom;
    const origin = map.getPixelOrigin().add(topLeft);
    const n = this.items.length;
    if (this.screenX.length < n) {
      this.screenX = new Float32Array(n);
      this.screenY = new Float32Array(n);
    }
    const r = zoom >= 9 ? 7 : zoom >= 7 ? 5 : zoom >= 5 ? 3 : 2;
    const wedges = zoom >= 6;
    const paths = new Map<string, Path2D>();
    const distress: [number, number][] = [];
    const rings: [number, number][] = [];
    const cx = size.x / 2;
    for (let i = 0; i < n; i++) {
      const it = this.items[i];
      let x = it.nx * scale - origin.x;
      x += scale * Math.round((cx - x) / scale); // nearest world copy to the view centre
      const y = it.ny * scale - origin.y;
      this.screenX[i] = x;
      this.screenY[i] = y;
      if (x < -10 || y < -10 || x > size.x + 10 || y > size.y + 10) continue;
      let p = paths.get(it.colour);
      if (!p) paths.set(it.colour, (p = new Path2D()));
      if (it.distress) distress.push([x, y]);
      if (this.highlighted.has(it.v.mmsi)) rings.push([x, y]);
      if (wedges && it.headingRad !== null && !it.stale) {
        const s = Math.sin(it.headingRad);
        const c = Math.cos(it.headingRad);
        // Bow at 1.6 r ahead, stern corners 0.8 r either side: a wedge pointing along heading.
        p.moveTo(x + s * 1.6 * r, y - c * 1.6 * r);
        p.lineTo(x - s * r + c * 0.8 * r, y + c * r + s * 0.8 * r);
        p.lineTo(x - s * r - c * 0.8 * r, y + c * r - s * 0.8 * r);
        p.closePath();
      } else if (r <= 3) {
        p.rect(x - r, y - r, 2 * r, 2 * r); // small dots: squares are far cheaper than arcs
      } else {
        p.moveTo(x + r, y);
        p.arc(x, y, r, 0, 2 * Math.PI);
      }
    }
    for (const [colour, p] of paths) {
      ctx.fillStyle = colour;
      ctx.globalAlpha = colour === "#9aa0a6" ? 0.6 : 0.95;
      ctx.fill(p);
    }
    ctx.globalAlpha = 1;
    ctx.lineWidth = 2;
    ctx.strokeStyle = "#ff1f1f";
    for (const [x, y] of distress) {
      ctx.beginPath();
      ctx.arc(x, y, r + 6, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.strokeStyle = "#ffd43b";
    ctx.lineWidth = 2.5;
    for (const [x, y] of rings) {
      ctx.beginPath();
      ctx.arc(x, y, r + 4, 0, 2 * Math.PI);
      ctx.stroke();
    }
    this.lastDrawMs = performance.now() - t0;
  }

  /** Nearest vessel within 10 px of a click (linear scan over drawn positions: ~1 ms at 20k). */
  private pick(e: L.LeafletMouseEvent): void {
    if (!this.onPick || !this._map) return;
    const cp = e.containerPoint;
    let best = -1;
    let bestD = 100;
    for (let i = 0; i < this.items.length; i++) {
      const dx = this.screenX[i] - this.padX - cp.x;
      const dy = this.screenY[i] - this.padY - cp.y;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    if (best >= 0) this.onPick(this.items[best].v, e.latlng);
  }
}
