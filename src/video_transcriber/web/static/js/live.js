// Live captions page: microphone → AudioWorklet (16 kHz int16) → WebSocket /api/live → captions.
// Finals are appended to the current line (a new line after each sentence); the partial is shown
// after them in a lighter style until the next partial or final replaces it. The last
// MAX_LINES lines are kept. With an API key, the socket carries a short-lived token from
// POST /api/live/token (a browser WebSocket cannot send Authorization).

import { api, apiKey, el, toast } from "./api.js";

const MAX_LINES = 200;
const form = document.getElementById("live-form");
const micSelect = document.getElementById("live-mic");
const languageSelect = document.getElementById("live-language");
const nameInput = document.getElementById("live-name");
const startButton = document.getElementById("live-start");
const stopButton = document.getElementById("live-stop");
const statusLine = document.getElementById("live-status");
const done = document.getElementById("live-done");
const sessionLink = document.getElementById("live-session-link");
const board = document.getElementById("live-captions");
const partial = document.getElementById("live-partial");

let socket = null;
let capture = null;
let current = document.querySelector("#live-current .final-text");

function setStatus(text) {
  statusLine.textContent = text;
}

async function listMicrophones() {
  if (!navigator.mediaDevices?.enumerateDevices) return;
  const devices = await navigator.mediaDevices.enumerateDevices();
  const chosen = micSelect.value;
  const inputs = devices.filter((d) => d.kind === "audioinput" && d.deviceId);
  micSelect.replaceChildren(
    el("option", { value: "" }, "Default microphone"),
    ...inputs.map((d, i) => el("option", { value: d.deviceId }, d.label || `Microphone ${i + 1}`)),
  );
  micSelect.value = inputs.some((d) => d.deviceId === chosen) ? chosen : "";
}

async function socketUrl() {
  const url = new URL("/api/live", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("sample_rate", "16000");
  if (languageSelect.value) url.searchParams.set("language", languageSelect.value);
  if (nameInput.value.trim()) url.searchParams.set("name", nameInput.value.trim());
  if (apiKey()) {
    const minted = await api("/api/live/token", { method: "POST" });
    url.searchParams.set("token", minted.token);
  }
  return url.toString();
}

async function startCapture(onPcm) {
  const deviceId = micSelect.value;
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      deviceId: deviceId ? { exact: deviceId } : undefined,
      channelCount: 1,
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    },
  });
  const context = new AudioContext();
  await context.audioWorklet.addModule("/static/js/live-worklet.js");
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, "pcm-resampler");
  const mute = context.createGain();
  mute.gain.value = 0; // the graph must reach the destination to run; nothing is heard
  node.port.onmessage = (event) => onPcm(event.data);
  source.connect(node).connect(mute).connect(context.destination);
  return {
    stop() {
      node.port.onmessage = null;
      stream.getTracks().forEach((track) => track.stop());
      context.close();
    },
  };
}

function newLine() {
  const line = el("p", { class: "live-line" }, el("span", { class: "final-text" }));
  const live = document.getElementById("live-current");
  live.removeAttribute("id");
  line.id = "live-current";
  line.append(" ", partial);
  board.append(line);
  current = line.querySelector(".final-text");
  while (board.children.length > MAX_LINES) board.firstElementChild.remove();
}

function showFinal(message) {
  current.textContent = `${current.textContent} ${message.text}`.trim();
  partial.textContent = "";
  board.dataset.finals = String(Number(board.dataset.finals) + 1);
  if (/[.?!]["')\]]?$/.test(message.text)) newLine();
  board.scrollTop = board.scrollHeight;
}

function onMessage(event) {
  const message = JSON.parse(event.data);
  if (message.type === "partial") {
    partial.textContent = message.text;
    board.dataset.partials = String(Number(board.dataset.partials) + 1);
  } else if (message.type === "final") {
    showFinal(message);
  } else if (message.type === "error") {
    setStatus(message.message);
    toast(message.message, { error: true });
    finishCapture();
  } else if (message.type === "done") {
    if (message.job_id) {
      sessionLink.href = `/sessions/${message.job_id}`;
      done.hidden = false;
    }
    setStatus("Stopped.");
  }
}

function finishCapture() {
  capture?.stop();
  capture = null;
  startButton.disabled = false;
  stopButton.disabled = true;
}

async function start() {
  startButton.disabled = true;
  done.hidden = true;
  setStatus("Starting…");
  try {
    const ws = new WebSocket(await socketUrl());
    ws.binaryType = "arraybuffer";
    socket = ws;
    ws.onmessage = onMessage;
    ws.onclose = () => {
      if (socket === ws) socket = null;
      if (capture) {
        setStatus("The connection closed.");
        finishCapture();
      }
    };
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error("Could not connect to the live captions service."));
    });
    capture = await startCapture((pcm) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(pcm);
    });
    await listMicrophones(); // labels are known once permission is given
    stopButton.disabled = false;
    setStatus("Listening… captions appear as you speak.");
  } catch (err) {
    setStatus(err.message || String(err));
    toast(err.message || String(err), { error: true });
    socket?.close();
    finishCapture();
  }
}

function stop() {
  stopButton.disabled = true;
  capture?.stop();
  capture = null;
  if (socket?.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: "stop" }));
    setStatus("Finishing the last captions…");
  }
  startButton.disabled = false;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});
stopButton.addEventListener("click", stop);
navigator.mediaDevices?.addEventListener?.("devicechange", listMicrophones);
listMicrophones();
