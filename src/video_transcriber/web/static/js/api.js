// Shared helpers: JSON API calls (with the optional API key), DOM building, formatting, toasts.

const KEY_STORAGE = "vt-api-key";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function apiKey() {
  return localStorage.getItem(KEY_STORAGE) || "";
}

export function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** The message a failed response carries: `detail`, a sentence (validation errors too). */
export async function errorMessage(response) {
  let detail = "";
  try {
    const body = await response.json();
    detail = typeof body.detail === "string" ? body.detail : "";
  } catch {
    detail = "";
  }
  return detail || `The server answered ${response.status} ${response.statusText}.`;
}

/** Call the JSON API; throws ApiError with the server's message on a non-2xx answer. */
export async function api(path, { method = "GET", body, signal } = {}) {
  const headers = { Accept: "application/json", ...authHeaders() };
  const init = { method, headers, signal };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "The service did not answer; check that it is running, then retry.");
  }
  if (response.status === 401) showAuthBanner();
  if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/** Ask for an API key (after a 401, or when /api/config says one is needed and none is saved). */
export function showAuthBanner() {
  const banner = document.getElementById("auth-banner");
  if (!banner || !banner.hidden) return;
  if (apiKey()) {
    document.getElementById("auth-message").textContent =
      "The saved API key was refused. Enter a valid one.";
  }
  banner.hidden = false;
}

function setUpAuthForm() {
  const form = document.getElementById("auth-form");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(KEY_STORAGE, document.getElementById("api-key").value.trim());
    location.reload();
  });
}

// -- signed links ------------------------------------------------------------------------------
// <audio>/<video>, download links and EventSource cannot send Authorization, so with an API key
// their URLs carry a short-lived token the server signs for one job (POST /api/jobs/{id}/token).
// The key itself never goes into a URL.

const TOKEN_MARGIN_MS = 120_000;
const linkTokens = new Map();

/** A token for the job's GET-only URLs, reused until two minutes before it expires;
 * null when no key is saved (the service is open, plain URLs work). */
export async function linkToken(jobId, { fresh = false } = {}) {
  if (!apiKey()) return null;
  const cached = linkTokens.get(jobId);
  if (!fresh && cached && cached.expires - Date.now() > TOKEN_MARGIN_MS) return cached.token;
  const minted = await api(`/api/jobs/${jobId}/token`, { method: "POST" });
  linkTokens.set(jobId, { token: minted.token, expires: Date.parse(minted.expires_at) });
  return minted.token;
}

/** `path` (one of the job's media, transcript, events or insights URLs) with its token, if any. */
export async function signedUrl(jobId, path, options) {
  const token = await linkToken(jobId, options);
  if (!token) return path;
  return `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`;
}

/** Build an element: el("a", {href: "/x", class: "y", onclick: fn}, "text", child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      node.className = value;
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(name, "");
    } else {
      node.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** 83.4 → "1:23", 3723 → "1:02:03". */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** A duration in words: "45 s", "12 min", "1 h 05 min". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, "0")} min`;
}

export function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 10 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function date(iso) {
  if (!iso) return "–";
  const d = new Date(iso.endsWith("Z") || iso.includes("+") ? iso : `${iso}Z`);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

let toastTimer = null;

/** A short message at the bottom of the page (also read out by screen readers). */
export function toast(message, { error = false } = {}) {
  const node = document.getElementById("toast");
  if (!node) return;
  node.textContent = message;
  node.classList.toggle("error", error);
  node.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => node.classList.remove("show"), error ? 8000 : 3500);
}

setUpAuthForm();
