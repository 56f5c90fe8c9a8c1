// Performance page: machine facts, the plan and its reasons, recommendations to apply, live
// CPU / memory / queue charts with this machine's last calibration beside them (calibration.js),
// and per-job history with a real-time-factor chart.

import { api, bytes, date, duration, el, toast } from "./api.js";
import { startCalibration } from "./calibration.js";
import { COLORS, barChart, lineChart } from "./charts.js";

const LIVE_MS = 1500;
const SAMPLES = 60;
const APPLICABLE = ["workers", "threads_per_worker", "chunk_seconds", "batch_size"];
const samples = { cpu: [], mem: [], rss: [], queued: [], running: [] };
let rtfItems = [];

function facts(container, pairs) {
  container.replaceChildren(
    ...pairs.filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => el("div", {}, el("dt", {}, k), el("dd", {}, v))),
  );
}

async function loadOverview() {
  const data = await api("/api/performance");
  const s = data.system;
  facts(document.getElementById("system-facts"), [
    ["CPUs usable", `${s.usable_cpus} of ${s.logical_cpus}`],
    ["CPU quota", s.cgroup_cpu_quota === null ? "none" : `${s.cgroup_cpu_quota} CPUs`],
    ["Memory", bytes(s.total_memory_bytes)],
    ["Available", bytes(s.available_memory_bytes)],
    ["Model", `${data.settings.model} (${data.settings.device}, ${data.settings.compute_type})`],
    ["Jobs at once", data.settings.max_running_jobs],
  ]);
  const plan = data.current_plan;
  facts(document.getElementById("plan-facts"), [
    ["Workers", plan.workers],
    ["Threads each", plan.threads_per_worker],
    ["Chunk length", duration(plan.chunk_seconds)],
    ["Batch size", plan.batch_size],
  ]);
  document.getElementById("plan-reasons").replaceChildren(...plan.reasons.map((r) => el("li", {}, r)));
}

function applyBody(item) {
  const field = item.setting.split(".").pop();
  return APPLICABLE.includes(field) ? { [field]: item.recommended } : null;
}

async function apply(body, button) {
  button.disabled = true;
  try {
    const result = await api("/api/performance/optimize", { method: "POST", body });
    toast(result.message);
    await Promise.all([loadOverview(), loadRecommendations()]);
  } catch (err) {
    button.disabled = false;
    toast(err.message, { error: true });
  }
}

async function loadRecommendations() {
  const data = await api("/api/performance/optimization");
  const list = document.getElementById("recommendations");
  const notes = (data.notes || []).map((note) => el("li", { class: "rec warning" }, note));
  if (data.optimal || !data.recommendations.length) {
    list.replaceChildren(...notes, el("li", { class: "muted" }, "The current settings suit this machine; nothing to change."));
    return;
  }
  const items = data.recommendations.map((item) => {
    const body = applyBody(item);
    const button = body
      ? el("button", { type: "button", class: "primary", "aria-label": `Apply ${item.setting} = ${item.recommended}` }, "Apply")
      : el("span", { class: "muted small" }, `set ${item.env_var}=${item.recommended}`);
    if (body) button.addEventListener("click", () => apply(body, button));
    return el(
      "li",
      { class: "rec" },
      el("div", {}, el("strong", {}, `${item.setting}: ${item.current} → ${item.recommended}`), el("p", { class: "muted small" }, item.reason)),
      button,
    );
  });
  const all = el("button", { type: "button" }, "Apply the recommended plan");
  all.addEventListener("click", () => apply({}, all));
  list.replaceChildren(...notes, ...items, el("li", { class: "rec" }, all));
}

function push(series, value) {
  series.push(value);
  if (series.length > SAMPLES) series.shift();
}

async function liveTick() {
  try {
    const live = await api("/api/performance/live");
    push(samples.cpu, live.cpu_percent);
    push(samples.mem, live.memory.percent);
    push(samples.rss, (live.process_rss_bytes / live.memory.total_bytes) * 100);
    push(samples.queued, live.queue_length);
    push(samples.running, live.active_jobs);
    drawLive();
    document.getElementById("live-now").textContent =
      `CPU ${live.cpu_percent.toFixed(0)} % · memory ${live.memory.percent.toFixed(0)} % ` +
      `(service ${bytes(live.process_rss_bytes)}) · ${live.active_jobs} running, ${live.queue_length} queued`;
  } catch (err) {
    document.getElementById("live-now").textContent = err.message;
  }
  setTimeout(liveTick, LIVE_MS);
}

function drawLive() {
  const pct = (v) => `${Math.round(v)}%`;
  lineChart(document.getElementById("chart-cpu"), [{ values: samples.cpu }], { capacity: SAMPLES, max: 100, format: pct });
  lineChart(document.getElementById("chart-mem"), [
    { values: samples.mem, color: COLORS[0] },
    { values: samples.rss, color: COLORS[1] },
  ], { capacity: SAMPLES, max: 100, format: pct });
  lineChart(document.getElementById("chart-queue"), [
    { values: samples.queued, color: COLORS[1] },
    { values: samples.running, color: COLORS[0] },
  ], { capacity: SAMPLES, max: Math.max(2, ...samples.queued, ...samples.running) });
}

async function loadHistory() {
  const data = await api("/api/performance/history?limit=50");
  const head = ["Session", "Status", "Media", "Wall", "RTF", "Workers", "Chunk", "Peak memory", "Date"];
  const table = document.getElementById("history-table");
  table.tHead.replaceChildren(el("tr", {}, head.map((h) => el("th", { scope: "col" }, h))));
  table.tBodies[0].replaceChildren(
    ...data.items.map((job) => {
      const m = job.metrics;
      return el(
        "tr",
        {},
        el("td", {}, el("a", { href: `/sessions/${job.id}` }, job.name)),
        el("td", {}, el("span", { class: `badge ${job.status}` }, job.status)),
        el("td", {}, duration(job.duration)),
        el("td", {}, m.wall_seconds === null ? "–" : `${m.wall_seconds.toFixed(1)} s`),
        el("td", { class: "num" }, m.rtf === null ? "–" : m.rtf.toFixed(3)),
        el("td", {}, m.workers ?? "–"),
        el("td", {}, m.chunk_seconds === null ? "–" : duration(m.chunk_seconds)),
        el("td", {}, bytes(m.peak_rss_bytes)),
        el("td", {}, date(job.created_at)),
      );
    }),
  );
  const finished = data.items.filter((j) => j.metrics.rtf !== null).reverse();
  rtfItems = finished.map((j) => ({ label: j.name, value: j.metrics.rtf }));
  drawRtf();
}

function drawRtf() {
  barChart(document.getElementById("chart-rtf"), rtfItems, { format: (v) => v.toFixed(2) });
}

Promise.all([loadOverview(), loadRecommendations(), loadHistory()]).catch((err) => toast(err.message, { error: true }));
startCalibration(() => Promise.all([loadOverview(), loadRecommendations()]));
liveTick();
window.addEventListener("resize", () => {
  drawLive();
  drawRtf();
});
