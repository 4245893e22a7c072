// Tiny DOM helpers: element builder, notices, copy-to-clipboard, time formatting.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Create an element: h("button", {class: "x", onclick: fn}, "text", child...). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v as EventListener);
    else if (k === "value" && "value" in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Replace all children of `el`. */
export function mount(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
}

let noticeHost: HTMLElement | null = null;

/** Show a dismissible message at the top of the screen (errors stay until closed). */
export function notify(message: string, kind: "error" | "info" | "ok" = "info", timeoutMs?: number): void {
  if (!noticeHost) {
    noticeHost = h("div", { class: "notices", role: "status", "aria-live": "polite" });
    document.body.append(noticeHost);
  }
  const close = h("button", { class: "link", "aria-label": "Dismiss" }, "×");
  const n = h("div", { class: `notice ${kind}` }, h("span", {}, message), close);
  close.addEventListener("click", () => n.remove());
  noticeHost.append(n);
  const t = timeoutMs ?? (kind === "error" ? 0 : 4000);
  if (t > 0) setTimeout(() => n.remove(), t);
}

/** Turn any thrown value into a message for a person. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Copy text, with a fallback for non-secure contexts (plain http on a LAN). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h("textarea", { style: "position:fixed;left:-9999px" });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand("copy");
    ta.remove();
    return ok;
  }
}

/** "11:02:05Z" style UTC clock time, or the date as well when not today. */
export function utc(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = d.toISOString();
  const today = new Date().toISOString().slice(0, 10);
  return s.slice(0, 10) === today ? `${s.slice(11, 19)}Z` : `${s.slice(0, 10)} ${s.slice(11, 16)}Z`;
}

/** Age like "42 s", "7 min", "3 h". */
export function age(seconds: number | null | undefined): string {
  if (seconds == null) return "—";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function newClientMsgId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}
