// RCC watch officer view: live fleet map, cases, escalation banners, and the selected case panel.
import L from "leaflet";
import { api, parseRccEvent, wsUrl, type Case, type Vessel } from "../shared/api";
import { circleRing, formatLatLon, unwrapLon, viewToQueryBoxes } from "../shared/geo";
import type { View } from "../shared/view";
import { createMap } from "../shared/map";
import type { Session } from "../shared/session";
import { errorText, h, mount, notify, utc } from "../shared/ui";
import { distressKind } from "../shared/vesselStyle";
import { LiveSocket } from "../shared/ws";
import { VesselLayer } from "../shared/vesselLayer";
import { CasePanel } from "./casePanel";
import { DisembarkPanel } from "./disembark";
import { partnerReportForm } from "./partner";
import { syntheticFleet } from "../shared/synthetic";

export function rccView(body: HTMLElement, s: Session): View {
  const mapEl = h("div", { class: "map", id: "rcc-map" });
  const banners = h("div", { class: "banners", id: "banners" });
  const caseList = h("ul", { class: "case-list", id: "case-list" });
  const panelEl = h("section", { class: "case-panel", id: "case-panel" });
  const status = h("span", { class: "status", id: "ws-status" }, "connecting…");
  const fleetInfo = h("span", { class: "muted", id: "fleet-info" }, "");
  const newCaseBtn = h("button", { id: "new-case" }, "New case");
  const partnerBtn = h("button", { id: "partner-report", class: "secondary", title: "A boat reported by a hotline, NGO, aircraft or ship" }, "Partner report");
  const disembarkEl = h("section", { id: "disembark-section" });
  const side = h(
    "aside",
    { class: "sidebar" },
    h("div", { class: "row between" }, h("h2", {}, "Cases"), h("span", { class: "row" }, partnerBtn, newCaseBtn)),
    caseList,
    panelEl,
    disembarkEl,
  );
  mount(
    body,
    banners,
    h("div", { class: "split" }, h("div", { class: "map-wrap" }, mapEl, h("div", { class: "map-status" }, status, " ", fleetInfo)), side),
  );

  const { map } = createMap(mapEl, { center: [35.5, 14.5], zoom: 6, dark: document.documentElement.dataset.theme === "dark" });
  const vessels = new VesselLayer((v, at) => vesselPopup(v, at)).addTo(map);
  window.__sarVesselLayer = vessels;
  const caseLayer = L.layerGroup().addTo(map);
  const cases = new Map<string, Case>();
  let selectedId: string | null = null;
  let picking: ((lat: number, lon: number) => void) | null = null;
  const escalations = new Map<string, string>();

  const panel = new CasePanel(panelEl, {
    onCandidates: () => drawCases(),
    onRadiusPreview: () => drawCases(),
    onPickDatum: (cb) => pickDatum(cb),
    onCaseCreated: (c) => {
      cases.set(String(c.id), c);
      select(String(c.id));
    },
    onCaseUpdated: (c) => {
      cases.set(String(c.id), c);
      if (String(c.id) === selectedId) disembark.show(c);
      renderCaseList();
      drawCases();
    },
  });

  const disembark = new DisembarkPanel(disembarkEl, (c) => {
    cases.set(String(c.id), c);
    renderCaseList();
    drawCases();
    if (String(c.id) === selectedId) void panel.show(c);
  });
  function pickDatum(cb: (lat: number, lon: number) => void): void {
    picking = cb;
    mapEl.classList.add("picking");
    notify("Click the map to set the datum.", "info");
  }

  /** Why a vessel's report is doubtful, in words the watch officer acts on (never hidden). */
  function doubts(v: Vessel): string[] {
    const out: string[] = [];
    if (v.position_flag === "implausible_jump") out.push("⚠ position jump impossible by its own timestamps: left out of matching");
    if (v.position_flag === "unverified_jump") out.push("⚠ position jump its timestamps cannot judge: last plausible position shown, still matched");
    if (v.identity_unique === false) out.push("⚠ identity not unique: non-standard MMSI, several transmitters may share it");
    return out;
  }

  function vesselPopup(v: Vessel, at: L.LatLng): void {
    const dk = distressKind(v.mmsi);
    L.popup()
      .setLatLng([v.lat, unwrapLon(v.lon, at.lng)])
      .setContent(
        h(
          "div",
          { class: "vessel-pop" },
          h("strong", {}, dk ? `${dk} ${v.mmsi}` : v.name || `MMSI ${v.mmsi}`),
          h("div", {}, `MMSI ${v.mmsi} · ${v.vessel_class ?? "other"}${v.stale ? " · stale" : ""}`),
          h("div", {}, formatLatLon(v.lat, v.lon)),
          h("div", {}, `SOG ${v.sog_kn ?? "—"} kn · COG ${v.cog_deg ?? "—"}° · HDG ${v.heading_deg ?? "—"}°`),
          h("div", {}, `reported ${utc(v.reported_at)}`),
          ...doubts(v).map((d) => h("div", { class: "vessel-doubt", role: "note" }, d)),
        ),
      )
      .openOn(map);
  }

  map.on("click", (e: L.LeafletMouseEvent) => {
    if (!picking) return;
    const cb = picking;
    picking = null;
    mapEl.classList.remove("picking");
    map.closePopup();
    cb(e.latlng.lat, ((e.latlng.lng + 540) % 360) - 180);
  });

  // ---- fleet picture ----
  let fetchTimer: number | undefined;
  let fetchGen = 0;
  async function loadFleet(): Promise<void> {
    const gen = ++fetchGen;
    const b = map.getBounds();
    const boxes = viewToQueryBoxes(b.getWest(), b.getSouth(), b.getEast(), b.getNorth());
    try {
      const parts = await Promise.all(
        boxes.map(([min_lon, min_lat, max_lon, max_lat]) => api.vesselsLatest({ min_lon, min_lat, max_lon, max_lat })),
      );
      if (gen !== fetchGen) return;
      vessels.setVessels([...synthetic, ...parts.flat()]);
      fleetInfo.textContent = `${vessels.count.toLocaleString()} vessels`;
    } catch (e) {
      fleetInfo.textContent = `vessels unavailable: ${errorText(e)}`;
    }
    sendBbox();
  }
  const scheduleFleet = () => {
    window.clearTimeout(fetchTimer);
    fetchTimer = window.setTimeout(() => void loadFleet(), 300);
  };
  map.on("moveend", scheduleFleet);
  map.on("moveend", () => drawCases());
  const refresh = window.setInterval(() => void loadFleet(), 60_000);

  // Synthetic vessels for load checks: #/rcc?demo_vessels=20000
  const demo = Number(new URLSearchParams(location.hash.split("?")[1] ?? "").get("demo_vessels") ?? 0);
  const synthetic: Vessel[] = demo > 0 ? syntheticFleet(Math.min(demo, 100_000)) : [];

  // ---- cases ----
  let casesTimer: number | undefined;
  const scheduleCases = () => {
    window.clearTimeout(casesTimer);
    casesTimer = window.setTimeout(() => void loadCases(), 500);
  };
  async function loadCases(): Promise<void> {
    try {
      const list = await api.listCases();
      cases.clear();
      for (const c of list) cases.set(String(c.id), c);
      renderCaseList();
      drawCases();
      if (selectedId && !cases.has(selectedId)) select(null);
    } catch (e) {
      mount(caseList, h("li", { class: "error" }, `Cases unavailable: ${errorText(e)}`));
    }
  }

  function renderCaseList(): void {
    const list = [...cases.values()].sort((a, b) => String(b.created_at ?? b.id).localeCompare(String(a.created_at ?? a.id)));
    if (list.length === 0) {
      mount(caseList, h("li", { class: "muted" }, "No cases."));
      return;
    }
    mount(
      caseList,
      list.map((c) =>
        h(
          "li",
          {
            class: `case-item ${String(c.id) === selectedId ? "selected" : ""} status-${c.status}`,
            "data-case-id": String(c.id),
            onclick: () => select(String(c.id)),
          },
          h("span", { class: `badge status-${c.status}` }, c.status),
          h("strong", {}, ` ${c.reference}`),
          h("span", { class: "muted" }, ` · ${c.persons_on_board ?? "?"} POB · ${formatLatLon(c.lat, c.lon)}`),
          escalations.has(String(c.id)) ? h("span", { class: "badge warn" }, "escalated") : null,
        ),
      ),
    );
  }

  function select(id: string | null): void {
    selectedId = id;
    renderCaseList();
    const c = id ? cases.get(id) : undefined;
    if (c) {
      map.setView([c.lat, unwrapLon(c.lon, map.getCenter().lng)], Math.max(map.getZoom(), 7));
      void panel.show(c);
      disembark.show(c);
    } else {
      panel.clear();
      disembark.clear();
    }
    drawCases();
  }

  function drawCases(): void {
    caseLayer.clearLayers();
    const ref = map.getCenter().lng;
    for (const c of cases.values()) {
      if (!Number.isFinite(c.lat) || !Number.isFinite(c.lon)) continue;
      const sel = String(c.id) === selectedId;
      const lon = unwrapLon(c.lon, ref);
      const closed = /closed|cancel|false_alarm|disembarked/.test(c.status);
      const colour = closed ? "#868e96" : "#e03131";
      if (c.datum_uncertainty_nm) {
        L.polygon(
          circleRing(c.lat, lon, c.datum_uncertainty_nm).map(([la, lo]) => [la, lo] as [number, number]),
          { color: colour, weight: sel ? 2 : 1, fillOpacity: 0.08, interactive: false },
        ).addTo(caseLayer);
      }
      const pred = c.predicted_datum;
      if (pred && Number.isFinite(pred.lat)) {
        const plon = unwrapLon(pred.lon, lon);
        L.polyline([[c.lat, lon], [pred.lat, plon]], { color: colour, dashArray: "6 6", weight: 2, interactive: false }).addTo(caseLayer);
        L.circleMarker([pred.lat, plon], { radius: 5, color: colour, fillOpacity: 0.3, weight: 2 })
          .bindTooltip(h("span", {}, `Predicted datum ${formatLatLon(pred.lat, pred.lon)} at ${utc(pred.at)}`))
          .addTo(caseLayer);
      }
      L.circleMarker([c.lat, lon], { radius: sel ? 9 : 7, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 1 })
        .bindTooltip(h("span", {}, `${c.reference} · ${c.status}`))
        .on("click", () => select(String(c.id)))
        .addTo(caseLayer);
      if (sel) {
        for (const cand of panel.candidates) {
          L.polyline([[c.lat, lon], [cand.lat, unwrapLon(cand.lon, lon)]], {
            color: panel.isChosen(cand.mmsi) ? "#f59f00" : "#ffd43b",
            weight: panel.isChosen(cand.mmsi) ? 3 : 1.5,
            opacity: 0.9,
            interactive: false,
          }).addTo(caseLayer);
        }
        const r = panel.areaRadiusNm;
        if (r) {
          L.polygon(circleRing(c.lat, lon, r), { color: "#f59f00", weight: 1, dashArray: "3 6", fill: false, interactive: false }).addTo(caseLayer);
        }
      }
    }
    vessels.highlight(selectedId ? panel.candidates.map((x) => x.mmsi) : []);
  }

  // ---- escalation banners ----
  function renderBanners(): void {
    mount(
      banners,
      [...escalations].map(([id, msg]) =>
        h(
          "div",
          { class: "banner warn", "data-case-id": id },
          h("strong", {}, `Case ${cases.get(id)?.reference ?? id}: `),
          msg,
          " ",
          h("button", { class: "small", onclick: () => select(id) }, "Open"),
          h("button", { class: "small ghost", onclick: () => (escalations.delete(id), renderBanners(), renderCaseList()) }, "Dismiss"),
        ),
      ),
    );
  }

  // ---- live channel ----
  let bbox = "";
  function sendBbox(): void {
    // One box; min_lon > max_lon means it crosses 180 degrees (the server's convention).
    const b = map.getBounds();
    const boxes = viewToQueryBoxes(b.getWest(), b.getSouth(), b.getEast(), b.getNorth());
    const box = boxes.length > 1 ? [boxes[0][0], boxes[0][1], boxes[1][2], boxes[0][3]] : boxes[0];
    const key = JSON.stringify(box);
    if (key === bbox) return;
    if (socket.send({ v: 1, type: "subscribe", data: { bbox: box } })) bbox = key;
  }
  const socket = new LiveSocket({
    url: () => wsUrl("/ws/rcc"),
    auth: () => ({ token: s.token }),
    onOpen: () => {
      bbox = "";
      sendBbox();
      void loadCases();
    },
    onState: (st, detail) => {
      status.textContent = st === "open" ? "live" : `${st}${detail ? `: ${detail}` : ""}`;
      status.className = `status ${st}`;
    },
    onMessage: (env) => {
      const ev = parseRccEvent(env);
      switch (ev.kind) {
        case "positions":
          vessels.upsert(ev.vessels);
          fleetInfo.textContent = `${vessels.count.toLocaleString()} vessels`;
          return;
        case "error":
          notify(`Live channel: ${ev.message}`, "error");
          return;
        case "escalation":
          if (ev.caseId != null) {
            escalations.set(String(ev.caseId), ev.message + (ev.proposedRadiusNm ? ` Proposed radius ${ev.proposedRadiusNm} nm.` : ""));
            renderBanners();
            renderCaseList();
          }
          break;
        case "answer":
          if (ev.caseId != null && String(ev.caseId) === selectedId) panel.liveAnswer(ev);
          else notify(`Answer on case ${ev.caseId}: ${ev.answer} from ${ev.mmsi ?? "a vessel"}`, "info");
          break;
        case "case":
          if (ev.caseId != null && !cases.has(String(ev.caseId))) notify(`New case ${ev.caseId}`, "info");
          scheduleCases();
          break;
        case "alert":
          scheduleCases();
          break;
        default:
          break;
      }
      if ("caseId" in ev && ev.caseId != null && String(ev.caseId) === selectedId) panel.refreshSoon();
    },
  });

  newCaseBtn.addEventListener("click", () => {
    select(null);
    panel.newCaseForm(map.getCenter().lat, ((map.getCenter().lng + 540) % 360) - 180);
  });

  partnerBtn.addEventListener("click", () => {
    select(null);
    const centre = map.getCenter();
    partnerReportForm(panelEl, centre.lat, ((centre.lng + 540) % 360) - 180, {
      onPickDatum: pickDatum,
      onCaseCreated: (c) => {
        cases.set(String(c.id), c);
        select(String(c.id));
      },
    }, () => panel.clear());
  });

  void loadCases();
  void loadFleet();
  return {
    destroy() {
      socket.close();
      window.clearInterval(refresh);
      window.clearTimeout(fetchTimer);
      window.clearTimeout(casesTimer);
      panel.destroy();
      map.remove();
    },
  };
}
