// Sessions page: the job list (paged, filtered by status), full-text search with snippets that
// open the session at that moment, and delete with confirmation.

import { api, clock, date, duration, el, toast } from "./api.js";
import { markedSnippet } from "./snippets.js";

const PAGE = 20;
const REFRESH_MS = 4000;
const rows = document.getElementById("session-rows");
const statusFilter = document.getElementById("status-filter");
const dialog = document.getElementById("confirm-delete");
let offset = 0;
let refreshTimer = null;

function statusCell(job) {
  const label = job.status === "running" ? `running ${Math.round(job.progress.percent)} %` : job.status;
  return el("span", { class: `badge ${job.status}` }, label);
}

function row(job) {
  const remove = el("button", {
    type: "button",
    class: "danger",
    "aria-label": `Delete ${job.name}`,
    onclick: () => confirmDelete(job),
  }, "Delete");
  return el(
    "tr",
    { dataset: { jobId: job.id } },
    el("td", { class: "name" }, el("a", { href: `/sessions/${job.id}` }, job.name)),
    el("td", { class: "status" }, statusCell(job)),
    el("td", { class: "duration" }, duration(job.duration)),
    el("td", { class: "date" }, date(job.created_at)),
    el("td", { class: "actions-cell" }, remove),
  );
}

async function load() {
  clearTimeout(refreshTimer);
  const params = new URLSearchParams({ limit: PAGE, offset });
  if (statusFilter.value) params.set("status", statusFilter.value);
  let page;
  try {
    page = await api(`/api/jobs?${params}`);
  } catch (err) {
    toast(err.message, { error: true });
    return;
  }
  rows.replaceChildren(...page.items.map(row));
  document.getElementById("empty-note").hidden = page.total > 0;
  document.getElementById("prev-page").disabled = offset === 0;
  document.getElementById("next-page").disabled = offset + PAGE >= page.total;
  const last = Math.min(offset + PAGE, page.total);
  document.getElementById("page-info").textContent = page.total ? `${offset + 1}–${last} of ${page.total}` : "";
  if (page.items.some((j) => j.status === "running" || j.status === "queued")) {
    refreshTimer = setTimeout(load, REFRESH_MS);
  }
}

function confirmDelete(job) {
  document.getElementById("confirm-name").textContent = job.name;
  dialog.returnValue = "";
  dialog.showModal();
  dialog.addEventListener("close", async function onClose() {
    dialog.removeEventListener("close", onClose);
    if (dialog.returnValue !== "delete") return;
    try {
      await api(`/api/jobs/${job.id}`, { method: "DELETE" });
      toast(`Deleted “${job.name}”.`);
      load();
    } catch (err) {
      toast(err.message, { error: true });
    }
  });
}

// -- search -------------------------------------------------------------------------------------

const searchForm = document.getElementById("search-form");
const searchInput = document.getElementById("search-input");
const results = document.getElementById("search-results");
const resultList = document.getElementById("search-list");

function hitItem(hit) {
  const href = `/sessions/${hit.job_id}?t=${hit.start.toFixed(1)}`;
  return el(
    "li",
    {},
    el("a", { href: `/sessions/${hit.job_id}` }, hit.job_name),
    el("a", { class: "snippet", href, "aria-label": `${hit.job_name} at ${clock(hit.start)}` },
      el("span", { class: "t" }, clock(hit.start)), markedSnippet(hit.snippet)),
  );
}

async function search(query) {
  const mode = document.getElementById("search-mode").value;
  const params = new URLSearchParams({ q: query, mode });
  history.replaceState(null, "", `?${params}`);
  let page;
  try {
    page = await api(`/api/search?${params}`);
  } catch (err) {
    toast(err.message, { error: true });
    return;
  }
  const hits = page.hits || page.items || [];
  resultList.replaceChildren(...hits.map(hitItem));
  if (!hits.length) resultList.append(el("li", { class: "muted" }, `Nothing found for “${query}”.`));
  document.getElementById("search-title").textContent =
    hits.length ? `${page.total ?? hits.length} matching moments` : "Results";
  results.hidden = false;
  document.getElementById("search-clear").hidden = false;
}

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = searchInput.value.trim();
  if (query) search(query);
});
document.getElementById("search-clear").addEventListener("click", () => {
  searchInput.value = "";
  results.hidden = true;
  document.getElementById("search-clear").hidden = true;
  history.replaceState(null, "", location.pathname);
  searchInput.focus();
});

statusFilter.addEventListener("change", () => {
  offset = 0;
  load();
});
document.getElementById("prev-page").addEventListener("click", () => {
  offset = Math.max(0, offset - PAGE);
  load();
});
document.getElementById("next-page").addEventListener("click", () => {
  offset += PAGE;
  load();
});

const initial = new URLSearchParams(location.search).get("q");
const initialMode = new URLSearchParams(location.search).get("mode");
if (initialMode) document.getElementById("search-mode").value = initialMode;
if (initial) {
  searchInput.value = initial;
  search(initial);
}
load();
