// Upload page: pick or drop files, check them against /api/config, send them with tus
// (resumable, parallel partial uploads joined by the concatenation extension), then queue a job
// for each. Each part's creation says where its bytes belong (Upload-Concat-Layout), so the
// server writes them straight into place and joining the parts is a rename, not a copy.

import { api, apiKey, authHeaders, bytes, el, showAuthBanner, toast } from "./api.js";
import { splitKeywords } from "./keywords-api.js";

const NOT_MEDIA = /^(text\/|image\/|font\/|application\/(pdf|zip|json|msword|vnd\.|x-tar|gzip|x-7z))/;
const MAX_PARALLEL_PARTS = 4;
const SIMULTANEOUS_FILES = 2;

const form = document.getElementById("upload-form");
const dropZone = document.getElementById("drop-zone");
const fileInput = document.getElementById("file-input");
const fileList = document.getElementById("file-list");
const startButton = document.getElementById("start-upload");
let config = null;
const queue = [];

async function loadConfig() {
  try {
    config = await api("/api/config");
  } catch (err) {
    document.getElementById("limit-note").textContent = err.message;
    return;
  }
  document.getElementById("limit-note").textContent = `up to ${bytes(config.max_upload_bytes)} each`;
  if (config.auth_required && !apiKey()) showAuthBanner();
  const select = document.getElementById("model");
  for (const name of config.models) {
    select.append(el("option", { value: name, selected: name === config.default_model }, name));
  }
  refreshStart();
}

function tusMissing() {
  return typeof window.tus === "undefined";
}

// -- choosing files ---------------------------------------------------------------------------

function problemWith(file) {
  if (config && file.size > config.max_upload_bytes) {
    const limit = bytes(config.max_upload_bytes);
    const size = bytes(file.size) === limit ? `just over the ${limit} limit` : `${bytes(file.size)}; the limit is ${limit}`;
    return `This file is ${size}. ` +
      "Trim or compress it (for example, extract the audio with ffmpeg), then upload it again.";
  }
  if (file.size === 0) return "This file is empty (0 bytes); check that the recording finished saving.";
  if (file.type && NOT_MEDIA.test(file.type)) {
    return `This is not an audio or video file (${file.type}); pick a recording instead.`;
  }
  return null;
}

function addFiles(files) {
  for (const file of files) {
    const item = { file, state: "ready", upload: null, node: null };
    item.node = renderItem(item);
    fileList.append(item.node.root);
    const problem = problemWith(file);
    if (problem) fail(item, problem);
    else setStatus(item, "Ready to upload.");
    queue.push(item);
  }
  refreshStart();
}

function renderItem(item) {
  const progress = el("progress", { max: 100, value: 0, "aria-label": `Upload of ${item.file.name}` });
  const status = el("p", { class: "status", "aria-live": "polite" });
  const pause = el("button", { type: "button", hidden: true, onclick: () => togglePause(item) }, "Pause");
  const remove = el("button", { type: "button", onclick: () => removeItem(item) }, "Remove");
  const link = el("a", { hidden: true }, "Open session");
  const root = el(
    "li",
    { class: "file-item", dataset: { name: item.file.name } },
    el("div", { class: "row-between" }, el("span", {}, item.file.name), el("span", { class: "muted small" }, bytes(item.file.size))),
    progress,
    status,
    el("div", { class: "actions" }, pause, remove, link),
  );
  return { root, progress, status, pause, remove, link };
}

function setStatus(item, text) {
  item.node.status.textContent = text;
}

function fail(item, message) {
  item.state = "error";
  item.node.root.classList.add("error");
  item.node.pause.hidden = true;
  item.node.remove.hidden = false;
  setStatus(item, message);
}

function removeItem(item) {
  if (item.upload && item.state === "uploading") item.upload.abort(true);
  item.node.root.remove();
  queue.splice(queue.indexOf(item), 1);
  refreshStart();
}

function refreshStart() {
  startButton.disabled = !config || !queue.some((i) => i.state === "ready");
}

dropZone.addEventListener("click", () => fileInput.click());
dropZone.addEventListener("keydown", (event) => {
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    fileInput.click();
  }
});
fileInput.addEventListener("change", () => {
  addFiles([...fileInput.files]);
  fileInput.value = "";
});
for (const type of ["dragenter", "dragover"]) {
  dropZone.addEventListener(type, (event) => {
    event.preventDefault();
    dropZone.classList.add("dragging");
  });
}
for (const type of ["dragleave", "drop"]) {
  dropZone.addEventListener(type, () => dropZone.classList.remove("dragging"));
}
dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  addFiles([...event.dataTransfer.files]);
});

// -- uploading --------------------------------------------------------------------------------

function jobOptions() {
  const options = { word_timestamps: document.getElementById("word-timestamps").checked };
  const language = document.getElementById("language").value;
  const model = document.getElementById("model").value;
  const beam = document.getElementById("beam-size").value;
  if (language) options.language = language;
  if (model && model !== config.default_model) options.model = model;
  if (beam) options.beam_size = Number(beam);
  if (document.getElementById("speakers").checked) options.speakers = "auto";
  const keywords = splitKeywords(document.getElementById("job-keywords").value);
  if (keywords.length) options.keywords = keywords;
  return options;
}

function jobName(file, count) {
  const session = document.getElementById("session-name").value.trim();
  const stem = file.name.replace(/\.[^.]+$/, "");
  if (!session) return stem;
  return count > 1 ? `${session} — ${stem}` : session;
}

function partsFor(file) {
  const canConcat = config.tus_extensions.includes("concatenation");
  const chunks = Math.floor(file.size / config.chunk_size_bytes);
  return canConcat ? Math.max(1, Math.min(MAX_PARALLEL_PARTS, chunks)) : 1;
}

/**
 * Part boundaries for tus-js-client's `parallelUploadBoundaries`, every part a different length
 * (all but the last one byte shorter than the one before), so a part's creation request can be
 * recognised by its Upload-Length alone.
 */
function partBoundaries(size, count) {
  const base = Math.floor(size / count);
  const parts = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = i === count - 1 ? size : start + base - (i + 1);
    parts.push({ start, end });
    start = end;
  }
  return parts;
}

function randomToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * tus-js-client's `onBeforeRequest`: on each partial upload's creation, say where its bytes
 * belong in the file (`Upload-Concat-Layout: <token> <start> <total>`).
 */
function layoutHeader(file, parts) {
  const token = randomToken();
  const startByLength = new Map(parts.map((part) => [part.end - part.start, part.start]));
  return (req) => {
    if (req.getMethod() !== "POST" || req.getHeader("Upload-Concat") !== "partial") return;
    const start = startByLength.get(Number(req.getHeader("Upload-Length")));
    if (start !== undefined) req.setHeader("Upload-Concat-Layout", `${token} ${start} ${file.size}`);
  };
}

/** tus options for sending `file` in parallel parts, or none for a single stream. */
function parallelOptions(file) {
  const count = partsFor(file);
  if (count < 2) return {};
  const parts = partBoundaries(file.size, count);
  return { parallelUploads: count, parallelUploadBoundaries: parts, onBeforeRequest: layoutHeader(file, parts) };
}

/** The server's message from a failed tus request, or the client's own. */
function tusMessage(error) {
  const response = error.originalResponse;
  if (response && response.getStatus() === 401) showAuthBanner();
  if (response) {
    try {
      const detail = JSON.parse(response.getBody() || "{}").detail;
      if (detail) return detail;
    } catch {
      /* not JSON */
    }
    return `The upload failed (HTTP ${response.getStatus()}). Retry it, or pick the file again.`;
  }
  return "The connection dropped. Press Resume to continue from where it stopped.";
}

function uploadFile(item, options, count) {
  return new Promise((resolve) => {
    const { file } = item;
    const started = performance.now();
    let firstSent = null;
    const upload = new window.tus.Upload(file, {
      endpoint: config.tus_endpoint,
      chunkSize: config.chunk_size_bytes,
      ...parallelOptions(file),
      retryDelays: [0, 1000, 3000, 5000, 10000],
      removeFingerprintOnSuccess: true,
      headers: authHeaders(),
      metadata: { filename: file.name, filetype: file.type || "application/octet-stream" },
      onShouldRetry: (err) => {
        const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
        return status === 0 || status === 409 || status === 423 || status >= 500;
      },
      onProgress: (sent, total) => {
        if (firstSent === null) firstSent = sent;
        const percent = total ? (sent / total) * 100 : 0;
        item.node.progress.value = percent;
        const seconds = (performance.now() - started) / 1000;
        const rate = seconds > 0.5 ? ` · ${bytes((sent - firstSent) / seconds)}/s` : "";
        setStatus(item, `${bytes(sent)} of ${bytes(total)} (${percent.toFixed(0)} %)${rate}`);
      },
      onError: (error) => {
        fail(item, tusMessage(error));
        resolve();
      },
      onSuccess: async () => {
        item.node.pause.hidden = true;
        item.node.progress.value = 100;
        await createJob(item, upload.url, options, count);
        resolve();
      },
    });
    item.upload = upload;
    item.node.pause.hidden = false;
    item.node.remove.hidden = true;
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        setStatus(item, "Resuming the earlier upload of this file…");
      } else {
        setStatus(item, "Starting…");
      }
      item.state = "uploading";
      upload.start();
    });
  });
}

function togglePause(item) {
  if (item.state === "uploading") {
    item.upload.abort();
    item.state = "paused";
    item.node.pause.textContent = "Resume";
    setStatus(item, `Paused at ${item.node.progress.value.toFixed(0)} %. Press Resume to continue.`);
  } else if (item.state === "paused" || item.state === "error") {
    item.state = "uploading";
    item.node.root.classList.remove("error");
    item.node.pause.textContent = "Pause";
    setStatus(item, "Resuming…");
    item.upload.start();
  }
}

async function createJob(item, url, options, count) {
  setStatus(item, "Uploaded. Checking the file and queueing it…");
  const uploadId = url.replace(/\/+$/, "").split("/").pop();
  try {
    const job = await api("/api/jobs", {
      method: "POST",
      body: { upload_id: uploadId, name: jobName(item.file, count), options },
    });
    item.state = "done";
    item.node.root.classList.add("done");
    item.node.link.href = `/sessions/${job.id}`;
    item.node.link.hidden = false;
    setStatus(item, "Uploaded and queued for transcription.");
  } catch (err) {
    fail(item, err.message);
  }
}

async function runQueue(items, options) {
  const waiting = [...items];
  const worker = async () => {
    while (waiting.length) {
      const item = waiting.shift();
      await uploadFile(item, options, items.length);
    }
  };
  await Promise.all(Array.from({ length: SIMULTANEOUS_FILES }, worker));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (tusMissing()) {
    toast("The upload library is missing: run `make install` (it needs npm), then reload.", { error: true });
    return;
  }
  const items = queue.filter((i) => i.state === "ready");
  if (!items.length) return;
  for (const item of items) item.state = "queued";
  refreshStart();
  await runQueue(items, jobOptions());
  const done = items.filter((i) => i.state === "done");
  if (done.length === 1 && items.length === 1) {
    toast("Queued. Opening the session…");
    setTimeout(() => { location.href = done[0].node.link.href; }, 600);
  } else if (done.length) {
    toast(`${done.length} of ${items.length} files queued.`);
  }
  refreshStart();
});

// -- uploads a reload interrupted ---------------------------------------------------------------

async function listUnfinished() {
  if (tusMissing() || !window.tus.defaultOptions.urlStorage.findAllUploads) return;
  const storage = window.tus.defaultOptions.urlStorage;
  const uploads = await storage.findAllUploads();
  const list = document.getElementById("resume-list");
  list.replaceChildren();
  for (const upload of uploads) {
    const name = (upload.metadata && upload.metadata.filename) || "a file";
    const forget = el("button", {
      type: "button",
      class: "link",
      onclick: async () => {
        await storage.removeUpload(upload.urlStorageKey);
        listUnfinished();
      },
    }, "Forget");
    list.append(el("li", {}, `${name} (${bytes(upload.size)}) `, forget));
  }
  document.getElementById("resume-section").hidden = uploads.length === 0;
}

if (tusMissing()) {
  toast("The upload library is missing: run `make install` (it needs npm), then reload.", { error: true });
}
loadConfig();
listUnfinished();
