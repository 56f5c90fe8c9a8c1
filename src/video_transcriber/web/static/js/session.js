// Session page: live progress over SSE while the job runs (segments appear as chunks finish);
// once done, the player beside the synced transcript, insights, downloads and corrections.

import { api, apiKey, bytes, date, duration, el, signedUrl, toast } from "./api.js";
import { renderChapterBar, renderInsights } from "./insights.js";
import { TranscriptView } from "./transcript.js";

const VIDEO = /\.(mp4|m4v|mkv|webm|mov|avi|ogv|mpe?g|wmv|flv|3gp|ts)$/i;
const STAGES = {
  queued: "Waiting in the queue",
  decoding: "Decoding the audio",
  detecting_speech: "Finding speech",
  transcribing: "Transcribing",
  finalizing: "Finishing",
  done: "Done",
};
const POLL_MS = 2000;
const RESIGN_MS = 60_000;

const root = document.getElementById("session");
const jobId = root.dataset.jobId;
const startAt = Number(new URLSearchParams(location.search).get("t"));
const view = new TranscriptView({
  list: document.getElementById("segments"),
  empty: document.getElementById("segments-empty"),
  follow: document.getElementById("follow-playback"),
  jobId,
});
let job = null;
let media = null;
/** Chunk indexes whose segments the live transcript shows (a reopened stream repeats them). */
const shownChunks = new Set();
let events = null;

function showJob(current) {
  job = current;
  document.getElementById("session-name").textContent = job.name;
  document.title = `${job.name} · video-transcriber`;
  const facts = [job.filename, bytes(job.size_bytes)];
  if (job.duration) facts.push(duration(job.duration));
  if (job.language) facts.push(languageFact(job));
  facts.push(date(job.created_at));
  document.getElementById("session-meta").textContent = facts.join(" · ");
  showStatus(job.status, job.error, job.progress);
}

/** "de (detected, 97%)", "de", or "de → English" for a translation. */
function languageFact(current) {
  const parts = [current.language];
  if (current.language_probability !== null && current.language_probability !== undefined) {
    parts.push(`(detected, ${Math.round(current.language_probability * 100)}%)`);
  }
  if (current.options && current.options.task === "translate") parts.push("→ English");
  return parts.join(" ");
}

function showStatus(status, error, progress) {
  const running = status === "queued" || status === "running";
  document.getElementById("progress-panel").hidden = false;
  document.getElementById("cancel-job").hidden = !running;
  document.getElementById("retry-job").hidden = !(status === "failed" || status === "cancelled");
  const errorNode = document.getElementById("job-error");
  errorNode.hidden = !(status === "failed" || status === "cancelled");
  errorNode.textContent = status === "cancelled" ? "This job was cancelled." : error || "";
  if (progress) showProgress(progress);
  if (status === "completed") showTook();
}

function showProgress(p) {
  document.getElementById("job-progress").value = p.percent;
  document.getElementById("job-percent").textContent = `${Math.floor(p.percent)} %`;
  document.getElementById("job-stage").textContent = STAGES[p.stage] || p.stage;
  document.getElementById("job-chunks").textContent = p.chunks_total ? `${p.chunks_done} of ${p.chunks_total}` : "–";
  document.getElementById("job-eta").textContent =
    p.eta_seconds === null || p.eta_seconds === undefined ? "–" : p.eta_seconds < 1 ? "moments" : duration(p.eta_seconds);
}

/** A finished job's panel says how long it took instead of what is left. */
function showTook() {
  const wall = job?.metrics?.wall_seconds;
  if (wall === null || wall === undefined) return;
  const rtf = job.metrics.rtf;
  document.getElementById("job-eta-label").textContent = "Took";
  document.getElementById("job-eta").textContent =
    `${wall < 60 ? `${wall.toFixed(1)} s` : duration(wall)}` + (rtf ? ` (${(1 / rtf).toFixed(1)}× real time)` : "");
}

// -- while running ---------------------------------------------------------------------------------

/** Live events over SSE (with a signed token when a key is needed: EventSource cannot send
 * headers). A stream the server refused (an expired token) is reopened once with a fresh token;
 * after that the page polls instead. */
async function follow({ fresh = false } = {}) {
  let url;
  try {
    url = await signedUrl(jobId, `/api/jobs/${jobId}/events`, { fresh });
  } catch (err) {
    toast(err.message, { error: true });
    return;
  }
  events = new EventSource(url);
  const count = (name) => { root.dataset[name] = String(Number(root.dataset[name] || 0) + 1); };
  events.addEventListener("progress", (e) => { count("liveProgress"); showProgress(JSON.parse(e.data)); });
  events.addEventListener("segments", (e) => {
    // A (re)opened stream starts with every chunk already done: show each chunk once.
    const data = JSON.parse(e.data);
    count("liveSegments");
    if (shownChunks.has(data.chunk_index)) return;
    shownChunks.add(data.chunk_index);
    view.addLive(data.segments);
  });
  events.addEventListener("status", (e) => { count("liveStatus"); onStatus(JSON.parse(e.data)); });
  const source = events;
  events.addEventListener("error", () => {
    if (source.readyState !== EventSource.CLOSED || events !== source) return; // retrying itself
    events = null;
    if (apiKey() && !fresh) follow({ fresh: true });
    else poll();
  });
}

function onStatus(data) {
  if (data.status === "deleted") {
    events?.close();
    toast("This session was deleted.", { error: true });
    return;
  }
  if (job) job.status = data.status;
  showStatus(data.status, data.error, data.progress);
  if (["completed", "failed", "cancelled"].includes(data.status)) {
    events?.close();
    events = null;
    if (data.status === "completed") finished();
  }
}

async function poll() {
  try {
    const current = await api(`/api/jobs/${jobId}`);
    showJob(current);
    if (current.status === "completed") return finished();
    if (current.status === "queued" || current.status === "running") setTimeout(poll, POLL_MS);
  } catch (err) {
    toast(err.message, { error: true });
  }
}

// -- when done ---------------------------------------------------------------------------------------

async function finished() {
  const [current, doc, config] = await Promise.all([
    api(`/api/jobs/${jobId}`),
    api(`/api/jobs/${jobId}/transcript?format=json`),
    api("/api/config"),
  ]);
  showJob(current);
  const data = typeof doc === "string" ? JSON.parse(doc) : doc;
  view.setFinal(data.segments);
  await showPlayer();
  await showDownloads(config.transcript_formats);
  loadInsights();
  fitTranscript();
  window.addEventListener("resize", fitTranscript);
  if (startAt > 0) {
    view.highlight(startAt);
  }
}

/** On wide screens the transcript box ends at the bottom of the window (it scrolls inside), so
 * the highlighted line is always on screen beside the player. */
function fitTranscript() {
  const card = document.querySelector(".session-layout .transcript");
  const wide = window.matchMedia("(min-width: 900px)").matches;
  const top = card.getBoundingClientRect().top + window.scrollY;
  card.style.maxHeight = wide ? `${Math.max(360, window.innerHeight - top - 16)}px` : "";
}

function seek(time) {
  if (!media) return;
  media.currentTime = time;
  view.highlight(time);
  media.play().catch(() => {}); // autoplay may be refused; the position is still set
}

async function showPlayer() {
  const isVideo = VIDEO.test(job.filename);
  media = el(isVideo ? "video" : "audio", {
    controls: true,
    preload: "metadata",
    src: await signedUrl(jobId, `/api/jobs/${jobId}/media`),
    "aria-label": `Recording of ${job.name}`,
  });
  if (isVideo) media.setAttribute("playsinline", "");
  media.addEventListener("timeupdate", () => view.highlight(media.currentTime));
  media.addEventListener("seeked", () => view.highlight(media.currentTime));
  media.addEventListener("error", onMediaError);
  if (startAt > 0) {
    media.addEventListener("loadedmetadata", () => { media.currentTime = startAt; }, { once: true });
  }
  document.getElementById("player-slot").replaceChildren(media);
  document.getElementById("player-panel").hidden = false;
  view.onSeek = seek;
}

let mediaRetried = 0;

/** A player whose signed URL expired (a seek long after the page opened) gets a fresh one and
 * carries on from where it was; anything else is a format the browser cannot play. */
async function onMediaError() {
  if (apiKey() && Date.now() - mediaRetried > RESIGN_MS) {
    mediaRetried = Date.now();
    const at = media.currentTime;
    const playing = !media.paused;
    media.src = await signedUrl(jobId, `/api/jobs/${jobId}/media`, { fresh: true });
    media.addEventListener("loadedmetadata", () => {
      media.currentTime = at;
      if (playing) media.play().catch(() => {});
    }, { once: true });
    return;
  }
  toast("The recording could not be played in this browser; the transcript is still here.", { error: true });
}

async function showDownloads(formats) {
  const list = document.getElementById("download-list");
  const links = formats.map((fmt) => el("a", {
    download: "",
    dataset: { path: `/api/jobs/${jobId}/transcript?format=${fmt}` },
    "aria-label": `Download the transcript as ${fmt.toUpperCase()}`,
  }, fmt.toUpperCase()));
  list.replaceChildren(...links.map((link) => el("li", {}, link)));
  await signLinks(links);
  if (apiKey()) setInterval(() => signLinks(links).catch(() => {}), RESIGN_MS);
  document.getElementById("downloads").hidden = false;
}

/** Point the links at their URLs, with a token that is still good for a while. */
async function signLinks(links) {
  for (const link of links) link.href = await signedUrl(jobId, link.dataset.path);
}

async function loadInsights() {
  const panel = document.getElementById("insights");
  try {
    const insights = await api(`/api/jobs/${jobId}/insights`);
    const found = insights.insights || insights;
    renderInsights(document.getElementById("insights-body"), found, seek);
    renderChapterBar(document.getElementById("chapter-bar"), found.study, seek);
    panel.hidden = false;
  } catch (err) {
    if (err.status !== 404) toast(`Insights: ${err.message}`, { error: true });
  }
}

// -- actions -----------------------------------------------------------------------------------------

document.getElementById("cancel-job").addEventListener("click", async () => {
  try {
    showJob(await api(`/api/jobs/${jobId}/cancel`, { method: "POST" }));
    toast("Cancelled.");
  } catch (err) {
    toast(err.message, { error: true });
  }
});

document.getElementById("retry-job").addEventListener("click", async () => {
  try {
    showJob(await api(`/api/jobs/${jobId}/retry`, { method: "POST" }));
    toast("Queued again; finished chunks are kept.");
    follow();
  } catch (err) {
    toast(err.message, { error: true });
  }
});

document.addEventListener("keydown", (event) => {
  // Space/k toggles playback when focus is not in a control (like most players).
  if (!media || event.target.closest("input, textarea, button, select, a, video, audio, li")) return;
  if (event.key === "k" || event.key === " ") {
    event.preventDefault();
    if (media.paused) media.play(); else media.pause();
  }
});

async function start() {
  try {
    showJob(await api(`/api/jobs/${jobId}`));
  } catch (err) {
    document.getElementById("session-name").textContent = "Session not found";
    document.getElementById("session-meta").textContent = err.message;
    return;
  }
  root.dataset.firstStatus = job.status;
  if (job.status === "completed") finished();
  else if (job.status === "queued" || job.status === "running") follow();
}

start();
