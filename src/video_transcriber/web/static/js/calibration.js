// The calibration part of the performance page: the last calibration of this machine (one row
// per pool shape measured), a button that starts a new one, and its progress while it runs.

import { api, bytes, date, el, toast } from "./api.js";

const POLL_MS = 1000;

function render(status) {
  const last = status.last;
  const summary = document.getElementById("calibration-summary");
  const table = document.getElementById("calibration-table");
  const progress = document.getElementById("calibration-progress");
  const button = document.getElementById("calibrate");
  const running = status.state === "running";
  button.disabled = running;
  progress.textContent = running
    ? `Measuring ${status.done} of ${status.total || "?"}: ${status.message}`
    : status.state === "failed" ? `The last calibration failed: ${status.error}` : "";
  if (!last) {
    table.hidden = true;
    return;
  }
  const m = last.machine;
  summary.textContent = `${last.model} on ${m.cpu_model}, ${m.usable_cpus} of ${m.logical_cpus} CPUs, ` +
    `${m.memory_gib} GiB, measured ${date(last.measured_at)}`;
  table.hidden = false;
  const head = ["Shape", "Batch", "Media s per s", "Start-up", "Worker peak"];
  table.tHead.replaceChildren(el("tr", {}, head.map((h) => el("th", { scope: "col" }, h))));
  const rows = [...last.shapes].sort((a, b) => b.throughput - a.throughput);
  table.tBodies[0].replaceChildren(
    ...rows.map((s, i) => el(
      "tr",
      { class: i === 0 ? "best" : "" },
      el("td", {}, `${s.workers}×${s.threads}${i === 0 ? " (fastest)" : ""}`),
      el("td", { class: "num" }, s.batch_size),
      el("td", { class: "num" }, s.throughput.toFixed(1)),
      el("td", { class: "num" }, `${s.startup_seconds.toFixed(1)} s`),
      el("td", { class: "num" }, bytes(s.peak_worker_rss_bytes)),
    )),
  );
}

async function poll(onDone) {
  const status = await api("/api/performance/calibration");
  render(status);
  if (status.state === "running") {
    setTimeout(() => poll(onDone).catch((err) => toast(err.message, { error: true })), POLL_MS);
  } else if (status.state === "completed") {
    await onDone();
  }
  return status;
}

/** Show the last calibration and wire the button; `onDone` refreshes the plan afterwards. */
export function startCalibration(onDone) {
  const button = document.getElementById("calibrate");
  let first = true;
  const refresh = async () => {
    if (!first) {
      toast("Calibration finished; the optimal plan now uses it.");
      await onDone();
    }
    first = false;
  };
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      render(await api("/api/performance/calibrate", { method: "POST" }));
      first = false;
      await poll(refresh);
    } catch (err) {
      button.disabled = false;
      toast(err.message, { error: true });
    }
  });
  poll(refresh).catch((err) => toast(err.message, { error: true }));
}
