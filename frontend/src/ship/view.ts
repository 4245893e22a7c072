// Ship master view: alerts with alarm until acknowledged, detail with map, answers, resume by seq.
import L from "leaflet";
import { ackFrame, answerFrame, api, ENDED_ALERT_STATUSES, parseShipMessage, shipChannelCandidates, type AnswerKind, type Envelope, type ShipAlert } from "../shared/api";
import { Alarm } from "./audio";
import { circleRing, formatLatLon } from "../shared/geo";
import type { View } from "../shared/view";
import { createMap } from "../shared/map";
import { SeqTracker } from "../shared/seq";
import { replaceToken, type Session } from "../shared/session";
import { errorText, h, mount, newClientMsgId, notify, utc } from "../shared/ui";
import { LiveSocket } from "../shared/ws";
import { Outbox } from "./outbox";

export function shipView(body: HTMLElement, s: Session): View {
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
    // Cancelled and stood-down alerts are history: they never raise the alarm, not even after a re-login.
    return [...alerts.values()].filter((a) => !acked.has(ackKey(a)) && !ENDED_ALERT_STATUSES.has(a.status));
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
    (alarmEl.querySelector("#ack-alarm") as HTMLButtonElement | null)?.focus();
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
              h("span", { class: `badge ${a.status}` }, a.status.replace("_", " ")),
              h("strong", {}, ` ${alertTitle(a)}`),
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
      h("h2", {}, `${alertTitle(a)} `, h("span", { class: `badge ${a.status}` }, a.status.replace("_", " "))),
      a.status === "cancelled" ? h("div", { class: "banner ok" }, "This alert was cancelled by the RCC.") : null,
      a.status === "stood_down"
        ? h("div", { class: "banner ok", id: "stood-down" }, `Stood down by the RCC: ${a.standDownReason ?? "case ended"}. You may still report arrival on scene, people rescued or a message.`)
        : null,
      h("p", { class: "alert-message" }, a.message),
      h("dl", { class: "facts" },
        h("dt", {}, "Position"), h("dd", {}, a.lat != null && a.lon != null ? formatLatLon(a.lat, a.lon) : "not given"),
        h("dt", {}, "Uncertainty"), h("dd", {}, a.uncertaintyNm != null ? `${a.uncertaintyNm} nm` : "—"),
        h("dt", {}, "Persons"), h("dd", {}, `${a.personsOnBoard ?? "unknown"} on ${a.boatType ?? "unknown boat"}`),
        h("dt", {}, "Issued"), h("dd", {}, utc(a.issuedAt)),
        // The RCC responsible for the case (derived from the SAR regions), never the issuing operator.
        h("dt", {}, "Responsible RCC"), h("dd", { id: "alert-rcc" }, a.rcc ?? "not derived yet"),
      ),
      mapEl,
      a.status === "cancelled" ? null : answerForms(a, a.status === "stood_down"),
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
    if (socket?.send(frame)) {
      outbox.add(frame, a.alertId, kind, "sent");
      notify(`Sent: ${kind.replace("_", " ")}.`, "ok");
    } else {
      // Channel down: send over HTTPS (same body, idempotent by client_msg_id); queue if that fails too.
      outbox.add(frame, a.alertId, kind, "queued");
      const { alert_id: _omit, ...body } = frame.data;
      api
        .answerHttp(a.alertId, body, mmsi || undefined)
        .then(() => {
          outbox.confirm(String(frame.data.client_msg_id), true);
          notify(`Sent: ${kind.replace("_", " ")}.`, "ok");
          if (selected) select(selected);
        })
        .catch((e) => notify(`Offline: the answer is queued and will be sent on reconnect (${errorText(e)}).`, "info"));
    }
    select(String(a.alertId));
  }

  /** The answer rows; after a stand-down only reports of what happened (on scene, rescued, message). */
  function answerForms(a: ShipAlert, reportsOnly: boolean): HTMLElement {
    const eta = h("input", { type: "number", id: "eta-min", min: 0, max: 6000, placeholder: "minutes", required: true });
    const reason = h("select", { id: "decline-reason" },
      h("option", { value: "too_far" }, "Too far"), h("option", { value: "not_capable" }, "Not capable"),
      h("option", { value: "own_safety" }, "Own safety"), h("option", { value: "other" }, "Other"));
    const reasonText = h("input", { id: "decline-text", placeholder: "details (optional)" });
    const counts = ["adults", "minors", "unaccompanied_minors", "medical_cases", "deceased"].map(
      (c) => [c, h("input", { type: "number", min: 0, value: 0, id: `rescued-${c}`, size: 3 })] as const,
    );
    const posNote = h("input", { id: "pos-note", placeholder: "e.g. 3 medical cases, asylum requests" });
    const msg = h("input", { id: "rcc-message", placeholder: "message to the RCC" });
    return h("div", { class: "answers" },
      reportsOnly ? null : h("div", { class: "answer-row" }, h("label", { class: "inline" }, "ETA on scene in ", eta, " min"),
        h("button", { id: "accept", class: "ok", onclick: () => {
          const v = Number(eta.value);
          if (!eta.value || !(v >= 0)) return notify("Give your ETA in minutes to accept.", "error");
          answer(a, "accept", { eta: new Date(Date.now() + v * 60_000).toISOString() });
        } }, "Accept")),
      reportsOnly ? null : h("div", { class: "answer-row" }, reason, reasonText,
        h("button", { id: "decline", class: "secondary", onclick: () => answer(a, "decline", { reason: reason.value, note: reasonText.value || undefined }) }, "Decline")),
      h("div", { class: "answer-row" }, h("button", { id: "on-scene", onclick: () => answer(a, "on_scene", {}) }, "On scene")),
      h("div", { class: "answer-row" }, h("span", {}, "Rescued (counts only, no names):"),
        counts.map(([c, i]) => h("label", { class: "inline" }, `${c.replace(/_/g, " ")} `, i)),
        h("button", { id: "rescued", onclick: () => {
          const by = Object.fromEntries(counts.map(([c, i]) => [c, Math.max(0, Math.floor(Number(i.value) || 0))]));
          if (by.adults + by.minors + by.deceased <= 0) return notify("Enter how many people were rescued.", "error");
          answer(a, "rescued", { counts: by });
        } }, "Report rescued")),
      reportsOnly ? null : h("div", { class: "answer-row" }, posNote, h("button", { id: "request-pos", onclick: () => answer(a, "request_pos", { note: posNote.value || undefined }) }, "Request place of safety")),
      h("div", { class: "answer-row" }, msg, h("button", { id: "send-message", class: "ghost", onclick: () => msg.value && answer(a, "message", { text: msg.value }) }, "Send")),
    );
  }

  function updateSeq(): void {
    seqInfo.textContent = `seq ${tracker.lastSeq}`;
  }
  updateSeq();

  /** Process one delivery frame (from the socket or the HTTP fallback), in seq order, once. */
  function handle(env: Envelope, viaSocket: boolean): void {
    const m = parseShipMessage(env);
    if (m.kind === "error") {
      notify(`Ship channel: ${m.message}`, "error");
      return;
    }
    if (m.kind === "invalid") {
      // Not acknowledged: the watch officer learns that something arrived and could not be read.
      notify(`Unreadable message from the ship channel${typeof env.seq === "number" ? ` (seq ${env.seq})` : ""}: ${m.problems.slice(0, 2).join("; ")}. Ask the RCC to resend.`, "error");
      return;
    }
    if (m.kind === "answer_result") {
      outbox.confirm(m.clientMsgId, m.ok);
      if (!m.ok) notify(`Answer rejected: ${m.detail}`, "error");
      if (selected) select(selected);
      return;
    }
    if (m.kind !== "alert") return;
    const seq = env.seq;
    if (typeof seq === "number" && !tracker.isNew(seq)) {
      if (viaSocket) socket?.send(ackFrame(tracker.lastSeq));
      return;
    }
    const prev = alerts.get(String(m.alert.alertId));
    alerts.set(String(m.alert.alertId), prev && m.alert.status !== "active" ? { ...prev, ...nonNull(m.alert) } : m.alert);
    persist();
    if (typeof seq === "number") {
      tracker.commit(seq);
      if (viaSocket) socket?.send(ackFrame(seq));
      updateSeq();
    }
    renderList();
    renderAlarm();
    if (selected === String(m.alert.alertId) || !selected) select(String(m.alert.alertId));
  }

  let socket: LiveSocket | null = null;
  let socketOpen = false;
  let downSince = Date.now();
  let polling = false;
  const tokenKey = `${scope}.apiToken`;

  /** HTTPS fallback while the channel is down for more than 5 s: fetch deliveries above our seq. */
  async function poll(): Promise<void> {
    if (socketOpen || polling || Date.now() - downSince < 5000) return;
    polling = true;
    try {
      const frames = await api.shipDeliveries(tracker.lastSeq, mmsi || undefined);
      for (const f of frames) handle(f, false);
      for (const f of outbox.unconfirmed()) {
        const { alert_id: alertId, ...body } = f.data;
        await api.answerHttp(alertId as number, body, mmsi || undefined).then(() => outbox.confirm(String(f.data.client_msg_id), true));
      }
      status.textContent = "channel down: checking over HTTPS every 5 s";
    } catch (e) {
      status.textContent = `offline: ${errorText(e)}`;
    } finally {
      polling = false;
    }
  }
  const pollTimer = window.setInterval(() => void poll(), 5000);

  async function connect(): Promise<void> {
    let token = localStorage.getItem(tokenKey);
    if (!token) {
      try {
        const created = await api.createApiToken(`bridge dashboard ${mmsi || ""}`.trim(), 30);
        token = created.token;
        localStorage.setItem(tokenKey, token);
        localStorage.setItem(`${tokenKey}.id`, String(created.id));
      } catch (e) {
        status.textContent = `no channel token (${errorText(e)}): using HTTPS polling`;
        return;
      }
    }
    const t = token;
    // The bridge stays signed in on this token (not the 60-minute login JWT); sign-out revokes it.
    replaceToken(t);
    const candidates = shipChannelCandidates();
    let tries = 0;
    let chosen: string | null = null;
    let lastBase = candidates[0];
    socket = new LiveSocket({
      url: () => {
        // Until one candidate has opened, try the next one at each attempt; then keep it.
        lastBase = chosen ?? candidates[tries++ % candidates.length];
        return lastBase;
      },
      // The token travels in the first frame, never in the URL.
      auth: () => ({ token: t, resume_from: tracker.lastSeq, ...(mmsi ? { mmsi } : {}) }),
      onOpen: (ws) => {
        chosen ??= lastBase;
        for (const f of outbox.unconfirmed()) ws.send(JSON.stringify(f));
        outbox.markAllSent();
      },
      onState: (st, detail) => {
        socketOpen = st === "open";
        if (!socketOpen && downSince === 0) downSince = Date.now();
        if (socketOpen) downSince = 0;
        status.textContent = st === "open" ? "connected" : `${st}${detail ? `: ${detail}` : ""}`;
        status.className = `status ${st}`;
        if (st === "closed" && detail && /token|credential/i.test(detail)) localStorage.removeItem(tokenKey);
      },
      onMessage: (env) => handle(env, true),
    });
  }
  void connect();

  renderList();
  renderAlarm();
  const first = [...alerts.values()].sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0))[0];
  if (first) select(String(first.alertId));
  else mount(detailEl, h("p", { class: "muted" }, "Waiting for alerts."));

  return {
    destroy() {
      socket?.close();
      window.clearInterval(pollTimer);
      alarm.stop();
      detailMap?.remove();
    },
  };
}

/** Alerts are named by their case reference when the server sent one. */
function alertTitle(a: ShipAlert): string {
  return a.caseReference ? `${a.caseReference} (alert ${a.alertId})` : `Alert ${a.alertId}`;
}

function nonNull(a: ShipAlert): Partial<ShipAlert> {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== null && v !== "")) as Partial<ShipAlert>;
}
