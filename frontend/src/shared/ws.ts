// A websocket that reconnects by itself with backoff and reports its state (DOM WebSocket).
import type { Envelope } from "./api";
import { backoffMs } from "./seq";

export type SocketState = "connecting" | "open" | "reconnecting" | "closed";

export interface LiveSocketOptions {
  /** Builds the URL at each (re)connect (never with a token: URLs land in logs and history). */
  url: () => string;
  /** Data of the first frame, `{type: "auth", data: {token, ...}}`, built at each (re)connect. */
  auth?: () => Record<string, unknown>;
  onMessage: (env: Envelope) => void;
  onState?: (s: SocketState, detail?: string) => void;
  onOpen?: (ws: WebSocket) => void;
}

export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: number | undefined;
  private stopped = false;
  private lastError = "";
  private readonly onOnline = () => this.reconnectNow();

  constructor(private readonly opts: LiveSocketOptions) {
    window.addEventListener("online", this.onOnline);
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    this.opts.onState?.(this.attempt === 0 ? "connecting" : "reconnecting");
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url());
    } catch (e) {
      this.schedule(String(e));
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.opts.auth) ws.send(JSON.stringify({ v: 1, type: "auth", data: this.opts.auth() }));
      this.attempt = 0;
      this.opts.onState?.("open");
      this.opts.onOpen?.(ws);
    };
    ws.onmessage = (ev) => {
      let env: Envelope;
      try {
        env = JSON.parse(String(ev.data)) as Envelope;
      } catch {
        return;
      }
      if (env.type === "pong") return;
      if (env.type === "error") this.lastError = JSON.stringify(env.data ?? {});
      this.opts.onMessage(env);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      const why = `${ev.reason} ${this.lastError}`;
      this.lastError = "";
      if (ev.code === 1008 && /auth|token|forbidden|credential|not bound|only ship|for rcc/i.test(why)) {
        this.stopped = true;
        this.opts.onState?.("closed", `Rejected by server: ${ev.reason || why.trim() || "policy violation"}`);
        return;
      }
      this.schedule(ev.reason || `code ${ev.code}`);
    };
  }

  private schedule(why: string): void {
    if (this.stopped) return;
    const delay = backoffMs(this.attempt++);
    this.opts.onState?.("reconnecting", `${why}; retrying in ${(delay / 1000).toFixed(1)} s`);
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.connect(), delay);
  }

  /** Drop the current connection (if any) and connect again at once. */
  reconnectNow(): void {
    if (this.stopped) return;
    window.clearTimeout(this.timer);
    const old = this.ws;
    this.ws = null;
    old?.close();
    this.attempt = 0;
    this.connect();
  }

  send(obj: unknown): boolean {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(obj));
      return true;
    }
    return false;
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    window.removeEventListener("online", this.onOnline);
    this.ws?.close();
    this.ws = null;
    this.opts.onState?.("closed");
  }
}
