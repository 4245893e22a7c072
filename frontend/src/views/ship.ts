// Ship master view: alerts with alarm until acknowledged, detail with map, answers, resume by seq.
import L from "leaflet";
import { answerFrame, parseShipMessage, wsUrl, type AnswerKind, type ShipAlert } from "../api";
import { Alarm } from "../audio";
import { circleRing, formatLatLon } from "../geo";
import type { View } from "../main";
import { createMap } from "../map";
import { SeqTracker } from "../seq";
import type { Session } from "../session";
import { h, mount, newClientMsgId, notify, utc } from "../ui";
import { LiveSocket } from "../ws";
import { Outbox } from "./outbox";

export function shipView(body: HTMLElement, s: Session): View {
  if (!localStorage.getItem("sar.theme")) {
    document.documentElement.dataset.theme = "dark";
  }
  const mmsis = s.user.vessel_mmsis ?? [];
  const key = `sar.ship.${s.user.username}`;
  let mmsi = Number(localStorage.getItem(`${key}.mmsi`)) || mmsis[0] || 0;
  if (mmsis.length && !mmsis.includes(mmsi)) mmsi = mmsis[0];
  const scope = `${key}.${mmsi}`;
  const tracker = new SeqTracker(localStorage, `${scope}.seq`);
  const acked = new Set<string>(JSON.parse(localStorage.getItem(`${scope}.acked`) ?? "[]") as string[]);
  const alerts = new Map<string, ShipAlert>(
    (JSON.parse(localStorage.getItem(`${scope}.alerts`) ?? "[]") as ShipAlert[]).map((a) => [String(a.alertId), a]),
  );
  const outbox = new Outbox(localStorage, `${scope}.outbox`);
  const alarm = new Alarm();
  let selected: string | null = null;

  const status = h("span", { class: "status", id: "ws-status" }, "connecting…");
  const seqInfo = h("span", { class: "muted", id: "seq-info" });
  const vesselPick =
    mmsis.length > 1
      ? h("select", { id: "vessel-pick", onchange: (e: Event) => (localStorage.setItem(`${key}.mmsi`, (e.target as HTMLSelectElement).value), location.reload()) },
          mmsis.map((m) => h("option", { value: m, selected: m === mmsi }, `MMSI ${m}`)))
      : h("span", {}, mmsi ? `MMSI ${mmsi}` : "no vessel bound to this account");
  const soundBtn = h("button", { class: "ghost small", id: "enable-sound", onclick: () => void alarm.unlock().then(updateSoundBtn) }, "Enable alarm sound");
  const alarmEl = h("div", { class: "alarm hidden", id: "alarm", role: "alertdialog", "aria-live": "assertive" });
  const listEl = h("ul", { class: "alert-list", id: "alert-list" });
  const detailEl = h("section", { class: "alert-detail", id: "alert-detail" });
  mount(
    body,
    alarmEl,
    h("div", { class: "shipbar" }, h("strong", {}, "Bridge"), " ", vesselPick, " ", status, " ", seqInfo, h("span", { class: "spacer" }), soundBtn),
    h("div", { class: "split ship" }, h("aside", { class: "sidebar left" }, h("h2", {}, "Alerts"), listEl), detailEl),
  );

  function updateSoundBtn(): void {
    soundBtn.classList.toggle("hidden", alarm.ready);
  }
  updateSoundBtn();

  function persist(): void {
    const list = [...alerts.values()].sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0)).slice(0, 200);
    localStorage.setItem(`${scope}.alerts`, JSON.stringify(list));
    localStorage.setItem(`${scope}.acked`, JSON.stringify([...acked].slice(-500)));
  }

  function unacked(): ShipAlert[] {
    return [...alerts.values()].filter((a) => !acked.has(ackKey(a)) && a.status !== "cancelled");
  }
  const ackKey = (a: ShipAlert) => `${a.alertId}:${a.seq ?? 0}`;

  function renderAlarm(): void {
    const pending = unacked();
    if (pending.length === 0) {
      alarmEl.classList.add("hidden");
      alarm.stop();
      return;
    }
    const a = pending[0];
    mount(
      alarmEl,
      h("div", { class: "alarm-inner" },
        h("div", { class: "alarm-title" }, a.status === "updated" ? "ALERT UPDATED" : "DISTRESS ALERT"),
        h("div", { class: "alarm-text" }, a.message || "Vessel in distress."),
        h("div", {}, a.lat != null && a.lon != null ? formatLatLon(a.lat, a.lon) : ""),
        h("button", { class: "big", id: "ack-alarm", onclick: () => acknowledge(a) }, pending.length > 1 ? `Acknowledge (${pending.length})` : "Acknowledge"),
      ),
    );
    alarmEl.classList.remove("hidden");
    alarm.start();
  }

  function acknowledge(a: ShipAlert): void {
    acked.add(ackKey(a));
    persist();
    select(String(a.alertId));
    renderAlarm();
  }

  function renderList(): void {
    const list = [...alerts.values()].sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
    mount(
      listEl,
      list.length === 0
        ? h("li", { class: "muted" }, "No alerts. This screen sounds an alarm when one arrives.")
        : list.map((a) =>
            h("li", { class: `alert-item ${String(a.alertId) === selected ? "selected" : ""} ${a.status}`, "data-alert-id": String(a.alertId), onclick: () => select(String(a.alertId)) },
              h("span", { class: `badge ${a.status}` }, a.status),
              h("strong", {}, ` Alert ${a.alertId}`),
              h("div", { class: "muted" }, `${utc(a.issuedAt)} · ${a.personsOnBoard ?? "?"} persons`),
            ),
          ),
    );
  }

  let detailMap: L.Map | null = null;
  function select(id: string): void {
    selected = id;
    renderList();
    const a = alerts.get(id);
    detailMap?.remove();
    detailMap = null;
    if (!a) {
      mount(detailEl, h("p", { class: "muted" }, "Select an alert."));
      return;
    }
    const mapEl = h("div", { class: "map small", id: "alert-map" });
    mount(
      detailEl,
      h("h2", {}, `Alert ${a.alertId} `, h("span", { class: `badge ${a.status}` }, a.status)),
      a.status === "cancelled" ? h("div", { class: "banner ok" }, "This alert was cancelled by the RCC.") : null,
      h("p", { class: "alert-message" }, a.message),
      h("dl", { class: "facts" },
        h("dt", {}, "Position"), h("dd", {}, a.lat != null && a.lon != null ? formatLatLon(a.lat, a.lon) : "not given"),
        h("dt", {}, "Uncertainty"), h("dd", {}, a.uncertaintyNm != null ? `${a.uncertaintyNm} nm` : "—"),
        h("dt", {}, "Persons"), h("dd", {}, `${a.personsOnBoard ?? "unknown"} on ${a.boatType ?? "unknown boat"}`),
        h("dt", {}, "Issued"), h("dd", {}, `${utc(a.issuedAt)}${a.rcc ? ` by ${a.rcc}` : ""}`),
      ),
      mapEl,
      a.status === "cancelled" ? null : answerForms(a),
      h("h3", {}, "Sent answers"),
      h("ul", { class: "sent", id: "sent-answers" }, outbox.forAlert(a.alertId).map((m) => h("li", {}, `${utc(m.at)} ${m.kind} · ${m.state}`))),
    );
    if (a.lat != null && a.lon != null) {
      const { map } = createMap(mapEl, { center: [a.lat, a.lon], zoom: 8, dark: document.documentElement.dataset.theme === "dark" });
      detailMap = map;
      L.circleMarker([a.lat, a.lon], { radius: 8, color: "#fff", weight: 2, fillColor: "#e03131", fillOpacity: 1 }).addTo(map);
      if (a.uncertaintyNm) L.polygon(circleRing(a.lat, a.lon, a.uncertaintyNm), { color: "#e03131", weight: 1, fillOpacity: 0.1 }).addTo(map);
    }
  }

  function answer(a: ShipAlert, kind: AnswerKind, extra: Record<string, unknown>): void {
    const frame = answerFrame(a.alertId, kind, extra, newClientMsgId());
    const sent = socket.send(frame);
    outbox.add(frame, a.alertId, kind, sent ? "sent" : "queued");
    notify(sent ? `Sent: ${kind.replace("_", " ")}.` : "Offline: the answer is queued and will be sent on reconnect.", sent ? "ok" : "info");
    select(String(a.alertId));
  }

  function answerForms(a: ShipAlert): HTMLElement {
    const eta = h("input", { type: "number", id: "eta-min", min: 0, max: 6000, placeholder: "minutes", required: true });
    const reason = h("select", { id: "decline-reason" },
      h("option", { value: "too_far" }, "Too far"), h("option", { value: "not_capable" }, "Not capable"),
      h("option", { value: "own_safety" }, "Own safety"), h("option", { value: "other" }, "Other"));
    const reasonText = h("input", { id: "decline-text", placeholder: "details (optional)" });
    const counts = ["men", "women", "minors", "medical"].map((c) => [c, h("input", { type: "number", min: 0, value: 0, id: `rescued-${c}`, size: 3 })] as const);
    const posNote = h("input", { id: "pos-note", placeholder: "e.g. 3 medical cases, asylum requests" });
    const msg = h("input", { id: "rcc-message", placeholder: "message to the RCC" });
    return h("div", { class: "answers" },
      h("div", { class: "answer-row" }, h("label", {}, "ETA ", eta, " min"),
        h("button", { id: "accept", class: "ok", onclick: () => {
          const v = Number(eta.value);
          if (!eta.value || !(v >= 0)) return notify("Give your ETA in minutes to accept.", "error");
          answer(a, "accept", { eta_min: v });
        } }, "Accept")),
      h("div", { class: "answer-row" }, reason, reasonText,
        h("button", { id: "decline", class: "secondary", onclick: () => answer(a, "decline", { reason: reason.value, reason_text: reasonText.value || undefined }) }, "Decline")),
      h("div", { class: "answer-row" }, h("button", { id: "on-scene", onclick: () => answer(a, "on_scene", {}) }, "On scene")),
      h("div", { class: "answer-row" }, h("span", {}, "Rescued (counts only, no names):"),
        counts.map(([c, i]) => h("label", { class: "inline" }, `${c} `, i)),
        h("button", { id: "rescued", onclick: () => {
          const by = Object.fromEntries(counts.map(([c, i]) => [c, Math.max(0, Number(i.value) || 0)]));
          const total = Object.values(by).reduce((x, y) => x + y, 0) - by.medical;
          if (total <= 0) return notify("Enter how many people were rescued.", "error");
          answer(a, "rescued", { counts: by, total });
        } }, "Report rescued")),
      h("div", { class: "answer-row" }, posNote, h("button", { id: "request-pos", onclick: () => answer(a, "request_pos", { note: posNote.value || undefined }) }, "Request place of safety")),
      h("div", { class: "answer-row" }, msg, h("button", { id: "send-message", class: "ghost", onclick: () => msg.value && answer(a, "message", { text: msg.value }) }, "Send")),
    );
  }

  function updateSeq(): void {
    seqInfo.textContent = `seq ${tracker.lastSeq}`;
  }
  updateSeq();

  const socket = new LiveSocket({
    url: () => wsUrl("/ws/ship", { token: s.token, resume_from: tracker.lastSeq, ...(mmsi ? { mmsi } : {}) }),
    onOpen: (ws) => {
      for (const f of outbox.unconfirmed()) ws.send(JSON.stringify(f));
      outbox.markAllSent();
    },
    onState: (st, detail) => {
      status.textContent = st === "open" ? "connected" : `${st}${detail ? `: ${detail}` : ""}`;
      status.className = `status ${st}`;
    },
    onMessage: (env) => {
      const m = parseShipMessage(env);
      if (m.kind === "error") return notify(`Ship channel: ${m.message}`, "error");
      if (m.kind === "answer_result") {
        outbox.confirm(m.clientMsgId, m.ok);
        if (!m.ok) notify(`Answer rejected: ${m.detail}`, "error");
        if (selected) select(selected);
        return;
      }
      if (m.kind !== "alert") return;
      const seq = env.seq;
      if (typeof seq === "number") {
        if (!tracker.isNew(seq)) {
          socket.send({ type: "ack", seq: tracker.lastSeq });
          return;
        }
      }
      const prev = alerts.get(String(m.alert.alertId));
      alerts.set(String(m.alert.alertId), prev && m.alert.status !== "active" ? { ...prev, ...nonNull(m.alert) } : m.alert);
      if (typeof seq === "number") {
        persist();
        tracker.commit(seq);
        socket.send({ type: "ack", seq });
        updateSeq();
      } else persist();
      renderList();
      renderAlarm();
      if (selected === String(m.alert.alertId)) select(selected);
    },
  });

  renderList();
  renderAlarm();
  const first = [...alerts.values()].sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0))[0];
  if (first) select(String(first.alertId));
  else mount(detailEl, h("p", { class: "muted" }, "Waiting for alerts."));

  return {
    destroy() {
      socket.close();
      alarm.stop();
      detailMap?.remove();
    },
  };
}

function nonNull(a: ShipAlert): Partial<ShipAlert> {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== null && v !== "")) as Partial<ShipAlert>;
}
