// Ship answers waiting for the server: queued offline, resent on reconnect (idempotent by client_msg_id).

interface Frame {
  v: 1;
  type: "answer";
  data: Record<string, unknown>;
}

export interface OutboxItem {
  frame: Frame;
  alertId: string;
  kind: string;
  at: string;
  state: "queued" | "sent" | "confirmed" | "rejected";
}

const MAX_AGE_MS = 24 * 3600 * 1000;

export class Outbox {
  private items: OutboxItem[];

  constructor(
    private readonly store: Storage,
    private readonly key: string,
  ) {
    try {
      this.items = JSON.parse(store.getItem(key) ?? "[]") as OutboxItem[];
    } catch {
      this.items = [];
    }
    const cutoff = Date.now() - MAX_AGE_MS;
    this.items = this.items.filter((i) => Date.parse(i.at) > cutoff);
  }

  private save(): void {
    this.store.setItem(this.key, JSON.stringify(this.items.slice(-200)));
  }

  add(frame: Frame, alertId: number | string, kind: string, state: OutboxItem["state"]): void {
    this.items.push({ frame, alertId: String(alertId), kind, at: new Date().toISOString(), state });
    this.save();
  }

  /** Frames to (re)send after a reconnect: anything the server has not confirmed. */
  unconfirmed(): Frame[] {
    return this.items.filter((i) => i.state === "queued" || i.state === "sent").map((i) => i.frame);
  }

  markAllSent(): void {
    for (const i of this.items) if (i.state === "queued") i.state = "sent";
    this.save();
  }

  confirm(clientMsgId: string, ok: boolean): void {
    for (const i of this.items) if (i.frame.data.client_msg_id === clientMsgId) i.state = ok ? "confirmed" : "rejected";
    this.save();
  }

  forAlert(alertId: number | string): OutboxItem[] {
    return this.items.filter((i) => i.alertId === String(alertId));
  }
}
