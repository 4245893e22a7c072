// App shell: login, role-based navigation and hash routing between the three views.
import "leaflet/dist/leaflet.css";
import "./shared/styles.css";
import { api, ApiError, setUnauthorizedHandler, SHIP_WS_KEY } from "./shared/api";
import { TILE_URL_KEY, tileUrl } from "./shared/map";
import { clearSession, loadSession, saveSession, session, viewsFor, type ViewName } from "./shared/session";
import { errorText, h, mount, notify } from "./shared/ui";
import type { View } from "./shared/view";

const TITLES: Record<ViewName, string> = { rcc: "RCC", ship: "Ship", auditor: "Audit" };
let current: View | null = null;
let loginMessage = "";

function root(): HTMLElement {
  return document.getElementById("app")!;
}

function route(): { name: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, "");
  const [name, q] = raw.split("?");
  return { name: name || "", params: new URLSearchParams(q ?? "") };
}

function go(name: string): void {
  if (location.hash !== `#/${name}`) location.hash = `#/${name}`;
  else void render();
}

/** Revoke and forget the ship channel tokens this browser created (a shared bridge PC keeps none). */
async function dropChannelTokens(): Promise<void> {
  const keys = Object.keys(localStorage).filter((k) => /^sar\.ship\..*\.apiToken$/.test(k));
  for (const k of keys) {
    const id = Number(localStorage.getItem(`${k}.id`));
    if (id && session()) await api.revokeApiToken(id).catch(() => undefined);
    localStorage.removeItem(k);
    localStorage.removeItem(`${k}.id`);
  }
}

function logout(message = ""): void {
  loginMessage = message;
  const finish = () => {
    clearSession();
    go("login");
  };
  if (message) finish();
  else void dropChannelTokens().finally(finish);
}

function header(active: ViewName | null): HTMLElement {
  const s = session()!;
  const views = viewsFor(s.user.role);
  const dark = document.documentElement.dataset.theme === "dark";
  return h(
    "header",
    { class: "topbar" },
    h("span", { class: "brand" }, "sar-coord"),
    h(
      "nav",
      {},
      views.map((v) =>
        h("a", { href: `#/${v}`, class: v === active ? "active" : "", "data-view": v }, TITLES[v]),
      ),
    ),
    h("span", { class: "spacer" }),
    h("span", { class: "who" }, `${s.user.username} · ${s.user.role.replace("_", " ")}`),
    h(
      "button",
      {
        class: "ghost",
        title: "Switch day/night palette",
        onclick: () => {
          setTheme(dark ? "light" : "dark");
          void render();
        },
      },
      dark ? "Day" : "Night",
    ),
    h("button", { class: "ghost", onclick: settingsDialog }, "Settings"),
    h("button", { class: "ghost", "data-action": "logout", onclick: () => logout() }, "Sign out"),
  );
}

function setTheme(t: "light" | "dark", persist = true): void {
  document.documentElement.dataset.theme = t;
  if (persist) localStorage.setItem("sar.theme", t);
}

function settingsDialog(): void {
  const input = h("input", { type: "url", placeholder: "https://tiles.example.internal/{z}/{x}/{y}.png", size: 50 });
  input.value = tileUrl();
  const shipWs = h("input", { type: "url", placeholder: "wss://rcc.example.org/ws/ship (default: port 8765 of this host)", size: 50 });
  shipWs.value = localStorage.getItem(SHIP_WS_KEY) ?? "";
  const dlg = h(
    "dialog",
    { class: "dialog" },
    h("h3", {}, "Settings"),
    h(
      "label",
      {},
      "Tile server URL template (leave empty for the offline Natural Earth basemap)",
      h("br"),
      input,
    ),
    h("label", {}, "Ship channel URL (when a proxy serves /ws/ship elsewhere)", h("br"), shipWs),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          onclick: () => {
            const v = input.value.trim();
            if (v && !/^https?:\/\/.+\{z\}.*\{x\}.*\{y\}/.test(v)) {
              notify("A tile URL needs {z}, {x} and {y} placeholders.", "error");
              return;
            }
            if (v) localStorage.setItem(TILE_URL_KEY, v);
            else localStorage.removeItem(TILE_URL_KEY);
            const w = shipWs.value.trim();
            if (w && !/^wss?:\/\//.test(w)) {
              notify("The ship channel URL starts with ws:// or wss://.", "error");
              return;
            }
            if (w) localStorage.setItem(SHIP_WS_KEY, w);
            else localStorage.removeItem(SHIP_WS_KEY);
            dlg.close();
            dlg.remove();
            void render();
          },
        },
        "Save",
      ),
      h("button", { class: "ghost", onclick: () => (dlg.close(), dlg.remove()) }, "Cancel"),
    ),
  );
  document.body.append(dlg);
  dlg.showModal();
}

function loginView(): View {
  const user = h("input", { name: "username", autocomplete: "username", required: true, autofocus: true });
  const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const err = h("p", { class: "error", role: "alert" }, loginMessage);
  loginMessage = "";
  const submit = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "login card" },
    h("h1", {}, "sar-coord"),
    h("p", { class: "muted" }, "Maritime search-and-rescue coordination"),
    h("label", {}, "User name", user),
    h("label", {}, "Password", pass),
    submit,
    err,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    err.textContent = "";
    try {
      const r = await api.login(user.value.trim(), pass.value);
      const s = saveSession(r);
      const views = viewsFor(s.user.role);
      if (views.length === 0) {
        logout(`The role "${s.user.role}" has no dashboard view.`);
        return;
      }
      go(views[0]);
    } catch (e) {
      err.textContent =
        e instanceof ApiError && e.status === 401
          ? "Wrong user name or password."
          : e instanceof ApiError && e.status === 429
            ? "Too many attempts. Wait a minute and try again."
            : errorText(e);
    } finally {
      submit.disabled = false;
    }
  });
  mount(root(), h("main", { class: "login-page" }, form));
  return { destroy() {} };
}

async function render(): Promise<void> {
  current?.destroy();
  current = null;
  setTheme((localStorage.getItem("sar.theme") as "light" | "dark" | null) ?? "light", false);
  const { name, params } = route();
  const app = root();

  if (name === "basemap") {
    // Public, data-free view of the offline basemap (used by the land-rendering browser test).
    const { basemapView } = await import("./shared/basemapView");
    current = basemapView(app, params);
    return;
  }

  const s = session();
  if (!s || name === "login") {
    if (s && name === "login") clearSession();
    current = loginView();
    return;
  }
  const allowed = viewsFor(s.user.role);
  const target = allowed.includes(name as ViewName) ? (name as ViewName) : allowed[0];
  if (!target) {
    logout(`The role "${s.user.role}" has no dashboard view.`);
    return;
  }
  if (target !== name) {
    if (name) notify(`The ${name} view is not available to ${s.user.role.replace("_", " ")}s.`, "info");
    go(target);
    return;
  }
  // Ship masters default to the night palette (bridge at night) until they choose otherwise.
  if (target === "ship" && !localStorage.getItem("sar.theme")) setTheme("dark", false);
  const body = h("main", { class: `view view-${target}` });
  mount(app, header(target), body);
  try {
    if (target === "rcc") current = (await import("./rcc/view")).rccView(body, s);
    else if (target === "ship") current = (await import("./ship/view")).shipView(body, s);
    else current = (await import("./auditor/view")).auditorView(body, s);
  } catch (e) {
    mount(body, h("p", { class: "error" }, `Could not open the view: ${errorText(e)}`));
  }
}

setTheme((localStorage.getItem("sar.theme") as "light" | "dark" | null) ?? "light", false);
loadSession();
setUnauthorizedHandler(() => logout("Your session has expired or was revoked. Please sign in again."));
window.addEventListener("hashchange", () => void render());
void render();
